"""Small pieces of HTML built only from escaped text: what report tables and the audit pack
are made of. Nothing from the data is ever written into a page unescaped."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

#: What an empty cell shows.
DASH = "\u2014"


def esc(value: object) -> str:
    """``value`` as HTML text (quotes escaped too: safe inside an attribute)."""
    return escape("" if value is None else str(value), quote=True)


class Html:
    """A block of HTML with a plain-text twin: Jupyter shows the HTML (``_repr_html_``),
    a terminal or a test sees the text."""

    def __init__(self, html: str, text: str) -> None:
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text

    def __add__(self, other: Html) -> Html:
        return Html(self.html + other.html, f"{self.text}\n{other.text}".strip("\n"))


def join(parts: Iterable[Html]) -> Html:
    out = Html("", "")
    for part in parts:
        out = out + part
    return out


#: How a paragraph of each kind looks (inline: a notebook's HTML copy has no stylesheet of ours).
_LOOK = {
    "notice": "background:#fff3cd;border-left:4px solid #b38600;padding:.5em .8em;"
              "font-weight:600",
    "attention": "color:#b3261e;font-weight:600",
    "none": "color:#444;font-style:italic",
    "fingerprint": "color:#555;font-size:.9em",
}


def note(text: str, kind: str = "note") -> Html:
    """One paragraph of text. ``kind``: ``note``, ``none`` (an empty section),
    ``notice`` (the incomplete-bundle notice), ``attention`` or ``fingerprint``."""
    look = _LOOK.get(kind)
    style = f' style="{look}"' if look else ""
    return Html(f'<p class="oshakit-{esc(kind)}"{style}>{esc(text)}</p>', text)


def heading(text: str, level: int = 3) -> Html:
    level = min(max(int(level), 1), 6)
    return Html(f"<h{level}>{esc(text)}</h{level}>", text)


def bullets(items: Iterable[str]) -> Html:
    items = list(items)
    html = "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"
    return Html(html, "\n".join(f"- {i}" for i in items))


def link(href: str, text: str) -> Html:
    """A link with a relative ``href`` (refused otherwise: reports must stay portable)."""
    if "://" in href or href.startswith(("/", "\\")) or ":" in href.split("/", 1)[0]:
        raise ValueError(f"report links must be relative, not {href!r}")
    return Html(f'<a href="{esc(quote(href, safe="/#"))}">{esc(text)}</a>', f"{text} ({href})")
