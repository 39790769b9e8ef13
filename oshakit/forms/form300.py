"""OSHA Form 300, Log of Work-Related Injuries and Illnesses (landscape US legal).

Columns A to M as on OSHA's form, a fixed number of case rows per page, page totals and
running totals on every page, "Page X of Y". Column B prints ``log_name`` ("Privacy Case" for
privacy cases, forced here as well): the real name never reaches this file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from reportlab.pdfgen.canvas import Canvas

from oshakit.forms.fonts import BOLD, REGULAR
from oshakit.forms.layout import (
    BLACK,
    GREY,
    LEGAL_LANDSCAPE,
    MISSING,
    PAPERS,
    RED,
    SHADE,
    Footer,
    as_int,
    attention_box,
    burden,
    chunks,
    dol_block,
    draw_fitted,
    draw_footer,
    fit,
    fmt_date,
    is_missing,
    new_canvas,
    paragraph,
    text,
    wrap,
)

ROWS_PER_PAGE = 13
PRIVACY = "Privacy Case"
CONTINUED = "… (continued on Form 301)"
W, H = LEGAL_LANDSCAPE
LEFT, RIGHT = 34.0, 974.0

INSTRUCTIONS = (
    "You must record information about every work-related death and about every work-related "
    "injury or illness that involves loss of consciousness, restricted work activity or job "
    "transfer, days away from work, or medical treatment beyond first aid. You must also record "
    "significant work-related injuries and illnesses that are diagnosed by a physician or "
    "licensed health care professional. You must also record work-related injuries and "
    "illnesses that meet any of the specific recording criteria listed in 29 CFR Part 1904.8 "
    "through 1904.12. Feel free to use two lines for a single case if you need to. You must "
    "complete an Injury and Illness Incident Report (OSHA Form 301) or equivalent form for each "
    "injury or illness recorded on this form. If you're not sure whether a case is recordable, "
    "call your local OSHA office for help."
)


@dataclass(frozen=True)
class Col:
    key: str
    letter: str
    label: str
    width: float
    kind: str = "text"  # text | check | days | type


COLUMNS: tuple[Col, ...] = (
    Col("A", "(A)", "Case no.", 62),
    Col("B", "(B)", "Employee's name", 100),
    Col("C", "(C)", "Job title (e.g., Welder)", 78),
    Col("D", "(D)", "Date of injury or onset of illness", 44),
    Col("E", "(E)", "Where the event occurred (e.g., Loading dock north end)", 92),
    Col(
        "F",
        "(F)",
        "Describe injury or illness, parts of body affected, and object/substance that "
        "directly injured or made person ill (e.g., Second degree burns on right forearm "
        "from acetylene torch)",
        224,
    ),
    Col("G", "(G)", "Death", 30, "check"),
    Col("H", "(H)", "Days away from work", 32, "check"),
    Col("I", "(I)", "Job transfer or restriction", 34, "check"),
    Col("J", "(J)", "Other record-\nable cases", 34, "check"),
    Col("K", "(K)", "Away from work", 38, "days"),
    Col("L", "(L)", "On job transfer or restriction", 38, "days"),
    Col("M1", "(1)", "Injury", 22, "type"),
    Col("M2", "(2)", "Skin disorder", 22, "type"),
    Col("M3", "(3)", "Respiratory condition", 22, "type"),
    Col("M4", "(4)", "Poisoning", 22, "type"),
    Col("M5", "(5)", "Hearing loss", 22, "type"),
    Col("M6", "(6)", "All other illnesses", 24, "type"),
)
TOTAL_KEYS = ("G", "H", "I", "J", "K", "L", "M1", "M2", "M3", "M4", "M5", "M6")


def _x_positions() -> dict[str, tuple[float, float]]:
    x, out = LEFT, {}
    for col in COLUMNS:
        out[col.key] = (x, x + col.width)
        x += col.width
    assert abs(x - RIGHT) < 0.01, f"columns span {x - LEFT}, not {RIGHT - LEFT}"
    return out


X = _x_positions()

# Vertical geometry, in points from the top of the page.
HEAD_TOP, HEAD_BOTTOM = 128.0, 218.0
ROWS_BOTTOM = 522.0
TOTAL_H = 13.0


def row_height(rows_per_page: int) -> float:
    return (ROWS_BOTTOM - HEAD_BOTTOM) / rows_per_page


def cell_box(key: str, rows_per_page: int = ROWS_PER_PAGE) -> tuple[float, float]:
    """Usable width and height of a text cell (inside its padding)."""
    x0, x1 = X[key]
    return x1 - x0 - 4, row_height(rows_per_page) - 3


def _y(t: float) -> float:
    return H - t


# --------------------------------------------------------------------------- static part


def _static(c: Canvas, info: Mapping[str, Any], year: Any, rows_per_page: int) -> None:
    """Everything that is the same on every page of this log."""
    c.setFont(REGULAR, 7)
    c.drawString(LEFT, _y(18), "OSHA's Form 300 (Rev. 04/2004)")
    c.setFont(BOLD, 15)
    c.drawString(LEFT, _y(36), "Log of Work-Related Injuries and Illnesses")
    paragraph(c, INSTRUCTIONS, LEFT, _y(44), 540, 6.3, leading=7.6)

    attention_box(c, 592, _y(12), 206, size=6.3)
    c.setFont(BOLD, 15)
    c.drawRightString(RIGHT, _y(26), f"Year {text(year, '____')}")
    dol_block(c, RIGHT, _y(32))

    def line_field(label: str, value: Any, x0: float, x1: float, t: float) -> None:
        c.setFont(REGULAR, 7)
        c.drawString(x0, _y(t), label)
        lx = x0 + c.stringWidth(label, REGULAR, 7) + 4
        c.setLineWidth(0.5)
        c.line(lx, _y(t + 1), x1, _y(t + 1))
        missing = is_missing(value)
        c.setFillColor(RED if missing else BLACK)
        s = fit(text(value, MISSING), x1 - lx - 2, 10, sizes=(9, 8, 7, 6), marker="…")
        c.setFont(REGULAR, s.size)
        c.drawString(lx + 2, _y(t - 1), s.lines[0])
        c.setFillColor(BLACK)

    line_field("Establishment name", info.get("establishment_name"), 592, RIGHT, 84)
    line_field("City", info.get("city"), 592, 860, 104)
    line_field("State", info.get("state"), 868, RIGHT, 104)

    _headings(c)
    _grid(c, rows_per_page)
    y = _y(ROWS_BOTTOM + 2 * TOTAL_H + 30)
    burden(c, LEFT, y, 560, 14, size=5.2)


def _headings(c: Canvas) -> None:
    top, bottom = _y(HEAD_TOP), _y(HEAD_BOTTOM)
    c.setFillColor(SHADE)
    c.rect(LEFT, bottom, RIGHT - LEFT, top - bottom, stroke=0, fill=1)
    c.setFillColor(BLACK)

    def band(text_: str, k0: str, k1: str, t0: float, t1: float, size: float, font=BOLD):
        x0, x1 = X[k0][0], X[k1][1]
        c.setStrokeColor(BLACK)
        c.setLineWidth(0.6)
        c.line(x0, _y(t1), x1, _y(t1))
        lines = wrap(text_, font, size, x1 - x0 - 4)
        c.setFont(font, size)
        y = _y(t0) - (_y(t0) - _y(t1) - len(lines) * size * 1.15) / 2 - size * 0.95
        for line in lines:
            c.drawCentredString((x0 + x1) / 2, y, line)
            y -= size * 1.15

    band("Identify the person", "A", "C", HEAD_TOP, HEAD_TOP + 12, 8)
    band("Describe the case", "D", "F", HEAD_TOP, HEAD_TOP + 12, 8)
    band("Classify the case", "G", "M6", HEAD_TOP, HEAD_TOP + 12, 8)
    band(
        "CHECK ONLY ONE box for each case based on the most serious outcome for that case:",
        "G",
        "J",
        HEAD_TOP + 12,
        HEAD_TOP + 34,
        5.6,
        REGULAR,
    )
    band(
        "Enter the number of days the injured or ill worker was:",
        "K",
        "L",
        HEAD_TOP + 12,
        HEAD_TOP + 34,
        5.6,
        REGULAR,
    )
    band(
        'Check the "Injury" column or choose one type of illness:',
        "M1",
        "M6",
        HEAD_TOP + 12,
        HEAD_TOP + 34,
        5.6,
        REGULAR,
    )
    band("Remained at Work", "I", "J", HEAD_TOP + 34, HEAD_TOP + 44, 5.6, BOLD)
    band("(M)", "M1", "M6", HEAD_TOP + 34, HEAD_TOP + 42, 6, BOLD)

    for col in COLUMNS:
        x0, x1 = X[col.key]
        if col.kind == "text":
            t0 = HEAD_TOP + 12
        elif col.key in ("I", "J"):
            t0 = HEAD_TOP + 44
        elif col.kind == "type":
            t0 = HEAD_TOP + 42
        else:
            t0 = HEAD_TOP + 34
        if col.kind == "type":  # rotated labels, read bottom to top, as on OSHA's form
            lines = wrap(col.label, REGULAR, 6, HEAD_BOTTOM - t0 - 12)
            c.saveState()
            c.translate(x0, _y(HEAD_BOTTOM))
            c.rotate(90)
            c.setFont(REGULAR, 6)
            off = (col.width - len(lines) * 6.8) / 2
            for i, line in enumerate(lines):
                c.drawString(3, -(off + 5.6 + i * 6.8), line)
            c.restoreState()
            c.setFont(BOLD, 6)
            c.drawCentredString((x0 + x1) / 2, _y(t0 + 7), col.letter)
            continue
        c.setFont(BOLD, 7)
        c.drawCentredString((x0 + x1) / 2, _y(t0 + 8), col.letter)
        size = 6.2 if col.kind == "text" else 5.8
        lines = wrap(col.label, REGULAR, size, x1 - x0 - 3)
        c.setFont(REGULAR, size)
        y = _y(t0 + 10) - size
        for line in lines:
            c.drawCentredString((x0 + x1) / 2, y, line)
            y -= size * 1.15
        if col.key == "D":
            c.setFont(REGULAR, 5.6)
            c.drawCentredString((x0 + x1) / 2, _y(HEAD_BOTTOM - 3), "(mo./day)")
        if col.kind == "days":
            c.setFont(REGULAR, 5.6)
            c.drawCentredString((x0 + x1) / 2, _y(HEAD_BOTTOM - 3), "days")


def _grid(c: Canvas, rows_per_page: int) -> None:
    rh = row_height(rows_per_page)
    top, bottom = _y(HEAD_TOP), _y(ROWS_BOTTOM)
    totals_bottom = _y(ROWS_BOTTOM + 2 * TOTAL_H)
    c.setStrokeColor(BLACK)
    c.setLineWidth(0.4)
    for i in range(1, rows_per_page):
        y = _y(HEAD_BOTTOM + i * rh)
        c.line(LEFT, y, RIGHT, y)
    c.setLineWidth(0.6)
    c.line(LEFT, _y(HEAD_BOTTOM), RIGHT, _y(HEAD_BOTTOM))
    gx = X["G"][0]
    c.line(gx, _y(ROWS_BOTTOM + TOTAL_H), RIGHT, _y(ROWS_BOTTOM + TOTAL_H))
    c.rect(gx, totals_bottom, RIGHT - gx, bottom - totals_bottom, stroke=1, fill=0)
    c.setLineWidth(1.0)
    c.rect(LEFT, bottom, RIGHT - LEFT, top - bottom, stroke=1, fill=0)
    for col in COLUMNS[1:]:
        x = X[col.key][0]
        c.setLineWidth(0.9 if col.key in ("D", "G", "K", "M1") else 0.4)
        low = totals_bottom if col.kind != "text" else bottom
        # headings share bands above the per-column labels; start lines below them
        if col.key in ("B", "C", "E", "F"):
            start = HEAD_TOP + 12
        elif col.key in ("D", "G"):
            start = HEAD_TOP
        elif col.key in ("K", "M1"):
            start = HEAD_TOP + 12
        elif col.key == "J":
            start = HEAD_TOP + 44
        elif col.key in ("H", "I", "L"):
            start = HEAD_TOP + 34
        else:
            start = HEAD_TOP + 42
        c.line(x, _y(start), x, low)
    c.setFont(BOLD, 7)
    c.drawRightString(gx - 4, _y(ROWS_BOTTOM + TOTAL_H - 3.5), "Page totals")
    c.setFont(REGULAR, 6.5)
    c.drawRightString(
        gx - 4, _y(ROWS_BOTTOM + 2 * TOTAL_H - 3.5), "Running totals (this page and all before it)"
    )
    c.setFont(BOLD, 7)
    c.drawString(
        LEFT,
        _y(ROWS_BOTTOM + 2 * TOTAL_H + 12),
        "Be sure to transfer these totals to the Summary page (Form 300A) before you post it.",
    )
    # column letters under the totals, as on OSHA's form
    c.setFont(REGULAR, 5.5)
    c.setFillColor(GREY)
    for key in TOTAL_KEYS:
        x0, x1 = X[key]
        label = key if len(key) == 1 else f"({key[1]})"
        c.drawCentredString((x0 + x1) / 2, totals_bottom - 7, label)
    c.setFillColor(BLACK)


# --------------------------------------------------------------------------- rows


def _rows(log: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain Python rows holding exactly what each cell of the log shows."""
    n = len(log)

    def col(name: str) -> list[Any]:
        return log[name].tolist() if name in log.columns else [None] * n

    privacy = [bool(p) if not is_missing(p) else False for p in col("privacy")]
    names = col("log_name")
    dates = col("date_of_injury")
    outcome, itype = col("outcome"), col("itype")
    away, restricted, est = col("days_away"), col("days_restricted"), col("days_estimated")
    rows = []
    for i, (case, job, where, desc) in enumerate(
        zip(col("case_number"), col("job_title"), col("location"), col("description"), strict=True)
    ):
        o, t = text(outcome[i]), text(itype[i])
        k, l_ = as_int(away[i]), as_int(restricted[i])
        rows.append(
            {
                "A": text(case),
                "B": PRIVACY if privacy[i] else text(names[i]),
                "C": text(job),
                "D": fmt_date(dates[i], "%m/%d"),
                "E": text(where),
                "F": text(desc),
                "outcome": o,
                "itype": t,
                "K": k,
                "L": l_,
                "est": bool(est[i]) if not is_missing(est[i]) else False,
            }
        )
    return rows


def _counts(row: dict[str, Any]) -> dict[str, int]:
    out = dict.fromkeys(TOTAL_KEYS, 0)
    if row["outcome"] in ("G", "H", "I", "J"):
        out[row["outcome"]] = 1
    if row["itype"] in ("M1", "M2", "M3", "M4", "M5", "M6"):
        out[row["itype"]] = 1
    out["K"], out["L"] = row["K"], row["L"]
    return out


def log_text_shortened(description: Any, rows_per_page: int = ROWS_PER_PAGE) -> bool:
    """Whether column F would be shortened on the log (the 301 then carries the full text)."""
    w, h = cell_box("F", rows_per_page)
    return fit(text(description), w, h).shortened


def render_form300(
    log: pd.DataFrame,
    path: str | Path,
    establishment: Mapping[str, Any] | None = None,
    *,
    year: int | None = None,
    paper: str = "legal",
    rows_per_page: int = ROWS_PER_PAGE,
    as_of: Any = None,
    footer: Footer | None = None,
) -> int:
    """Write the Form 300 log of one establishment-year to ``path``; return the page count.

    ``log`` holds ``rec.log`` rows of one establishment and year (any order is kept);
    ``establishment`` is a mapping with ``establishment_name``, ``city``, ``state``
    (a row of ``summaries``); ``year`` defaults to ``establishment["year"]``. ``paper`` is
    "legal" (as OSHA prints it) or "letter" (the same page scaled down); ``as_of`` is the
    date estimated day counts run to, named in their footnote; ``footer`` ties every page
    to the computation that made it.
    """
    info = dict(establishment or {})
    year = year if year is not None else info.get("year")
    rows = _rows(log)
    pages = list(chunks(len(rows), rows_per_page))
    pagesize = PAPERS[paper]
    scale = pagesize[0] / W
    c = new_canvas(
        path, pagesize, f"OSHA Form 300 {text(year)} {text(info.get('establishment_name'))}",
        footer,
    )
    c.beginForm("form300", 0, 0, W, H)
    _static(c, info, year, rows_per_page)
    c.endForm()

    rh = row_height(rows_per_page)
    running = dict.fromkeys(TOTAL_KEYS, 0)
    text_cols = [col for col in COLUMNS if col.kind == "text"]
    boxes = {col.key: cell_box(col.key, rows_per_page) for col in text_cols}
    for number, rng in enumerate(pages, start=1):
        draw_footer(c, footer)
        if scale != 1:
            c.translate(0, (H - H * scale) / 2)
            c.scale(scale, scale)
        c.doForm("form300")
        page_totals = dict.fromkeys(TOTAL_KEYS, 0)
        estimated = False
        for slot, i in enumerate(rng):
            row = rows[i]
            top = _y(HEAD_BOTTOM + slot * rh) - 1.5
            for col in text_cols:
                s = row[col.key]
                if not s:
                    continue
                bw, bh = boxes[col.key]
                # case numbers shrink to one line rather than wrap mid-number
                fh = 8.0 if col.key == "A" else bh
                f = fit(s, bw, fh, marker=CONTINUED if col.key == "F" else "…")
                draw_fitted(
                    c, f, X[col.key][0] + 2, top - max(0, (bh - len(f.lines) * f.leading) / 2)
                )
            counts = _counts(row)
            mid = top - rh / 2 - 1.5
            c.setFont(BOLD, 8)
            for key in ("G", "H", "I", "J", "M1", "M2", "M3", "M4", "M5", "M6"):
                if counts[key]:
                    x0, x1 = X[key]
                    c.drawCentredString((x0 + x1) / 2, mid, "X")
            c.setFont(REGULAR, 7.5)
            for key in ("K", "L"):
                if counts[key]:
                    mark = "*" if row["est"] else ""
                    estimated |= bool(mark)
                    c.drawRightString(X[key][1] - 4, mid, f"{counts[key]}{mark}")
            for key in TOTAL_KEYS:
                page_totals[key] += counts[key]
        for key in TOTAL_KEYS:
            running[key] += page_totals[key]
        for t, values, font in (
            (ROWS_BOTTOM + TOTAL_H - 3.5, page_totals, BOLD),
            (ROWS_BOTTOM + 2 * TOTAL_H - 3.5, running, REGULAR),
        ):
            c.setFont(font, 7.5)
            for key in TOTAL_KEYS:
                x0, x1 = X[key]
                c.drawCentredString((x0 + x1) / 2, _y(t), str(values[key]))
        c.setFont(BOLD, 8)
        c.drawRightString(
            RIGHT, _y(ROWS_BOTTOM + 2 * TOTAL_H + 20), f"Page {number} of {len(pages)}"
        )
        if estimated:
            c.setFont(REGULAR, 6)
            as_of_s = fmt_date(as_of) or "the end of the log year, or today"
            c.drawRightString(
                RIGHT,
                _y(ROWS_BOTTOM + 2 * TOTAL_H + 30),
                f"* estimated: the case is still open (days counted to {as_of_s}); "
                "update the count when the case closes.",
            )
        c.showPage()
    c.save()
    return len(pages)
