"""Render every form of a year, per establishment, into a folder; and PNG previews.

``render_forms`` takes a :class:`oshakit.pipeline.Result` (or a ``(rec, summaries)`` pair)
and writes ``out_dir/<code>/form300.pdf``, ``form300a.pdf``, ``form301.pdf`` and, when the
establishment has privacy cases, ``privacy_cases.pdf`` and ``privacy_cases.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.errors import OshakitError
from oshakit.forms.form300 import render_form300
from oshakit.forms.form300a import render_form300a
from oshakit.forms.form301 import render_form301
from oshakit.forms.layout import PAPERS
from oshakit.forms.privacy import privacy_frame, render_privacy, write_privacy_csv


def _parts(source: Any) -> tuple[Any, pd.DataFrame]:
    if isinstance(source, tuple | list) and len(source) == 2:
        return source[0], source[1]
    if hasattr(source, "rec") and hasattr(source, "summaries"):
        return source.rec, source.summaries
    raise TypeError("render_forms needs a pipeline Result or a (rec, summaries) pair")


def render_forms(
    source: Any,
    out_dir: str | Path,
    year: int,
    establishment: str | None = None,
    certifier: Mapping[str, Any] | None = None,
    paper: str = "legal",
) -> dict[str, dict[str, Path]]:
    """Write the forms of ``year`` for each establishment (or only ``establishment``).

    ``certifier`` (keys ``name``, ``title``, ``phone``, ``date``) fills the 300A
    certification and the 301 completed-by block; ``paper`` ("legal" or "letter") is the
    Form 300 paper size. Returns ``{code: {"form300": path, ...}}``.
    """
    if paper not in PAPERS:
        raise OshakitError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    rec, summaries = _parts(source)
    rows = summaries[summaries["year"] == year]
    if establishment is not None:
        rows = rows[rows["establishment_code"] == establishment]
        if rows.empty:
            known = ", ".join(sorted(summaries["establishment_code"].dropna().unique()))
            raise OshakitError(
                f"no Form 300A for establishment {establishment!r} in {year}; known: {known}"
            )
    if rows.empty:
        raise OshakitError(f"no establishment has a summary for {year}")
    as_of = getattr(getattr(rec, "policy", None), "as_of", None)
    log = rec.log[rec.log["year"] == year]
    out_dir = Path(out_dir)
    written: dict[str, dict[str, Path]] = {}
    for info in rows.sort_values("establishment_code").to_dict("records"):
        code = str(info["establishment_code"])
        folder = out_dir / code
        folder.mkdir(parents=True, exist_ok=True)
        cases = log[log["establishment_code"] == code]
        files = {
            "form300": folder / "form300.pdf",
            "form300a": folder / "form300a.pdf",
            "form301": folder / "form301.pdf",
        }
        render_form300(cases, files["form300"], info, year=year, paper=paper, as_of=as_of)
        render_form300a(info, files["form300a"], certifier=certifier)
        render_form301(cases, files["form301"], completed_by=certifier)
        private = privacy_frame(cases)
        for stale in ("privacy_cases.pdf", "privacy_cases.csv"):
            (folder / stale).unlink(missing_ok=True)
        if not private.empty:
            files["privacy_pdf"] = folder / "privacy_cases.pdf"
            files["privacy_csv"] = folder / "privacy_cases.csv"
            render_privacy(private, files["privacy_pdf"], info)
            write_privacy_csv(private, files["privacy_csv"])
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
