"""OSHA Form 300A, Summary of Work-Related Injuries and Illnesses (one page, landscape).

Totals G-L and M1-M6 come from one row of ``summaries`` (the same numbers as the last page of
the 300 log); establishment fields that are missing print as "(missing)" in red, never invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from oshakit.forms.fonts import BOLD, REGULAR
from oshakit.forms.layout import (
    BLACK,
    GREY,
    LETTER_LANDSCAPE,
    MISSING,
    PAPERS,
    Footer,
    attention_box,
    burden,
    dol_block,
    draw_footer,
    field,
    fmt_date,
    fmt_int,
    is_missing,
    new_canvas,
    paragraph,
    text,
)

W, H = LETTER_LANDSCAPE
LEFT, RIGHT, MID = 36.0, 756.0, 486.0

POSTING = (
    "Post this Summary page from February 1 to April 30 of the year following the year "
    "covered by the form."
)
INTRO = (
    "All establishments covered by Part 1904 must complete this Summary page, even if no "
    "work-related injuries or illnesses occurred during the year. Remember to review the Log "
    "to verify that the entries are complete and accurate before completing this summary. "
    "Using the Log, count the individual entries you made for each category. Then write the "
    "totals below, making sure you've added the entries from every page of the Log. If you "
    "had no cases, write \"0.\" Employees, former employees, and their representatives have "
    "the right to review the OSHA Form 300 in its entirety. They also have limited access to "
    "the OSHA Form 301 or its equivalent. See 29 CFR Part 1904.35, in OSHA's recordkeeping "
    "rule, for further details on the access provisions for these forms."
)
CERTIFY = (
    "I certify that I have examined this document and that to the best of my knowledge the "
    "entries are true, accurate, and complete."
)

#: (column letter, summaries column, label) in the order of OSHA's form.
CASES = (
    ("G", "total_deaths", "Total number of deaths"),
    ("H", "total_dafw_cases", "Total number of cases with days away from work"),
    ("I", "total_djtr_cases", "Total number of cases with job transfer or restriction"),
    ("J", "total_other_cases", "Total number of other recordable cases"),
)
DAYS = (
    ("K", "total_dafw_days", "Total number of days away from work"),
    ("L", "total_djtr_days", "Total number of days of job transfer or restriction"),
)
TYPES = (
    ("(1)", "total_injuries", "Injuries"),
    ("(2)", "total_skin_disorders", "Skin disorders"),
    ("(3)", "total_respiratory_conditions", "Respiratory conditions"),
    ("(4)", "total_poisonings", "Poisonings"),
    ("(5)", "total_hearing_loss", "Hearing loss"),
    ("(6)", "total_other_illnesses", "All other illnesses"),
)


def _y(t: float) -> float:
    return H - t


def _section(c: Canvas, title: str, x: float, t: float, w: float) -> None:
    c.setFont(BOLD, 10)
    c.drawString(x, _y(t), title)
    c.setLineWidth(1)
    c.line(x, _y(t + 4), x + w, _y(t + 4))


def _counts(
    c: Canvas, items: tuple[tuple[str, str, str], ...], info: Mapping[str, Any], t: float,
    x0: float, x1: float,
) -> None:
    """A row of totals: each a value over a rule, its letter and its label below."""
    step = (x1 - x0) / len(items)
    for i, (letter, key, label) in enumerate(items):
        x = x0 + i * step
        w = step - 12
        value = info.get(key)
        c.setFont(BOLD, 12)
        c.drawCentredString(x + w / 2, _y(t), fmt_int(value) if not is_missing(value) else "0")
        c.setLineWidth(0.6)
        c.line(x, _y(t + 4), x + w, _y(t + 4))
        c.setFont(BOLD, 7)
        c.drawCentredString(x + w / 2, _y(t + 12), f"({letter})" if len(letter) == 1 else letter)
        c.setFont(REGULAR, 6.5)
        paragraph(c, label, x, _y(t + 15), w, 6.5)


def _types(c: Canvas, info: Mapping[str, Any], t: float) -> None:
    """Injury and illness types M(1)..M(6) in two columns, label then value."""
    for i, (letter, key, label) in enumerate(TYPES):
        x = LEFT + (i // 3) * 215
        tt = t + (i % 3) * 18
        c.setFont(REGULAR, 8)
        c.drawString(x, _y(tt), f"{letter}  {label}")
        value = info.get(key)
        c.setFont(BOLD, 11)
        c.drawRightString(x + 190, _y(tt), fmt_int(value) if not is_missing(value) else "0")
        c.setLineWidth(0.6)
        c.line(x + 140, _y(tt + 3), x + 195, _y(tt + 3))


def _value(info: Mapping[str, Any], key: str, fmt: Any = text) -> tuple[str, bool]:
    v = info.get(key)
    return (MISSING, True) if is_missing(v) else (fmt(v), False)


def render_form300a(
    info: Mapping[str, Any],
    path: str | Path,
    *,
    certifier: Mapping[str, Any] | None = None,
    paper: str = "letter",
    footer: Footer | None = None,
) -> Path:
    """Write the Form 300A of one establishment-year (``info``: a row of ``summaries``).

    ``certifier`` may hold ``name``, ``title``, ``phone`` and ``date``; absent ones stay blank
    lines to fill in by hand. The page is landscape letter (centred on legal paper when
    ``paper`` is "legal").
    """
    certifier = certifier or {}
    pw, ph = PAPERS[paper]
    c = new_canvas(
        path, (pw, ph), f"OSHA Form 300A {text(info.get('year'))} "
        f"{text(info.get('establishment_name'))}", footer,
    )
    draw_footer(c, footer)
    c.translate((pw - W) / 2, (ph - H) / 2)

    c.setFont(REGULAR, 7)
    c.drawString(LEFT, _y(30), "OSHA's Form 300A (Rev. 04/2004)")
    c.setFont(BOLD, 16)
    c.drawString(LEFT, _y(50), "Summary of Work-Related Injuries and Illnesses")
    c.setFont(BOLD, 14)
    c.drawRightString(RIGHT, _y(30), f"Year {text(info.get('year'), '____')}")
    dol_block(c, RIGHT, _y(36))
    paragraph(c, INTRO, LEFT, _y(60), MID - LEFT - 20, 6.8, leading=8.2)

    _section(c, "Number of Cases", LEFT, 150, MID - LEFT - 20)
    _counts(c, CASES, info, 180, LEFT, MID - 20)
    _section(c, "Number of Days", LEFT, 240, MID - LEFT - 20)
    _counts(c, DAYS, info, 270, LEFT, LEFT + (MID - 20 - LEFT) / 2)
    _section(c, "Injury and Illness Types", LEFT, 325, MID - LEFT - 20)
    c.setFont(REGULAR, 7)
    c.drawString(LEFT, _y(340), "Total number of . . . (M)")
    _types(c, info, 356)

    c.setFont(BOLD, 8.5)
    paragraph(c, POSTING, LEFT, _y(420), MID - LEFT - 20, 8.5, font=BOLD)
    attention_box(c, LEFT, _y(450), MID - LEFT - 20, size=6.5)
    burden(c, LEFT, _y(490), MID - LEFT - 20, 58, size=5.5)

    x, w = MID, RIGHT - MID
    _section(c, "Establishment information", x, 110, w)
    for label, key, t in (
        ("Your establishment name", "establishment_name", 132),
        ("Street", "street_address", 156),
    ):
        value, missing = _value(info, key)
        field(c, label, value, x, _y(t), w, missing=missing)
    for label, key, dx, fw in (
        ("City", "city", 0, 150),
        ("State", "state", 158, 40),
        ("ZIP", "zip", 206, w - 206),
    ):
        value, missing = _value(info, key)
        field(c, label, value, x + dx, _y(180), fw, missing=missing)
    value, missing = _value(info, "industry_description")
    field(c, "Industry description (e.g., Manufacture of motor truck trailers)", value, x,
          _y(204), w, missing=missing)
    value, missing = _value(info, "naics_code")
    field(c, "North American Industrial Classification (NAICS), if known (e.g., 336212)",
          value, x, _y(228), w, missing=missing)

    _section(c, "Employment information", x, 256, w)
    value, missing = _value(info, "annual_average_employees", fmt_int)
    field(c, "Annual average number of employees", value, x, _y(278), w, missing=missing)
    value, missing = _value(info, "total_hours_worked", fmt_int)
    field(c, "Total hours worked by all employees last year", value, x, _y(302), w,
          missing=missing)

    _section(c, "Sign here", x, 330, w)
    c.setFont(BOLD, 7.5)
    c.drawString(x, _y(344), "Knowingly falsifying this document may result in a fine.")
    paragraph(c, CERTIFY, x, _y(348), w, 7)
    field(c, "Company executive", text(certifier.get("name")), x, _y(388), w * 0.55 - 6)
    field(c, "Title", text(certifier.get("title")), x + w * 0.55, _y(388), w * 0.45)
    field(c, "Phone", text(certifier.get("phone")), x, _y(414), w * 0.55 - 6)
    field(c, "Date", fmt_date(certifier.get("date")) or text(certifier.get("date")),
          x + w * 0.55, _y(414), w * 0.45)

    c.setFillColor(GREY)
    c.setFont(REGULAR, 6)
    c.drawString(x, _y(440), "Establishment code: " + text(info.get("establishment_code")))
    c.setFillColor(BLACK)
    c.showPage()
    c.save()
    return Path(path)
