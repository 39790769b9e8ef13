"""GX Data Docs as static HTML in a folder of our choice, complete with no network.

GX renders its pages to load Bootstrap, jQuery, Font Awesome, Vega and its logo from CDNs;
opened offline (an auditor's laptop, a zipped report) the pass/fail icons are missing, the
tables are unstyled, the index lists nothing (it is built by CDN JavaScript) and a newsletter
footer shows. So after GX builds the site, every page is rewritten here:

- every remote ``<script>``, ``<link>`` and ``<img>`` is removed, and every inline script
  (they need jQuery); a remote link (``<a href="https://...">``) keeps only its text; a
  remote ``url(...)`` in a style becomes ``none``;
- the pass/fail icons become text: "✓ passed" / "✗ failed" (the colour is a bonus, not the
  message);
- the marketing footer ("Subscribe") and the GX logo go; the page says it is oshakit's
  validation, made with Great Expectations;
- a small stylesheet and script of our own are inlined in each page: layout, tables, the
  "Failed only" filter and the collapsed sections work offline;
- ``index.html`` is written by us: one row per file kind with its status and counts, linked
  to its validation result and its expectation suite;
- GX's ``static/`` folder (fonts, animated GIFs, 4 MB that no page uses) is removed but for
  the favicon.

The Data Docs are shareable (they sit beside the shareable findings.csv): a result about a
protected column (``outputs.PII_COLUMNS``: names, address, date of birth, providers, free
text) keeps its pass/fail and its counts, but not the values GX quotes (unexpected lists and
counts, index lists, observed values other than numbers); they are in the confidential
findings.csv (:func:`shareable`).
"""

from __future__ import annotations

import copy
import re
import shutil
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

SITE = "oshakit"
#: What a Data Docs result about a protected column keeps: counts, never values.
KEPT_COUNTS = frozenset({
    "element_count", "missing_count", "missing_percent", "unexpected_count",
    "unexpected_percent", "unexpected_percent_total", "unexpected_percent_nonmissing"})
_SEP = " \u00b7 "
#: Text shown for GX's status icons (Font Awesome classes -> what they mean).
ICONS = {
    "fa-check-circle": ("oshakit-pass", "\u2713 passed"),
    "fa-check": ("oshakit-pass", "\u2713 passed"),
    "fa-times": ("oshakit-fail", "\u2717 failed"),
    "fa-times-circle": ("oshakit-fail", "\u2717 failed"),
    "fa-exclamation-triangle": ("oshakit-warn", "\u26a0 warning"),
}

_REMOTE = r"""(?:https?:)?//"""
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.S | re.I)
_REMOTE_LINK_TAG = re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']{_REMOTE}[^>]*>""", re.I)
_REMOTE_IMG = re.compile(rf"""<img\b[^>]*\bsrc\s*=\s*["']{_REMOTE}[^>]*>""", re.S | re.I)
_REMOTE_SRC_TAG = re.compile(
    rf"""<(iframe|embed|source|audio|video)\b[^>]*\bsrc\s*=\s*["']{_REMOTE}[^>]*>""", re.S | re.I)
_REMOTE_A = re.compile(rf"""<a\b[^>]*\bhref\s*=\s*["']{_REMOTE}[^>]*>(.*?)</a\s*>""",
                       re.S | re.I)
_REMOTE_URL = re.compile(rf"""url\(\s*["']?{_REMOTE}[^)]*\)""", re.I)
_ICON = re.compile(r"""<i\b[^>]*\bclass\s*=\s*["']([^"']*\bfa-[^"']*)["'][^>]*>\s*</i\s*>""",
                   re.I)
_FOOTER = re.compile(r"<footer\b[^>]*>.*?</footer\s*>", re.S | re.I)
_BRAND = re.compile(r"""<div class="float-left navbar-brand[^"]*"[^>]*>.*?</div>""", re.S)

#: The stylesheet inlined into every page (replaces Bootstrap for what GX's pages use).
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
 font-size:15px;line-height:1.45;color:#1d232b;margin:0;background:#fff}
a{color:#0b5cad}h4,h5,h6{margin:.3em 0}.lead{color:#555}
.navbar{display:flex;align-items:center;gap:1em;padding:.5em 1.2em;border-bottom:1px solid #ccd;
 background:#f6f7f9;position:sticky;top:0;z-index:5;height:auto!important}
.navbar nav{display:flex;align-items:center;gap:1em}
.oshakit-brand{font-weight:600}.oshakit-brand small{font-weight:400;color:#555}
.breadcrumb{display:flex;list-style:none;margin:0;padding:0}
.breadcrumb-item+.breadcrumb-item:before{content:"/";padding:0 .5em;color:#777}
.container-fluid{padding:1em 1.5em!important}
.row{display:flex;flex-wrap:wrap;margin:0}
.col-lg-2{flex:0 0 17%;max-width:17%;padding-right:1em;box-sizing:border-box}
.col-lg-10,.col-md-10{flex:1 1 0;min-width:0}.col-12{flex:0 0 100%;max-width:100%}
.col-6{flex:0 0 50%;max-width:50%;box-sizing:border-box}
.sticky{position:sticky;top:4.5em}
.card{border:1px solid #d5d9e0;border-radius:4px;margin-bottom:1em}
.card-header{background:#eef1f5;padding:.4em .6em;border-bottom:1px solid #d5d9e0}
.card-body{padding:.5em}
.nav{list-style:none;margin:0;padding:0}.nav-item{padding:.1em 0}
.nav-link{text-decoration:none;font-size:.9em}
.alert-secondary{background:#eef1f5;border-left:4px solid #8a94a6;padding:.4em .8em;
 margin:1.2em 0 .4em}
.ge-section{padding:0!important}
table{border-collapse:collapse;margin:.3em 0 .8em}
th,td{text-align:left;vertical-align:top;padding:.3em .6em;border-bottom:1px solid #dde1e7}
th{background:#eef1f5}
.table{width:100%}.table-bordered td,.table-bordered th{border:1px solid #dde1e7}
.badge{display:inline-block;background:#e4e7ec;border-radius:3px;padding:0 .35em;font-size:.85em;
 font-family:ui-monospace,monospace}
.text-danger{color:#b3261e}.text-success{color:#1b6e2e}
.oshakit-pass,.oshakit-fail,.oshakit-warn{font-weight:600;white-space:nowrap}
.oshakit-pass{color:#1b6e2e}.oshakit-fail{color:#b3261e}.oshakit-warn{color:#8a5a00}
.btn{display:inline-block;border:1px solid #8a94a6;border-radius:3px;padding:.2em .6em;
 margin:.1em;cursor:pointer;background:#fff;font-size:.9em}
.btn.active{background:#0b5cad;color:#fff;border-color:#0b5cad}
.btn input{display:none}
.collapse:not(.show){display:none}.d-none{display:none}
@media (min-width:768px){.d-md-block{display:block}.d-md-inline-flex{display:inline-flex}}
@media (max-width:767px){.col-lg-2{flex:0 0 100%;max-width:100%}}
code{font-family:ui-monospace,monospace;font-size:.9em}
.oshakit-failed-only .oshakit-section-passed{display:none}
.oshakit-note{color:#444;font-size:.9em}
"""
#: The script inlined into every page: the "Failed only" filter and collapsed sections,
#: without jQuery.
SCRIPT = """
(function(){
 function mark(){document.querySelectorAll('.ge-section').forEach(function(s){
  if(s.querySelector('.oshakit-pass')&&!s.querySelector('.oshakit-fail')){
   s.classList.add('oshakit-section-passed');
   document.querySelectorAll('a[href="#'+s.id+'"]').forEach(function(a){
    a.parentNode.classList.add('oshakit-section-passed');});}});}
 window.showAllValidations=function(){document.body.classList.remove('oshakit-failed-only');};
 window.hideSucceededValidations=function(){document.body.classList.add('oshakit-failed-only');};
 document.addEventListener('click',function(e){
  var b=e.target.closest('.btn-group-toggle .btn');
  if(b){b.parentNode.querySelectorAll('.btn').forEach(function(x){x.classList.remove('active');});
   b.classList.add('active');}
  var a=e.target.closest('[data-toggle="collapse"]');
  if(a){e.preventDefault();var t=document.querySelector(a.getAttribute('href')||
   a.getAttribute('data-target'));if(t){t.classList.toggle('show');}}});
 document.addEventListener('DOMContentLoaded',mark);
})();
"""


def build_docs(context: Any, results: dict[str, Any], directory: str | Path) -> Path:
    """Render the suites and ``results`` (kind -> suite validation result) into ``directory``
    and make every page complete offline (see the module docstring). Returns the index.

    Results are put in the context's store only now (validation itself skips the store:
    serialising complete results costs seconds on big bundles).
    """
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    for old in ("validations", "expectations", "static"):  # an earlier run's pages
        shutil.rmtree(directory / old, ignore_errors=True)
    if SITE in (context.get_config().data_docs_sites or {}):
        context.delete_data_docs_site(SITE)
    context.add_data_docs_site(site_name=SITE, site_config={
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                          "base_directory": str(directory)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    _store(context, results)
    context.build_data_docs(site_names=[SITE])
    for page in sorted(directory.glob("expectations/**/*.html")) + sorted(
            directory.glob("validations/**/*.html")):
        up = "../" * (len(page.relative_to(directory).parts) - 1)
        page.write_text(_static_links(offline(page.read_text(encoding="utf-8")), up),
                        encoding="utf-8")
    _prune_static(directory)
    index = directory / "index.html"
    index.write_text(index_page(directory, results), encoding="utf-8")
    return index


def _store(context: Any, results: dict[str, Any]) -> None:
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    run_id = RunIdentifier(run_name="oshakit", run_time=datetime.now(UTC))
    store = context.validation_results_store
    for kind, result in results.items():
        suite_id = ExpectationSuiteIdentifier(name=result.suite_name)
        key = ValidationResultIdentifier(expectation_suite_identifier=suite_id, run_id=run_id,
                                         batch_identifier=f"bundle-{kind}")
        result.meta["run_id"] = run_id
        if not store.has_key(key):
            store.set(key, shareable(result))


def protected(expectation_kwargs: Any) -> bool:
    """Whether an expectation names a protected column (``outputs.PII_COLUMNS``) in any of
    its arguments (``column``, ``column_A``/``column_B``, ``column_list``...)."""
    from oshakit.outputs import mentions_pii

    return mentions_pii(dict(expectation_kwargs or {}))


def shareable(result: Any) -> Any:
    """A copy of a suite's validation result whose results about a protected column keep
    their status and counts only (:data:`KEPT_COUNTS`; an observed value only when it is a
    number): the values GX quotes are employee PII."""
    out = copy.deepcopy(result)
    for one in getattr(out, "results", None) or []:
        config = getattr(one, "expectation_config", None)
        if config is None or not protected(getattr(config, "kwargs", None)):
            continue
        details = dict(one.result or {})
        kept = {k: v for k, v in details.items() if k in KEPT_COUNTS}
        observed = details.get("observed_value")
        if isinstance(observed, (int, float)) and not isinstance(observed, bool):
            kept["observed_value"] = observed
        one.result = kept
    return out


def offline(html: str) -> str:
    """One GX page made complete with no network (see the module docstring)."""
    html = _SCRIPT.sub("", html)
    html = _REMOTE_LINK_TAG.sub("", html)
    html = _FOOTER.sub("", html)
    html = _BRAND.sub(
        '<div class="oshakit-brand">oshakit validation '
        "<small>(Great Expectations Data Docs)</small></div>", html)
    html = _REMOTE_IMG.sub("", html)
    html = _REMOTE_SRC_TAG.sub("", html)
    html = _REMOTE_A.sub(r"\1", html)
    html = _REMOTE_URL.sub("none", html)
    html = _ICON.sub(_icon_text, html)
    head = f"<style>{CSS}</style>"
    html = html.replace("</head>", head + "</head>", 1)
    return html.replace("</body>", f"<script>{SCRIPT}</script></body>", 1)


_STATIC_LINK = re.compile(r"""((?:href|src)\s*=\s*["'])(?:\.\./)*static/""", re.I)


def _static_links(html: str, up: str) -> str:
    """Links to the site's ``static/`` folder made relative to the page (``up``: one
    ``../`` per folder between the page and the site's root): GX writes one ``../`` too few
    in the validation result pages, so their favicon link pointed outside the site."""
    return _STATIC_LINK.sub(lambda m: f"{m.group(1)}{up}static/", html)


def _icon_text(match: re.Match) -> str:
    classes = match.group(1).split()
    for cls in classes:
        if cls in ICONS:
            css, text = ICONS[cls]
            return f'<span class="{css}">{text}</span>'
    return ""  # a decorative icon: nothing to say


def _prune_static(directory: Path) -> None:
    """Keep only the favicon of GX's static folder (no page uses the rest offline)."""
    static = directory / "static"
    favicon = static / "images" / "favicon.ico"
    keep = favicon.read_bytes() if favicon.is_file() else None
    shutil.rmtree(static, ignore_errors=True)
    if keep is not None:
        favicon.parent.mkdir(parents=True, exist_ok=True)
        favicon.write_bytes(keep)


def index_page(directory: Path, results: dict[str, Any]) -> str:
    """Our index of the site: one row per file kind, its status in words, its counts, and
    links (relative) to its validation result and expectation suite."""
    rows = []
    for kind in sorted(results):
        result = results[kind]
        stats = getattr(result, "statistics", {}) or {}
        suite = getattr(result, "suite_name", kind)
        pages = sorted(directory.glob(f"validations/{suite}/**/*.html"))
        suite_page = directory / "expectations" / f"{suite}.html"
        ok = bool(getattr(result, "success", False))
        status = ('<span class="oshakit-pass">\u2713 passed</span>' if ok else
                  '<span class="oshakit-fail">\u2717 failed</span>')
        links = []
        if pages:
            rel = pages[-1].relative_to(directory).as_posix()
            links.append(f'<a href="{escape(rel)}">validation result</a>')
        if suite_page.is_file():
            rel = suite_page.relative_to(directory).as_posix()
            links.append(f'<a href="{escape(rel)}">expectation suite</a>')
        pct = stats.get("success_percent")
        rows.append(
            f"<tr><td>{escape(str(kind))}</td><td>{status}</td>"
            f"<td class='n'>{_num(stats.get('evaluated_expectations'))}</td>"
            f"<td class='n'>{_num(stats.get('successful_expectations'))}</td>"
            f"<td class='n'>{_num(stats.get('unsuccessful_expectations'))}</td>"
            f"<td class='n'>{'' if pct is None else f'{float(pct):.1f} %'}</td>"
            f"<td>{_SEP.join(links)}</td></tr>")
    body = "".join(rows) or "<tr><td colspan='7'>No file was validated.</td></tr>"
    failed = sum(not bool(getattr(r, "success", False)) for r in results.values())
    summary = (f"{len(results)} file kind(s) validated: {len(results) - failed} passed every "
               f"expectation, {failed} did not.")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>oshakit validation: Data Docs</title>
<link rel="shortcut icon" href="static/images/favicon.ico" type="image/x-icon">
<style>{CSS}
td.n{{text-align:right;font-variant-numeric:tabular-nums}}</style></head>
<body><div class="navbar"><div class="oshakit-brand">oshakit validation
<small>(Great Expectations Data Docs)</small></div></div>
<div class="container-fluid">
<h4>Validation of the case bundle, one suite per file kind</h4>
<p>{escape(summary)}</p>
<table class="table"><thead><tr><th>File kind</th><th>Status</th><th>Expectations</th>
<th>Passed</th><th>Failed</th><th>Success</th><th>Pages</th></tr></thead>
<tbody>{body}</tbody></table>
<p class="oshakit-note">Each validation result lists every expectation with its status in
words; "Failed only" hides the sections that passed. The findings, one row per failing
value with its file and line, are in findings.csv next to this folder. These pages load
nothing from the network.</p>
</div></body></html>
"""


def _num(value: Any) -> str:
    return "" if value is None else f"{int(value):,}"
