"""The audit pack of a year: ``reports/<year>/index.html``.

One static page an auditor opens from disk (or from a zipped report folder, with no
network): the computation every file comes from (fingerprint, policy, bundle), a status
line per establishment (the filed numbers G–M, TCR and DART, exceptions by severity, ITA
checks, filing duty, and how its notebooks ran), the validation of the bundle, and a link
to every file the run wrote — notebook reports, forms, tables, charts, ITA files —
grouped by kind. Links are relative to the year's folder; every value from the data is
HTML-escaped (an establishment code like ``<img src=x onerror=...>`` stays text).

:func:`render_pack` is pure (a :class:`~oshakit.result.Result` and the run's manifest in,
HTML out); :func:`write_pack` writes it. ``oshakit run`` writes the pack at the end.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from oshakit.report.html import DASH, esc, link
from oshakit.report.tables import FORM_300A, status
from oshakit.result import Result

INDEX = "index.html"
#: The id of the pack's one section that links confidential files (every other link of the
#: page resolves in a copy without the ``confidential/`` folders).
CONFIDENTIAL_SECTION = "confidential"
#: How to make a shareable copy of a year's folder (the docs say the same).
SHARE_COMMAND = "zip -r {year}-shareable.zip {year} -x '*/confidential/*'"
#: The manifest's name for the notebooks run once per year for the whole bundle.
BUNDLE_UNIT = "_bundle"
#: File groups of an establishment's folder, in the order the page lists them.
GROUPS = (
    ("reports", "Notebook reports (HTML)"),
    ("forms", "Forms (PDF)"),
    ("tables", "Tables (CSV)"),
    ("charts", "Charts"),
    ("ita", "ITA files: the 300A upload, its checks and exceptions"),
    ("validation", "Validation"),
    ("notebooks", "Executed notebooks"),
    ("other", "Stamps and other files"),
)


def group_of(path: str) -> str:
    """The group a file of the run belongs to (its path relative to the year's folder)."""
    p = PurePosixPath(path)
    parts = p.parts
    if "confidential" in parts:
        return "confidential"
    if "data_docs" in parts or p.name in ("findings.csv", "summary.json", "profile.csv"):
        return "validation"
    if p.suffix == ".html" and len(parts) == 2:
        return "reports"
    if p.suffix == ".ipynb":
        return "notebooks"
    if p.suffix == ".pdf":
        return "forms"
    if "ita" in parts[1:-1] or p.name.startswith("ita_"):
        return "ita"
    if p.suffix in (".png", ".svg"):
        return "charts"
    if p.suffix == ".csv":
        return "tables"
    return "other"


def render_pack(result: Result, manifest: Any) -> str:
    """The audit pack of ``manifest.year`` as HTML: ``result`` is the run's computation
    (every year or that year), ``manifest`` the run's ``Manifest`` (entries with their
    outputs, paths relative to the year's folder)."""
    year = int(manifest.year)
    this_year = result.select(year=year) if result.year is None else result
    rows = status(this_year)
    by_code = {str(r["establishment_code"]): r for _, r in rows.iterrows()}
    entries = dict(sorted(manifest.entries.items()))
    units = [name for name in entries if name != BUNDLE_UNIT]
    root = Path(manifest.root)
    parts = [_head(year, result), _computation(this_year, manifest)]
    if (notice := this_year.notice()) is not None:
        parts.append(f'<p class="notice">{esc(notice)}</p>')
    parts.append(_status_table(units, entries, by_code, result.fingerprint, root))
    if BUNDLE_UNIT in entries:
        parts.append(_unit_section(BUNDLE_UNIT, "Validation of the whole bundle",
                                   entries[BUNDLE_UNIT], root, result.fingerprint))
    titles = {BUNDLE_UNIT: "Validation of the whole bundle"}
    for code in units:
        row = by_code.get(code)
        name = row["establishment_name"] if row is not None else None
        titles[code] = f"{code} \u00b7 {name}" if isinstance(name, str) and name else code
        parts.append(_unit_section(code, titles[code], entries[code], root, result.fingerprint))
    parts.append(_confidential_section(entries, titles))
    parts.append(_foot(manifest))
    return "\n".join(parts) + "\n</body></html>\n"


def write_pack(result: Result, manifest: Any) -> Path:
    """Write ``<year folder>/index.html`` (and stamp the folder: ``README.txt`` and
    ``run.json`` with the computation's fingerprint and policy); return the page's path."""
    from oshakit.outputs import inside, stamp

    root = Path(manifest.root)
    path = inside(root, INDEX)
    path.write_text(render_pack(result, manifest), encoding="utf-8")
    this_year = result.select(year=int(manifest.year)) if result.year is None else result
    stamp(root, this_year, [path, Path(manifest.path)])
    return path


# --- pieces ----------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:15px;
 line-height:1.45;color:#1d232b;margin:1.5em 2em;max-width:90em}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .4em;
 border-bottom:1px solid #ccd;padding-bottom:.2em}h3{font-size:1em;margin:1em 0 .3em}
a{color:#0b5cad}table{border-collapse:collapse;margin:.4em 0 1em}
th,td{padding:3px 8px;border-bottom:1px solid #dde1e7;text-align:left;vertical-align:top}
th{background:#eef1f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1b6e2e;font-weight:600}.failed{color:#b3261e;font-weight:600}
.skipped{color:#555;font-weight:600}.warn{color:#8a5a00}
.notice{background:#fff3cd;border-left:4px solid #b38600;padding:.5em .8em}
.meta td:first-child{color:#555;white-space:nowrap}
ul.files{margin:.2em 0 .6em;padding-left:1.2em}ul.files li{margin:.1em 0}
.size{color:#666;font-size:.85em}.conf{border-left:4px solid #b3261e;padding-left:.6em}
code{font-family:ui-monospace,monospace;font-size:.9em}
.foot{color:#555;font-size:.9em;margin-top:2em;border-top:1px solid #ccd;padding-top:.5em}
"""


def _head(year: int, result: Result) -> str:
    source = f" \u00b7 bundle {result.source}" if result.source else ""
    title = f"OSHA recordkeeping {year}: audit pack"
    intro = (f"Every establishment of the {year} run{source}: what was filed, what needs "
             "attention, and every file the run wrote.")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1><p>{esc(intro)}</p>")


def _computation(result: Result, manifest: Any) -> str:
    meta = result.metadata()
    rows = [
        ("Fingerprint", meta["fingerprint"]),
        ("Input fingerprint (SHA-256 of the bundle's files)", meta["input_fingerprint"]),
        ("Policy", result.policy.describe()),
        ("Bundle (folder name)", getattr(manifest, "bundle", "") or DASH),
        ("oshakit version", meta["kit_version"]),
        ("Manifest", None),
    ]
    body = []
    for label, value in rows:
        cell = link("manifest.json", "manifest.json").html if value is None else (
            f"<code>{esc(value)}</code>")
        body.append(f"<tr><td>{esc(label)}</td><td>{cell}</td></tr>")
    return ('<h2>The computation</h2><p>Every file below was made from this one computation; '
            "each folder's <code>run.json</code> records its fingerprint.</p>"
            f'<table class="meta">{"".join(body)}</table>')


def _status_table(units: list[str], entries: dict[str, Any], by_code: dict[str, Any],
                  fingerprint: str, root: Path) -> str:
    letters = [k for k, _ in FORM_300A.values()]
    head = (["Establishment", "Run"] + ["Cases"] + letters
            + ["TCR", "DART", "Errors", "Warnings", "Info", "ITA checks failed",
               "Filing duty"])
    rows = []
    for code in units:
        entry = entries[code]
        row = by_code.get(code)
        run = _run_cell(entry, _stale(entry, fingerprint, root))
        if row is None:
            cells = [f"<td>{esc(code)}</td>", run] + ['<td class="n">\u2014</td>'] * (
                len(head) - 3) + ["<td>not in the result</td>"]
        else:
            numbers = [row["cases"]] + [row[c] for c in FORM_300A]
            cells = ([f'<td><a href="#{esc(_anchor(code))}">{esc(code)}</a></td>', run]
                     + [f'<td class="n">{int(v):,}</td>' for v in numbers]
                     + [f'<td class="n">{esc(_rate(row["tcr"]))}</td>',
                        f'<td class="n">{esc(_rate(row["dart"]))}</td>']
                     + [_count_cell(row[s], s) for s in ("error", "warning", "info")]
                     + [_count_cell(row["checks_failed"], "error"),
                        f"<td>{esc(row['filing'])}</td>"])
        rows.append("<tr>" + "".join(cells) + "</tr>")
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(rows) or f'<tr><td colspan="{len(head)}">No establishment was run.</td></tr>'
    return ("<h2>Status per establishment</h2>"
            "<p>Filed numbers from the Form 300A: G deaths, H days-away cases, I job transfer "
            "or restriction cases, J other recordable cases, K days away, L days of job "
            "transfer or restriction, M1\u2013M6 injury and illness types; TCR and DART per "
            "200,000 hours worked; exceptions of the reconciliation by severity; failed ITA "
            "checks; the filing duty (29 CFR 1904.1, 1904.2, 1904.41).</p>"
            f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>")


def _run_cell(entry: Any, stale: list[str]) -> str:
    state = getattr(entry, "status", "") or ""
    css = {"ok": "ok", "failed": "failed", "skipped": "skipped"}.get(state, "")
    text = {"skipped": "ok (unchanged, skipped)"}.get(state, state or DASH)
    detail = ""
    if getattr(entry, "error", None):
        err = entry.error
        detail = f"<br>{esc(err.get('notebook') or '')}: {esc(err.get('ename') or '')}: " \
                 f"{esc(err.get('evalue') or '')}"
    if stale:
        detail += ("<br><span class=\"warn\">" + esc(
            "made by another computation: " + ", ".join(stale)) + "</span>")
    return f'<td><span class="{css}">{esc(text)}</span>{detail}</td>'


def _count_cell(value: Any, severity: str) -> str:
    n = int(value)
    css = " failed" if n and severity == "error" else (" warn" if n else "")
    return f'<td class="n{css}">{n:,}</td>'


def _rate(value: Any) -> str:
    return DASH if value is None or pd.isna(value) else f"{float(value):.2f}"


def _anchor(code: str) -> str:
    return "est-" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in code)


def _stale(entry: Any, fingerprint: str, root: Path) -> list[str]:
    """The unit's stamped folders (``run.json``) whose fingerprint is not the run's."""
    out = []
    for o in getattr(entry, "outputs", []) or []:
        path = str(o.get("path", ""))
        if PurePosixPath(path).name != "run.json":
            continue
        try:
            meta = json.loads((root / path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("fingerprint") not in (None, fingerprint):
            out.append(f"{PurePosixPath(path).parent.as_posix()} ({meta.get('fingerprint')})")
    return out


def _unit_section(name: str, title: str, entry: Any, root: Path, fingerprint: str) -> str:
    outputs = [o for o in (getattr(entry, "outputs", []) or []) if o.get("path")
               and group_of(str(o["path"])) != "confidential"]  # listed apart, at the end
    groups: dict[str, list[dict[str, Any]]] = {}
    for o in sorted(outputs, key=lambda o: str(o["path"])):
        groups.setdefault(group_of(str(o["path"])), []).append(o)
    parts = [f'<h2 id="{esc(_anchor(name))}">{esc(title)}</h2>']
    if name == BUNDLE_UNIT:
        docs = [o for o in outputs if str(o["path"]).endswith("data_docs/index.html")]
        if docs:
            parts.append("<p>" + link(str(docs[0]["path"]), "Open the validation (Data Docs)"
                                      ).html + ": every expectation of every file kind, with "
                         "its status.</p>")
    if not outputs:
        parts.append("<p>No file recorded for this unit.</p>")
    for key, label in GROUPS:
        files = groups.get(key)
        if not files:
            continue
        if key == "validation":
            files = [o for o in files if "data_docs" not in str(o["path"])
                     or str(o["path"]).endswith("data_docs/index.html")]
        items = "".join(_file_item(o) for o in files)
        parts.append(f"<div><h3>{esc(label)}</h3><ul class=\"files\">{items}</ul></div>")
    return "\n".join(parts)


def _confidential_section(entries: dict[str, Any], titles: dict[str, str]) -> str:
    """The one section that links files under ``confidential/``: employee names, addresses,
    dates of birth, for the recordkeeper only. A copy of the folder without them (the
    shareable copy) leaves only this section's links dangling."""
    parts = [f'<section id="{CONFIDENTIAL_SECTION}" class="conf">',
             "<h2>Confidential (keep out of what you share)</h2>",
             "<p>These files hold employee names, addresses, dates of birth and the privacy "
             "case list (29 CFR 1904.29(b)(6)\u2013(10), 1904.35): for the recordkeeper "
             "only. Leave every <code>confidential/</code> folder out of a copy you share; "
             "the links above this section do not need them.</p>"]
    listed = False
    for name in [BUNDLE_UNIT, *sorted(n for n in entries if n != BUNDLE_UNIT)]:
        entry = entries.get(name)
        files = sorted((o for o in (getattr(entry, "outputs", []) or []) if o.get("path")
                        and group_of(str(o["path"])) == "confidential"),
                       key=lambda o: str(o["path"]))
        if not files:
            continue
        listed = True
        items = "".join(_file_item(o) for o in files)
        parts.append(f"<h3>{esc(titles.get(name, name))}</h3><ul class=\"files\">{items}</ul>")
    if not listed:
        parts.append("<p>No confidential file recorded.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _file_item(o: dict[str, Any]) -> str:
    path = str(o["path"])
    size = o.get("bytes")
    shown = "/".join(PurePosixPath(path).parts[1:]) or path
    extra = f' <span class="size">{_size(size)}</span>' if size is not None else ""
    return f"<li>{link(path, shown).html}{extra}</li>"


def _size(n: Any) -> str:
    n = int(n)
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _foot(manifest: Any) -> str:
    ran = sorted(str(e.ran_at) for e in manifest.entries.values()
                 if getattr(e, "ran_at", None))
    when = f" Notebooks ran between {ran[0]} and {ran[-1]} (UTC)." if ran else ""
    share = SHARE_COMMAND.format(year=int(manifest.year))
    return ('<p class="foot">This page and the files it links open from disk with no '
            "network; every link is relative to this folder, so a zipped copy opens "
            f"anywhere.{esc(when)} The folder also holds <code>confidential/</code> folders "
            "(employee names, addresses, dates of birth; 29 CFR 1904.29(b)(6)\u2013(10), "
            "1904.35): do not send the folder whole. A copy to share leaves them out, e.g. "
            f"from the folder above this one: <code>{esc(share)}</code>; in it every link "
            "outside the Confidential section still works.</p>")


def links(html: str) -> list[str]:
    """Every ``href``/``src`` of a page (for checks: they must be relative and exist)."""
    import re
    from html import unescape
    from urllib.parse import unquote

    return [unquote(unescape(m)) for m in re.findall(r'(?:href|src)="([^"]*)"', html)]


def missing_links(index: Path) -> list[str]:
    """Links of a page that do not resolve to a file beside it (anchors ``#...`` aside)."""
    index = Path(index)
    out = []
    for href in links(index.read_text(encoding="utf-8")):
        target = href.split("#", 1)[0]
        if target and not (index.parent / target).exists():
            out.append(href)
    return out
