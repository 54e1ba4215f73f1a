from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.safestring import SafeString, mark_safe

from .markdown import render


class HomeText(models.Model):
    """One section of the home page, as in Genomics England's PanelApp: ``section`` orders them,
    ``href`` is the section's anchor (``/#href``), ``text`` is Markdown."""

    section = models.IntegerField(help_text="Sections are shown in this order.")
    title = models.CharField(max_length=64)
    href = models.CharField(
        max_length=64,
        unique=True,
        help_text="The section's anchor on the page: letters, digits, '-' and '_'.",
        validators=[
            RegexValidator(r"^[A-Za-z][A-Za-z0-9_-]*$", "Letters, digits, '-' and '_', starting with a letter.")
        ],
    )
    text = models.TextField(blank=True, help_text="Markdown. HTML is shown as text, never run.")

    class Meta:
        ordering = ["section", "pk"]
        verbose_name = "home page section"

    def __str__(self) -> str:
        return self.title

    @property
    def html(self) -> SafeString:
        # Safe by construction: homepage.markdown escapes every character of the text first.
        return mark_safe(render(self.text))
