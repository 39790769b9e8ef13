"""The confidential privacy case list (29 CFR 1904.29(b)(6)): case number -> employee name.

Kept apart from the Form 300, which prints "Privacy Case" in column B for these cases; this
list is the only place the kit writes their names, as a PDF to file and a CSV to look up.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.forms.fonts import BOLD, REGULAR
from oshakit.forms.layout import (
    LETTER_LANDSCAPE,
    Footer,
    chunks,
    draw_footer,
    fit,
    fmt_date,
    new_canvas,
    text,
)

#: Columns of ``privacy_cases.csv``.
PRIVACY_COLUMNS = ["establishment_code", "year", "case_number", "employee_name", "date_of_injury"]
ROWS_PER_PAGE = 30
W, H = LETTER_LANDSCAPE
LEFT = 40.0
#: (heading, x) of the PDF's columns.
COLS = (("Case no.", LEFT), ("Employee's name", LEFT + 130), ("Date of injury", LEFT + 470))
NOTE = (
    "Confidential: the names of privacy cases (29 CFR 1904.29(b)(6)-(9)). Keep this list "
    "separate from the OSHA 300 Log; do not post it and do not give it to anyone who may see "
    "the Log."
)


def privacy_frame(log: pd.DataFrame) -> pd.DataFrame:
    """The privacy cases of ``log`` (``rec.log`` rows) as the list's columns."""
    rows = log[log["privacy"].fillna(False).astype(bool)]
    out = rows.reindex(columns=PRIVACY_COLUMNS).reset_index(drop=True)
    out["date_of_injury"] = pd.to_datetime(out["date_of_injury"]).dt.strftime("%Y-%m-%d")
    return out


def write_privacy_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the privacy list as CSV (UTF-8)."""
    from oshakit.outputs import write_csv

    return write_csv(frame, path)


def render_privacy(frame: pd.DataFrame, path: str | Path, info: Mapping[str, Any],
                   footer: Footer | None = None) -> int:
    """Write the privacy list of one establishment-year (``info``: a row of ``summaries``)
    as a PDF; return the page count."""
    c = new_canvas(path, (W, H), "Privacy case list (confidential)", footer)
    pages = list(chunks(len(frame), ROWS_PER_PAGE))
    records = frame.to_dict("records")
    for number, rng in enumerate(pages, start=1):
        draw_footer(c, footer)
        c.setFont(BOLD, 14)
        c.drawString(LEFT, H - 44, "Privacy Case List — CONFIDENTIAL")
        c.setFont(REGULAR, 9)
        c.drawString(LEFT, H - 60, f"{text(info.get('establishment_name'), '(missing)')} "
                                   f"({text(info.get('establishment_code'))}), "
                                   f"year {text(info.get('year'))}")
        c.setFont(REGULAR, 7.5)
        c.drawString(LEFT, H - 74, NOTE)
        y = H - 100
        c.setFont(BOLD, 8.5)
        for heading, x in COLS:
            c.drawString(x, y, heading)
        c.line(LEFT, y - 4, W - LEFT, y - 4)
        for i in rng:
            row = records[i]
            y -= 15
            c.setFont(REGULAR, 9)
            c.drawString(COLS[0][1], y, text(row["case_number"]))
            name = fit(text(row["employee_name"]), 330, 10, sizes=(9, 8, 7), marker="…")
            c.setFont(REGULAR, name.size)
            c.drawString(COLS[1][1], y, name.lines[0] if name.lines else "")
            c.setFont(REGULAR, 9)
            c.drawString(COLS[2][1], y, fmt_date(row["date_of_injury"]))
        c.setFont(REGULAR, 8)
        c.drawRightString(W - LEFT, 30, f"Page {number} of {len(pages)}")
        c.showPage()
    c.save()
    return len(pages)
