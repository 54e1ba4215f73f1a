"""Template helpers shared by every PanelApp page."""

from html import escape as _html_escape

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from accounts.roles import is_curator as _is_curator
from accounts.roles import is_verified_reviewer as _is_verified_reviewer

from ..selectors.reviews import evaluations_of_user
from ..vocab import gel_status_colour, gel_status_label

register = template.Library()


@register.filter
def is_curator(user) -> bool:
    return _is_curator(user)


@register.filter
def is_reviewer(user) -> bool:
    return _is_verified_reviewer(user)


def _link_or_text(route: str, args: list, text) -> str:
    """A link to ``route``, or the bare (escaped) text when it has no address: a legacy name with
    '/' cannot be a path segment, and one such row must not make the whole page a 500."""
    try:
        url = reverse(route, args=args)
    except NoReverseMatch:
        return escape(text)
    return format_html('<a href="{}">{}</a>', url, text)


@register.simple_tag
def entity_link(panel_id, entity_type, name, text=None):
    """``<a>`` to an entity's page on a panel (text: its name unless given)."""
    return _link_or_text("panels:entity", [panel_id, entity_type, name], name if text is None else text)


@register.simple_tag
def entity_panels_link(name):
    """``<a>`` to the page of every panel holding ``name``."""
    return _link_or_text("panels:entity_panels", [name], name)


@register.simple_tag
def rating(status, flagged=False):
    """A rating badge: colour AND a word, so it reads without colour too."""
    colour = gel_status_colour(status, flagged)
    return format_html('<span class="rating {}">{}</span>', colour, gel_status_label(status, flagged))


@register.inclusion_tag("panelapp/field.html")
def field(bound_field, help_text=None):
    """Label, input, help and this field's errors together (errors next to the field)."""
    return {"field": bound_field, "help": help_text or bound_field.help_text}


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def joined(values, separator="; "):
    return separator.join(str(v) for v in (values or []))


@register.simple_tag
def entity_table_rows(rows, super_panel=False):
    """The rows of a panel's entity table.

    Built in Python rather than with a template loop: a panel of a thousand genes would
    otherwise spend most of its rendering time in the template engine. ``html.escape`` is what
    Django's ``escape`` calls, without its lazy-string wrapper (thousands of calls per page).
    """
    escape = _html_escape
    parts = []
    for r in rows:
        cells = [
            f'<td><span class="rating {r["colour"]}">{escape(r["label"])}</span></td>',
            f'<td><a href="{escape(r["url"])}">{escape(r["name"])}</a>'
            + (f' <span class="small muted">chr{escape(str(r["location"]))}</span>' if r["location"] else "")
            + "</td>",
        ]
        if super_panel:
            cells.append(f'<td><a href="/panels/{int(r["panel_id"])}/">{escape(str(r["panel_name"]))}</a></td>')
        cells += [
            f'<td class="hide-small small">{escape(r["moi"] or "") or "—"}</td>',
            f'<td class="hide-small small">{escape("; ".join(r["sources"]))}</td>',
            '<td class="hide-small">' + "".join(f'<span class="tag">{escape(t)}</span>' for t in r["tags"]) + "</td>",
            f'<td class="num">{int(r["reviews"])}</td>',
            f"<td>{'Ready' if r['ready'] else ''}</td>",
        ]
        parts.append("<tr>" + "".join(cells) + "</tr>")
    return mark_safe("\n".join(parts))


@register.inclusion_tag("panels/user_evaluations.html")
def evaluations_of(user) -> dict:
    """The reviews a user wrote, newest first, with their panels (the profile page's list)."""
    return {"evaluations": evaluations_of_user(user)}
