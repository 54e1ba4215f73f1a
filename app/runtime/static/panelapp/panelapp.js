// Gene suggestions for inputs with data-autocomplete="gene": fills their <datalist> as you type.
// Works without it too: the field is a plain text box and the server checks the symbol.
(function () {
  "use strict";
  var timer = null;
  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var term = input.value.trim();
    if (!list || term.length < 2) { return; }
    fetch("/autocomplete/gene/?q=" + encodeURIComponent(term), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        list.innerHTML = "";
        data.results.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.id;
          option.label = item.text;
          list.appendChild(option);
        });
      })
      .catch(function () { /* suggestions are optional */ });
  }
  document.querySelectorAll("input[data-autocomplete=gene]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(input); }, 150);
    });
  });
})();
