// Small behaviours of every page, attached here rather than in inline handlers, which the
// Content-Security-Policy (script-src 'self') does not run.
(function () {
  "use strict";
  // <form data-confirm="Question?">: ask before submitting.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // <input data-select-on-focus>: select the whole value (the API token) when focused.
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
