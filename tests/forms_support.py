"""Hand-made log and summary rows, and PDF read-back helpers, for the tests of forms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pdfplumber

YEAR = 2024
#: Form 300 columns, left to right, as on OSHA's form.
COLUMN_KEYS = ("A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L",
               "M1", "M2", "M3", "M4", "M5", "M6")
TOTAL_KEYS = COLUMN_KEYS[6:]
OUTCOMES = ("G", "H", "I", "J")
ITYPES = ("M1", "M2", "M3", "M4", "M5", "M6")


def log_rows(n: int, code: str = "E1") -> pd.DataFrame:
    """``n`` log cases: outcome cycles G, H, I, J and type M1..M6; days follow the outcome
    (H: 3 + i away and 1 restricted, I: 5 + i restricted, G and J none)."""
    rows = []
    for i in range(n):
        outcome = OUTCOMES[i % 4]
        rows.append({
            "case_key": f"K{i:05d}", "case_number": f"{YEAR}-{i + 1:04d}",
            "establishment_code": code, "year": YEAR, "on_log": True,
            "employee_name": f"Name{i}, Person", "privacy": False,
            "log_name": f"Name{i}, Person", "job_title": f"Job{i}",
            "date_of_injury": pd.Timestamp(YEAR, 1 + i % 12, 1 + i % 28),
            "time_of_event": "09:30", "time_unknown": False,
            "location": f"Place{i}", "description": f"Cut{i} on left hand; box cutter",
            "outcome": outcome,
            "days_away": 3 + i if outcome == "H" else 0,
            "days_restricted": {"H": 1, "I": 5 + i}.get(outcome, 0),
            "days_estimated": False, "itype": ITYPES[i % 6],
            "employee_street": "1 Main St", "employee_city": "Albany", "employee_state": "NY",
            "employee_zip": "12207", "date_of_birth": pd.Timestamp(1980, 6, 23),
            "date_of_hire": pd.Timestamp(2015, 3, 15), "sex": "F",
            "physician": "Dr. Who", "facility_name": "City Clinic", "facility_street": "2 Elm",
            "facility_city": "Albany", "facility_state": "NY", "facility_zip": "12208",
            "emergency_room": True, "hospitalized": False, "time_started_work": "07:00",
            "nar_before_incident": f"Before{i}", "nar_what_happened": f"Happened{i}",
            "nar_injury_illness": f"Injury{i}", "nar_object_substance": f"Object{i}",
            "date_of_death": pd.NaT,
        })
    frame = pd.DataFrame(rows)
    for col in ("days_away", "days_restricted"):
        frame[col] = frame[col].astype("Int64")
    frame["emergency_room"] = frame["emergency_room"].astype("boolean")
    frame["hospitalized"] = frame["hospitalized"].astype("boolean")
    return frame


def summary_row(**values) -> dict:
    """One ``summaries`` row of establishment E1 with every total 0 unless given."""
    row = {
        "establishment_code": "E1", "year": YEAR, "establishment_name": "North Plant",
        "company_name": "Acme Inc", "ein": "123456789", "street_address": "1 Mill Rd",
        "city": "Albany", "state": "NY", "zip": "12207", "naics_code": "332710",
        "industry_description": "Machine shops", "establishment_type": "1", "size": 2,
        "annual_average_employees": 120, "total_hours_worked": 240000, "peak_employees": 130,
        "no_injuries_illnesses": 2,
    }
    for key in ("total_deaths", "total_dafw_cases", "total_djtr_cases", "total_other_cases",
                "total_dafw_days", "total_djtr_days", "total_injuries", "total_skin_disorders",
                "total_respiratory_conditions", "total_poisonings", "total_hearing_loss",
                "total_other_illnesses"):
        row[key] = 0
    row.update(values)
    return row


@dataclass
class LogPage:
    """One Form 300 page read back: cell text per case row, page and running totals."""

    rows: list[dict[str, str]]
    page_totals: dict[str, str]
    running_totals: dict[str, str]
    bounds: dict[str, tuple[float, float]]
    text: str


def _band(words: list[dict], x0: float, x1: float, top: float, bottom: float) -> str:
    inside = [w for w in words
              if w["x0"] >= x0 - 0.5 and w["x1"] <= x1 + 0.5
              and top - 0.5 <= (w["top"] + w["bottom"]) / 2 <= bottom + 0.5]
    inside.sort(key=lambda w: (round(w["top"]), w["x0"]))
    return " ".join(w["text"] for w in inside)


def read_log_page(page: pdfplumber.page.Page) -> LogPage:
    """Cells of one Form 300 page, found from the drawn grid (not from the code's layout):
    column edges are the vertical rules, rows the bands between full-width rules."""
    outer = max(page.rects, key=lambda r: r["width"] * r["height"])
    left, right, rows_bottom = outer["x0"], outer["x1"], outer["bottom"]
    verticals = sorted({round(ln["x0"], 1) for ln in page.lines
                        if abs(ln["x0"] - ln["x1"]) < 0.1 and left < ln["x0"] < right})
    edges = [left, *verticals, right]
    assert len(edges) == len(COLUMN_KEYS) + 1, edges
    bounds = {k: (edges[i], edges[i + 1]) for i, k in enumerate(COLUMN_KEYS)}
    full = sorted(ln["top"] for ln in page.lines
                  if abs(ln["top"] - ln["bottom"]) < 0.1
                  and ln["x0"] <= left + 1 and ln["x1"] >= right - 1)
    tops = [*full, rows_bottom]
    words = page.extract_words(x_tolerance=1.5, keep_blank_chars=False)
    rows = []
    for top, bottom in zip(tops, tops[1:], strict=False):
        cells = {k: _band(words, *bounds[k], top, bottom) for k in COLUMN_KEYS}
        if any(cells.values()):
            rows.append(cells | {"_top": top, "_bottom": bottom})
    def totals(word: str) -> dict[str, str]:
        w = min((w for w in words if w["text"] == word and w["top"] > rows_bottom),
                key=lambda w: w["top"])
        return {k: _band(words, *bounds[k], w["top"] - 2, w["bottom"] + 2) for k in TOTAL_KEYS}

    return LogPage(rows, totals("Page"), totals("Running"), bounds, page.extract_text())


def read_log(path: Path) -> list[LogPage]:
    with pdfplumber.open(path) as pdf:
        return [read_log_page(p) for p in pdf.pages]


def counts(cells: dict[str, str]) -> dict[str, int]:
    """A row's contribution to the totals: 1 per X, the day numbers (estimate mark dropped)."""
    out = {}
    for k in TOTAL_KEYS:
        v = cells[k].rstrip("*")
        out[k] = (1 if v == "X" else 0) if k not in ("K", "L") else int(v or 0)
    return out


def read_300a(path: Path) -> dict[str, int]:
    """The totals of a Form 300A: the number printed right above each letter (G)..(L), and
    right of each type label (1)..(6)."""
    with pdfplumber.open(path) as pdf:
        words = pdf.pages[0].extract_words()
    out = {}
    for w in words:
        if w["text"] in {f"({k})" for k in "GHIJKL"}:
            above = [v for v in words if v["bottom"] < w["top"] and w["top"] - v["bottom"] < 12
                     and v["x0"] < (w["x0"] + w["x1"]) / 2 < v["x1"] + 2]
            out[w["text"][1]] = int(above[0]["text"].replace(",", ""))
        elif w["text"] in {f"({n})" for n in range(1, 7)}:
            same = [v for v in words if abs(v["top"] - w["top"]) < 4 and v["x0"] > w["x1"]
                    and v["text"].replace(",", "").isdigit()]
            same.sort(key=lambda v: v["x0"])
            out[f"M{w['text'][1]}"] = int(same[0]["text"].replace(",", ""))
    return out
