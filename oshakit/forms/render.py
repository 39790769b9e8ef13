"""Render every form of a year, per establishment, into a folder; and PNG previews.

``render_forms`` takes a :class:`oshakit.result.Result` of one year and writes, for each
establishment, ``out_dir/<code>/form300.pdf`` and ``form300a.pdf`` (shareable: a privacy
case's name never appears), with ``representative_copy`` also
``form301_representative.pdf`` (items 10-18 only, for an authorized employee
representative, 1904.35(b)(2)(v)(B)), and, in the establishment-year's confidential folder
(:func:`oshakit.outputs.confidential_dir`: ``out_dir/<code>/confidential/``, or the batch's
``<out>/<year>/<code>/confidential/``), ``form301.pdf`` (the employees' own incident
reports: **it holds names, home addresses, dates of birth, physicians and facilities**) and,
when the establishment has privacy cases, ``privacy_cases.pdf`` and ``privacy_cases.csv``.
Every page carries the result's fingerprint; each folder gets the run's ``README.txt`` stamp.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oshakit.errors import OshakitError
from oshakit.forms.form300 import render_form300
from oshakit.forms.form300a import render_form300a
from oshakit.forms.form301 import render_form301
from oshakit.forms.layout import PAPERS, Footer
from oshakit.forms.privacy import privacy_frame, render_privacy, write_privacy_csv
from oshakit.result import Result


def render_forms(
    result: Result,
    out_dir: str | Path,
    *,
    establishment: str | None = None,
    certifier: Mapping[str, Any] | None = None,
    paper: str = "legal",
    representative_copy: bool = False,
) -> dict[str, dict[str, Path]]:
    """Write the forms of ``result.year`` for each establishment (or only
    ``establishment``).

    ``certifier`` (keys ``name``, ``title``, ``phone``, ``date``) fills the 300A
    certification and the 301 completed-by block; ``paper`` ("legal" or "letter") is the
    Form 300 paper size; ``representative_copy`` also writes the 301s' case sections for an
    authorized employee representative. Returns ``{code: {"form300": path, ...}}``; the
    paths are relative when ``out_dir`` is.
    """
    from oshakit.outputs import confidential_dir, inside, safe_name, stamp

    if paper not in PAPERS:
        raise OshakitError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    year = result.year
    if year is None:
        raise OshakitError("forms are for one year: compute the result for a year")
    if establishment is not None:
        result = result.select(establishment=establishment)
    rows = result.summaries[result.summaries["year"] == year]
    if rows.empty:
        raise OshakitError(f"no establishment has a summary for {year}")
    footer = Footer.of(result)
    as_of = result.policy.as_of
    log = result.log[result.log["year"] == year]
    written: dict[str, dict[str, Path]] = {}
    for info in rows.sort_values("establishment_code").to_dict("records"):
        code = safe_name(info["establishment_code"])
        folder = inside(out_dir, code)
        secret = confidential_dir(folder, establishment=code, year=year)
        folder.mkdir(parents=True, exist_ok=True)
        secret.mkdir(parents=True, exist_ok=True)
        cases = log[log["establishment_code"] == code]
        files = {
            "form300": folder / "form300.pdf",
            "form300a": folder / "form300a.pdf",
            "form301": secret / "form301.pdf",
        }
        render_form300(cases, files["form300"], info, year=year, paper=paper, as_of=as_of,
                       footer=footer)
        render_form300a(info, files["form300a"], certifier=certifier, footer=footer)
        render_form301(cases, files["form301"], completed_by=certifier, footer=footer)
        representative = folder / "form301_representative.pdf"
        representative.unlink(missing_ok=True)
        if representative_copy:
            files["form301_representative"] = representative
            render_form301(cases, representative, footer=footer, representative=True)
        private = privacy_frame(cases)
        for stale in ("privacy_cases.pdf", "privacy_cases.csv"):
            (secret / stale).unlink(missing_ok=True)
        if not private.empty:
            files["privacy_pdf"] = secret / "privacy_cases.pdf"
            files["privacy_csv"] = secret / "privacy_cases.csv"
            render_privacy(private, files["privacy_pdf"], info, footer=footer)
            write_privacy_csv(private, files["privacy_csv"])
        stamp(folder, result.select(establishment=code), files.values())
        written[code] = files
    return written


def preview_png(pdf_path: str | Path, page: int = 0, dpi: float = 72) -> bytes:
    """One page of a PDF rendered as PNG bytes (pypdfium2: no system packages needed)."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[page].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
