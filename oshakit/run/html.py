"""HTML copies of executed notebooks, for people without Jupyter.

nbconvert's ``lab`` template embeds its CSS; its page head also loads require.js and MathJax
from a CDN when opened (and mermaid.js for diagrams). The kit's notebooks need none of them,
so those blocks are emptied: the copy opens complete with no network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

_OFFLINE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


@cache
def exporter() -> Any:
    """One HTMLExporter per process (building it costs ~1 s of imports)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(extra_loaders=[DictLoader({"offline.html.j2": _OFFLINE})],
                        template_file="offline.html.j2")


def write_html(notebook: str | Path, html: str | Path | None = None) -> Path:
    """Write an HTML copy of ``notebook`` (default: same name, ``.html``); return its path."""
    import nbformat

    notebook = Path(notebook)
    html = Path(html) if html is not None else notebook.with_suffix(".html")
    body, _ = exporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    html.write_text(body, encoding="utf-8")
    return html
