"""OSHA Form 301, Injury and Illness Incident Report: one landscape page per recordable case.

The static page (titles, labels, boxes) is drawn once as a form XObject; each case page only
adds its values, which keeps thousands of pages fast. A narrative that does not fit its box
even at the smallest size is marked and printed in full on a continuation page, together with
the Form 300 column F text when the log had to shorten it: nothing is ever cut silently.

The 301 holds the employee's name, home address, date of birth, physician and treatment
facility: it is confidential (``confidential/form301.pdf``). The *representative copy*
(``representative=True``) is what 29 CFR 1904.35(b)(2)(v)(B) lets an authorized employee
representative have: only the section "Information about the case" (items 10 to 18); items
1 to 9 (employee, physician, facility, emergency room, hospitalization) and the completed-by
block are not printed at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.pdfgen.canvas import Canvas

from oshakit.forms.fonts import BOLD, REGULAR
from oshakit.forms.form300 import log_text_shortened
from oshakit.forms.layout import (
    LETTER_LANDSCAPE,
    PAPERS,
    Footer,
    as_bool,
    attention_box,
    burden,
    checkbox,
    dol_block,
    draw_fitted,
    draw_footer,
    fit,
    fmt_date,
    fmt_time,
    new_canvas,
    paragraph,
    text,
)

W, H = LETTER_LANDSCAPE
LEFT, RIGHT = 30.0, 762.0
C1, C2, C3 = (30.0, 214.0), (228.0, 486.0), (500.0, 762.0)
CONTINUED = "… (continued on the next page)"

INTRO = (
    "This Injury and Illness Incident Report is one of the first forms you must fill out when "
    "a recordable work-related injury or illness has occurred. Together with the Log of "
    "Work-Related Injuries and Illnesses and the accompanying Summary, these forms help the "
    "employer and OSHA develop a picture of the extent and severity of work-related "
    "incidents. Within 7 calendar days after you receive information that a recordable "
    "work-related injury or illness has occurred, you must fill out this form or an "
    "equivalent. Some state workers' compensation, insurance, or other reports may be "
    "acceptable substitutes. To be considered an equivalent form, any substitute must "
    "contain all the information asked for on this form. According to Public Law 91-596 and "
    "29 CFR 1904, OSHA's recordkeeping rule, you must keep this form on file for 5 years "
    "following the year to which it pertains. If you need additional copies of this form, "
    "you may photocopy and use as many as you need."
)

#: Narrative items 14-17: (number, question, rec.cases column).
NARRATIVES = (
    (14, "What was the employee doing just before the incident occurred? Describe the "
         "activity, as well as the tools, equipment, or material the employee was using.",
     "nar_before_incident"),
    (15, "What happened? Tell us how the injury occurred.", "nar_what_happened"),
    (16, "What was the injury or illness? Tell us the part of the body that was affected "
         "and how it was affected.", "nar_injury_illness"),
    (17, "What object or substance directly harmed the employee?", "nar_object_substance"),
)
BOX_H = 64.0
BOX_W = C3[1] - C3[0] - 14
#: What the representative copy prints where items 1-9 and the completed-by block were.
REPRESENTATIVE_NOTE = (
    "Copy for an authorized employee representative (29 CFR 1904.35(b)(2)(v)(B)). Only the "
    "section \"Information about the case\" (items 10 to 18) is given. Everything else on "
    "the OSHA 301 Incident Report has been removed from this copy: the employee's name, "
    "address, date of birth, date hired and sex (items 1 to 5), the physician or other health "
    "care professional and the treatment facility (items 6 and 7), emergency room and "
    "hospitalization (items 8 and 9), and who completed the report."
)


def _y(t: float) -> float:
    return H - t


def _label(c: Canvas, n: int | None, s: str, x: float, t: float, w: float,
           size: float = 7) -> float:
    """An item label ("14) ...") wrapped in ``w``; returns the page-top offset below it."""
    if n is not None:
        c.setFont(BOLD, size)
        c.drawRightString(x + 10, _y(t + size), f"{n})")
    y = paragraph(c, s, x + 13, _y(t), w - 13, size, leading=size * 1.2)
    return H - y


def _rule(c: Canvas, x: float, t: float, w: float, label: str = "") -> None:
    c.setLineWidth(0.5)
    c.line(x, _y(t), x + w, _y(t))
    if label:
        c.setFont(REGULAR, 6)
        c.drawString(x, _y(t + 7), label)


def _static(c: Canvas, representative: bool = False) -> dict[str, float]:
    """Draw the page furniture; return where the label-dependent fields sit. The
    representative copy has only the case section (column 3) and a note saying so."""
    pos: dict[str, float] = {}
    c.setFont(BOLD, 14)
    c.drawString(LEFT, _y(34), "Injury and Illness Incident Report")
    c.setFont(REGULAR, 7)
    c.drawString(LEFT, _y(16), "OSHA's Form 301" + (" (copy for an authorized employee "
                                                    "representative)" if representative else ""))
    attention_box(c, 322, _y(12), 252, size=6.3)
    dol_block(c, RIGHT, _y(12))
    if representative:
        x, w = C1[0], C2[1] - C1[0]
        c.setFont(BOLD, 9)
        c.drawString(x, _y(80), "Employee representative's copy")
        c.line(x, _y(83), x + w, _y(83))
        bottom = H - paragraph(c, REPRESENTATIVE_NOTE, x, _y(92), w, 8, leading=10.5)
        c.setLineWidth(0.8)
        c.rect(x - 4, _y(bottom + 8), w + 8, bottom + 8 - 72, stroke=1, fill=0)
        _case_section(c, pos)
        return pos

    # column 1: intro and completed-by
    x, w = C1[0], C1[1] - C1[0]
    bottom = H - paragraph(c, INTRO, x, _y(80), w, 6.8, leading=8.3)
    t = pos["completed"] = bottom + 24
    c.setFont(BOLD, 7)
    for label in ("Completed by", "Title", "Phone", "Date"):
        c.drawString(x, _y(t), label)
        _rule(c, x + 60, t + 1, w - 60)
        t += 22
    burden(c, x, _y(t + 10), w, 22, size=5.3)

    # column 2: employee and physician
    x, w = C2[0], C2[1] - C2[0]
    c.setFont(BOLD, 9)
    c.drawString(x, _y(80), "Information about the employee")
    c.line(x, _y(83), x + w, _y(83))
    items = (
        (1, "Full name", 100), (2, "Street", 122), (None, "City / State / ZIP", 144),
        (3, "Date of birth", 166), (4, "Date hired", 188),
    )
    for n, s, t in items:
        c.setFont(REGULAR, 7)
        if n is not None:
            c.setFont(BOLD, 7)
            c.drawRightString(x + 10, _y(t), f"{n})")
            c.setFont(REGULAR, 7)
        c.drawString(x + 13, _y(t), s)
        _rule(c, x + 90, t + 1, w - 90)
    c.setFont(BOLD, 7)
    c.drawRightString(x + 10, _y(210), "5)")
    c.setFont(REGULAR, 7)
    c.drawString(x + 32, _y(210), "Male")
    c.drawString(x + 32, _y(222), "Female")

    c.setFont(BOLD, 9)
    c.drawString(x, _y(248), "Information about the physician or other")
    c.drawString(x, _y(259), "health care professional")
    c.line(x, _y(262), x + w, _y(262))
    t = _label(c, 6, "Name of physician or other health care professional", x, 270, w)
    _rule(c, x + 13, t + 14, w - 13)
    pos["physician"] = t + 13
    t = _label(c, 7, "If treatment was given away from the worksite, where was it given?",
               x, t + 22, w)
    pos["facility"] = t + 14
    for label in ("Facility", "Street", "City / State / ZIP"):
        c.setFont(REGULAR, 7)
        c.drawString(x + 13, _y(t + 14), label)
        _rule(c, x + 90, t + 15, w - 90)
        t += 20
    t = pos["er"] = _label(c, 8, "Was employee treated in an emergency room?", x, t + 10, w)
    c.setFont(REGULAR, 7)
    c.drawString(x + 32, _y(t + 8), "Yes")
    c.drawString(x + 32, _y(t + 20), "No")
    t = pos["hosp"] = _label(
        c, 9, "Was employee hospitalized overnight as an in-patient?", x, t + 30, w
    )
    c.drawString(x + 32, _y(t + 8), "Yes")
    c.drawString(x + 32, _y(t + 20), "No")

    _case_section(c, pos)
    return pos


def _case_section(c: Canvas, pos: dict[str, float]) -> None:
    """Column 3, "Information about the case" (items 10-18)."""
    x, w = C3[0], C3[1] - C3[0]
    c.setFont(BOLD, 9)
    c.drawString(x, _y(80), "Information about the case")
    c.line(x, _y(83), x + w, _y(83))
    for n, s, t in (
        (10, "Case number from the Log", 100), (11, "Date of injury or illness", 122),
        (12, "Time employee began work", 144), (13, "Time of event", 166),
    ):
        c.setFont(BOLD, 7)
        c.drawRightString(x + 10, _y(t), f"{n})")
        c.setFont(REGULAR, 7)
        c.drawString(x + 13, _y(t), s)
        _rule(c, x + 115, t + 1, 80)
    c.setFont(REGULAR, 6.5)
    c.drawString(x + 13, _y(100 + 9), "(Transfer the case number from the Log after you "
                                      "record the case.)")
    c.drawString(x + 140, _y(178), "Check if time cannot be determined")
    t = 192.0
    for n, question, key in NARRATIVES:
        t = pos[key] = _label(c, n, question, x, t, w, size=6.8) + 2
        c.setLineWidth(0.5)
        c.rect(x + 13, _y(t + BOX_H), BOX_W + 1, BOX_H, stroke=1, fill=0)
        t += BOX_H + 8
    t = _label(c, 18, "If the employee died, when did death occur?", x, t, w)
    c.setFont(REGULAR, 7)
    c.drawString(x + 13, _y(t + 12), "Date of death")
    _rule(c, x + 70, t + 13, 90)
    pos["death"] = t + 12


def _put(c: Canvas, value: str, x: float, t: float, w: float, size: float = 8) -> None:
    if value:
        f = fit(value, w, size * 1.1, sizes=(size, size - 1, size - 2, size - 2.5), marker="…")
        c.setFont(REGULAR, f.size)
        c.drawString(x, _y(t), f.lines[0])


def _fields(c: Canvas, pos: Mapping[str, float], row: Mapping[str, Any],
            completed_by: Mapping[str, Any], shortened_f: bool,
            representative: bool = False) -> list[tuple[str, str]]:
    """Draw one case's values; return (heading, full text) of narratives that did not fit.
    The representative copy draws the case section (items 10-18) only."""
    if representative:
        return _case_fields(c, pos, row)

    def put(value: str, x: float, t: float, w: float, size: float = 8) -> None:
        _put(c, value, x, t, w, size)

    x1, x2 = C1[0], C2[0]
    w1, w2 = C1[1] - C1[0], C2[1] - C2[0]
    c.setFont(REGULAR, 8)
    for i, key in enumerate(("name", "title", "phone", "date")):
        value = completed_by.get(key)
        shown = _date_text(value) if key == "date" else text(value)
        put(shown, x1 + 62, pos["completed"] + i * 22 - 1, w1 - 62)

    city = ", ".join(
        p for p in (text(row.get("employee_city")),
                    " ".join(p for p in (text(row.get("employee_state")),
                                         text(row.get("employee_zip"))) if p)) if p
    )
    put(text(row.get("employee_name")), x2 + 92, 99, w2 - 92)
    put(text(row.get("employee_street")), x2 + 92, 121, w2 - 92)
    put(city, x2 + 92, 143, w2 - 92)
    put(fmt_date(row.get("date_of_birth")), x2 + 92, 165, w2 - 92)
    put(fmt_date(row.get("date_of_hire")), x2 + 92, 187, w2 - 92)
    sex = text(row.get("sex")).upper()[:1]
    checkbox(c, x2 + 18, _y(210) - 1, sex == "M")
    checkbox(c, x2 + 18, _y(222) - 1, sex == "F")

    facility_city = ", ".join(
        p for p in (text(row.get("facility_city")),
                    " ".join(p for p in (text(row.get("facility_state")),
                                         text(row.get("facility_zip"))) if p)) if p
    )
    put(text(row.get("physician")), x2 + 15, pos["physician"], w2 - 15)
    put(text(row.get("facility_name")), x2 + 92, pos["facility"], w2 - 92)
    put(text(row.get("facility_street")), x2 + 92, pos["facility"] + 20, w2 - 92)
    put(facility_city, x2 + 92, pos["facility"] + 40, w2 - 92)
    for key, t in (("emergency_room", pos["er"]), ("hospitalized", pos["hosp"])):
        flag = as_bool(row.get(key))
        checkbox(c, x2 + 18, _y(t + 8) - 1, flag is True)
        checkbox(c, x2 + 18, _y(t + 20) - 1, flag is False)
    overflow = _case_fields(c, pos, row)
    if shortened_f:
        overflow.append(("Form 300 column (F), shortened on the log", text(row.get("description"))))
    return overflow


def _case_fields(c: Canvas, pos: Mapping[str, float],
                 row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Items 10-18 of one case; (heading, full text) of narratives that did not fit."""
    overflow: list[tuple[str, str]] = []
    x3 = C3[0]

    def put(value: str, x: float, t: float, w: float, size: float = 8) -> None:
        _put(c, value, x, t, w, size)

    put(text(row.get("case_number")), x3 + 117, 99, 78)
    put(fmt_date(row.get("date_of_injury")), x3 + 117, 121, 78)
    put(fmt_time(row.get("time_started_work")), x3 + 117, 143, 78)
    put(fmt_time(row.get("time_of_event")), x3 + 117, 165, 78)
    unknown = as_bool(row.get("time_unknown")) or not text(row.get("time_of_event"))
    checkbox(c, x3 + 130, _y(178) - 1, bool(unknown))
    for n, question, key in NARRATIVES:
        t = pos[key]
        value = text(row.get(key))
        if not value:
            continue
        f = fit(value, BOX_W - 4, BOX_H - 4, sizes=(8, 7, 6, 5.5, 5), marker=CONTINUED)
        draw_fitted(c, f, x3 + 16, _y(t + 2))
        if f.shortened:
            overflow.append((f"{n}) {question}", value))
    put(fmt_date(row.get("date_of_death")), x3 + 72, pos["death"] - 1, 88)
    return overflow


def _date_text(value: Any) -> str:
    try:
        return fmt_date(value)
    except ValueError:
        return text(value)


def _continuation(c: Canvas, row: Mapping[str, Any], overflow: list[tuple[str, str]]) -> None:
    c.doForm("form301_head")
    c.setFont(BOLD, 10)
    c.drawString(LEFT, _y(80), f"Case {text(row.get('case_number'))}: full text of items "
                               "that did not fit on the report page")
    t = 96.0
    for heading, value in overflow:
        c.setFont(BOLD, 7.5)
        t = H - paragraph(c, heading, LEFT, _y(t), RIGHT - LEFT, 7.5, font=BOLD) + 4
        t = H - paragraph(c, value, LEFT, _y(t), RIGHT - LEFT, 8) + 10
    c.showPage()


def render_form301(
    cases: pd.DataFrame,
    path: str | Path,
    *,
    completed_by: Mapping[str, Any] | None = None,
    paper: str = "letter",
    footer: Footer | None = None,
    representative: bool = False,
) -> int:
    """Write one Form 301 page per row of ``cases`` (``rec.log`` rows) to ``path``.

    Returns the page count (case pages plus any continuation pages). The page is landscape
    letter (centred on legal paper when ``paper`` is "legal"). ``representative``: the copy
    for an authorized employee representative, with the case section (items 10-18) only.
    """
    completed_by = completed_by or {}
    pw, ph = PAPERS[paper]
    title = "OSHA Form 301 Injury and Illness Incident Reports" + (
        " (employee representative's copy)" if representative else "")
    c = new_canvas(path, (pw, ph), title, footer)
    c.beginForm("form301", 0, 0, W, H)
    pos = _static(c, representative)
    c.endForm()
    c.beginForm("form301_head", 0, 0, W, H)
    c.setFont(BOLD, 14)
    c.drawString(LEFT, _y(34), "Injury and Illness Incident Report")
    c.setFont(REGULAR, 7)
    c.drawString(LEFT, _y(16), "OSHA's Form 301 (continuation page)")
    attention_box(c, 322, _y(12), 252, size=6.3)
    dol_block(c, RIGHT, _y(12))
    c.endForm()

    dx, dy = (pw - W) / 2, (ph - H) / 2
    pages = 0
    for row in cases.to_dict("records"):
        draw_footer(c, footer)
        c.translate(dx, dy)
        c.doForm("form301")
        overflow = _fields(c, pos, row, completed_by, log_text_shortened(row.get("description")),
                           representative)
        c.showPage()
        pages += 1
        if overflow:
            draw_footer(c, footer)
            c.translate(dx, dy)
            _continuation(c, row, overflow)
            pages += 1
    if pages == 0:
        draw_footer(c, footer)
        c.translate(dx, dy)
        c.doForm("form301_head")
        c.setFont(REGULAR, 10)
        c.drawString(LEFT, _y(90), "No recordable case: no incident report to print.")
        c.showPage()
        pages = 1
    c.save()
    return pages
