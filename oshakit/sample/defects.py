"""Deliberate faults for a defect bundle, each one listed so tests can prove it is caught.

``inject`` takes the clean text frames and returns faulty ones plus a table of
defects: kind name, row position in the final frame, column ('' for a whole
row), defect ``kind`` and ``caught_by`` (``loader`` or ``validate``). Loader
kinds are the loader's rule names (field_count, key_duplicate, key_missing,
datetime, flag, code, int, number, time). Faults go on rows of random cases,
never on the hand-written special cases, one fault per row, so the rest of the
bundle stays valid and each fault has one cause.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from oshakit.sample.tables import CASE

LOADER, VALIDATE = "loader", "validate"
MARK = "_d"  # hidden column: defect number on the row, "" for none
RAW = "_raw"  # hidden column: raw text written instead of the row (wrong field count)


class _Injector:
    def __init__(self, frames: dict[str, pd.DataFrame], special_cases: np.ndarray) -> None:
        self.frames = {}
        for k, df in frames.items():
            df = df.copy()
            df[MARK], df[RAW] = "", ""
            self.frames[k] = df
        self.defects: list[dict] = []
        self.special = special_cases
        self.pending: dict[str, list[tuple[int, dict, str, str]]] = {}
        self.reserved: dict[str, set[int]] = {}

    def _free(self, kind: str, spare_specials: bool = True) -> np.ndarray:
        df = self.frames[kind]
        free = (df[MARK] == "").to_numpy().copy()
        if CASE in df and spare_specials:
            free = free & ~np.isin(df[CASE].to_numpy(), self.special)
        free[list(self.reserved.get(kind, ()))] = False
        return free

    def pick(self, kind: str, mask, at: float) -> int:
        """Position of the free row matching ``mask`` nearest to fraction ``at`` of the file.

        Rows of the special cases are used only when no random case fits (tiny scales).
        """
        mask = np.asarray(mask, dtype=bool)
        cand = np.flatnonzero(mask & self._free(kind))
        if not len(cand):
            cand = np.flatnonzero(mask & self._free(kind, spare_specials=False))
        if not len(cand):
            raise RuntimeError(f"no row of {kind} left for a defect")
        return int(cand[np.abs(cand - at * len(self.frames[kind])).argmin()])

    def _note(self, kind: str, column: str, defect: str, caught_by: str) -> str:
        self.defects.append({"kind_name": kind, "column": column, "kind": defect,
                             "caught_by": caught_by})
        return str(len(self.defects) - 1)

    def set(self, kind: str, pos: int, column: str, value: str, defect: str,
            caught_by: str, mark_column: str | None = None) -> None:
        df = self.frames[kind]
        df.iloc[pos, df.columns.get_loc(column)] = value
        note = self._note(kind, column if mark_column is None else mark_column, defect,
                          caught_by)
        cur = df.iloc[pos, df.columns.get_loc(MARK)]
        df.iloc[pos, df.columns.get_loc(MARK)] = f"{cur};{note}" if cur else note

    def insert(self, kind: str, after: int, row: dict, column: str, defect: str,
               caught_by: str, raw: str = "") -> None:
        """Add a copy of row ``after`` (with ``row`` changes) just below it.

        Inserts are applied by :meth:`result`, so positions picked meanwhile
        still refer to the clean file; the source row is kept free of faults.
        """
        note = self._note(kind, column, defect, caught_by)
        self.pending.setdefault(kind, []).append((after, row, raw, note))
        self.reserved.setdefault(kind, set()).add(after)

    def row_text(self, kind: str, pos: int, change: dict, n_fields: int) -> str:
        """One CSV record built from row ``pos`` with ``change``, cut or padded to n fields."""
        df = self.frames[kind]
        visible = [c for c in df.columns if not c.startswith("_")]
        values = [change.get(c, df.iloc[pos][c]) for c in visible]
        values = (values + ["extra"] * n_fields)[:n_fields]
        buf = io.StringIO()
        pd.DataFrame([values]).to_csv(buf, header=False, index=False, lineterminator="\n")
        return buf.getvalue().rstrip("\n")

    def result(self) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
        for kind, items in self.pending.items():
            df = self.frames[kind]
            for after, row, raw, note in sorted(items, key=lambda t: -t[0]):
                new = df.iloc[[after]].copy()
                for c, v in {**row, MARK: note, RAW: raw}.items():
                    new.iloc[0, new.columns.get_loc(c)] = v
                df = pd.concat([df.iloc[: after + 1], new, df.iloc[after + 1:]],
                               ignore_index=True)
            self.frames[kind] = df
        rows = []
        frames = {}
        for k, df in self.frames.items():
            marked = np.flatnonzero((df[MARK] != "").to_numpy())
            for pos in marked:
                for note in df[MARK].iloc[pos].split(";"):
                    rows.append({**self.defects[int(note)], "pos": int(pos)})
            frames[k] = df.drop(columns=[MARK])
        return frames, pd.DataFrame(rows)


def inject(frames: dict[str, pd.DataFrame], world) -> tuple[dict[str, pd.DataFrame],
                                                           pd.DataFrame]:
    """Faulty copies of ``frames`` and the list of faults (see module docstring)."""
    special = world.cases.loc[world.cases["special"], "case"].to_numpy()
    d = _Injector(frames, special)
    E = d.frames["encounters"]
    inc = E["incidents.inc_datetime"]
    opening = (inc != "").to_numpy()
    visit = (E[CASE] == -1).to_numpy()
    recordable = opening & (E["incidents.osha_completed_dt"] != "").to_numpy()
    rec_plain = recordable & (E["incidents.employee_died"] == "0").to_numpy() & (
        E["incidents.days_away"] == "").to_numpy()
    nonrec_typed = opening & (E["incidents.osha_completed_dt"] == "").to_numpy() & (
        E["incidents.osha_itype"] != "").to_numpy()
    non_osha = opening & (E["incidents.case_type"] == "Injury NO").to_numpy()

    enc = "encounters"
    # --- loader: cells ----------------------------------------------------------------
    d.set(enc, d.pick(enc, visit, 0.15), "encounters.serv_date", "yesterday", "datetime",
          LOADER)
    d.set(enc, d.pick(enc, opening & (E["incidents.privacy_case"] == "0").to_numpy(), 0.2),
          "incidents.privacy_case", "maybe", "flag", LOADER)
    d.set(enc, d.pick(enc, nonrec_typed, 0.25), "incidents.osha_itype", "X", "code", LOADER)
    d.set(enc, d.pick(enc, visit, 0.3), "encounters.pat_id_type", "id:foo", "code", LOADER)
    d.set(enc, d.pick(enc, rec_plain, 0.35), "incidents.days_away", "abc", "int", LOADER)
    d.set(enc, d.pick(enc, opening, 0.4), "incidents.employee_starttime", "25:99", "time",
          LOADER)
    # --- validate: contradictions and links --------------------------------------------
    d.set(enc, d.pick(enc, rec_plain, 0.45), "incidents.osha_work_related", "No",
          "recordable_not_work_related", VALIDATE)
    d.set(enc, d.pick(enc, rec_plain, 0.5), "incidents.osha_itype", "",
          "recordable_no_itype", VALIDATE)
    d.set(enc, d.pick(enc, rec_plain, 0.55), "incidents.employee_died", "1",
          "death_no_date", VALIDATE, mark_column="incidents.employee_deathdate")
    p = d.pick(enc, rec_plain, 0.6)
    before = (pd.Timestamp(E["incidents.inc_datetime"].iloc[p][:10])
              - pd.Timedelta(days=5)).strftime("%Y-%m-%d 09:00:00")
    d.set(enc, p, "incidents.osha_completed_dt", before, "recordable_before_injury", VALIDATE)
    p = d.pick(enc, non_osha, 0.65)
    after = (pd.Timestamp(E["incidents.inc_datetime"].iloc[p][:10])
             + pd.Timedelta(days=3)).strftime("%Y-%m-%d 10:00:00")
    d.set(enc, p, "incidents.osha_completed_dt", after, "non_osha_recordable", VALIDATE)
    d.set(enc, d.pick(enc, visit, 0.7), "encounters.pat_id", "E999999", "unknown_employee",
          VALIDATE)
    d.set(enc, d.pick(enc, opening, 0.75), "incidents.facility_code", "PLT99",
          "unknown_establishment", VALIDATE)
    # --- loader: rows (inserted last so the picks above see the clean file) -------------
    p = d.pick(enc, visit, 0.8)
    d.insert(enc, p, {"encounters.ext_id": "ENC9000001"}, "", "field_count", LOADER,
             raw=d.row_text(enc, p, {"encounters.ext_id": "ENC9000001"}, 8))
    p = d.pick(enc, visit, 0.85)
    d.insert(enc, p, {"encounters.visit_type": "PHONE"}, "encounters.ext_id", "key_duplicate",
             LOADER)

    cond = "conditions"
    C = d.frames[cond]
    n_cond = len(C.columns) - 2
    d.set(cond, d.pick(cond, np.ones(len(C), bool), 0.3), "patient_conditions.onset_date",
          "2024-02-30", "datetime", LOADER)
    d.set(cond, d.pick(cond, np.ones(len(C), bool), 0.5), "patient_conditions.description",
          "", "required_missing", VALIDATE)
    p = d.pick(cond, np.ones(len(C), bool), 0.6)
    d.insert(cond, p, {"patient_conditions.ext_id": "PC9000001",
                       "encounters.ext_id": "ENC9999999"}, "encounters.ext_id", "orphan",
             VALIDATE)
    p = d.pick(cond, np.ones(len(C), bool), 0.7)
    d.insert(cond, p, {"patient_conditions.ext_id": "PC9000002"}, "", "field_count", LOADER,
             raw=d.row_text(cond, p, {"patient_conditions.ext_id": "PC9000002"}, n_cond + 2))

    res = "restrictions"
    R = d.frames[res]
    closed = (R["patient_clinical_restriction.end_date"] != "").to_numpy()
    p = d.pick(res, closed, 0.4)
    early = (pd.Timestamp(R["patient_clinical_restriction.start_date"].iloc[p])
             - pd.Timedelta(days=3)).strftime("%Y-%m-%d")
    d.set(res, p, "patient_clinical_restriction.end_date", early, "span_order", VALIDATE)
    p = d.pick(res, np.ones(len(R), bool), 0.6)
    d.insert(res, p, {"patient_clinical_restriction.ext_id": ""},
             "patient_clinical_restriction.ext_id", "key_missing", LOADER)
    p = d.pick(res, np.ones(len(R), bool), 0.8)
    d.insert(res, p, {"patient_clinical_restriction.allowed_weight": "5 lbs"},
             "patient_clinical_restriction.ext_id", "key_duplicate", LOADER)

    acc = "accommodations"
    A = d.frames[acc]
    closed = (A["accommodations.end_date"] != "").to_numpy()
    p = d.pick(acc, closed, 0.5)
    early = (pd.Timestamp(A["accommodations.start_date"].iloc[p])
             - pd.Timedelta(days=2)).strftime("%Y-%m-%d")
    d.set(acc, p, "accommodations.end_date", early, "span_order", VALIDATE)
    d.set(acc, d.pick(acc, np.ones(len(A), bool), 0.7), "accommodations.accom_type",
          "Vacation", "code", LOADER)

    nibp = "nibp"
    p = d.pick(nibp, np.ones(len(d.frames[nibp]), bool), 0.5)
    d.insert(nibp, p, {"incident_nibp.ext_id": "NIBP9000001",
                       "encounters.ext_id": "ENC9999998"}, "encounters.ext_id", "orphan",
             VALIDATE)

    emp = "employees"
    p = d.pick(emp, np.ones(len(d.frames[emp]), bool), 0.5)
    d.insert(emp, p, {"employees.job_title": "Temporary Worker"}, "employees.pat_id",
             "key_duplicate", LOADER)

    est = "establishments"
    E = d.frames[est]
    last = len(E) - 1  # with one establishment, its row carries all three faults
    zip_row, ein_row = min(1, last), min(2, last)
    zip5 = E["establishments.zip"].iloc[zip_row][:5]
    d.set(est, zip_row, "establishments.zip", zip5.lstrip("0")[:4], "zip_format", VALIDATE)
    ein = E["establishments.ein"].iloc[ein_row]
    d.set(est, ein_row, "establishments.ein", ein[1:], "ein_format", VALIDATE)
    naics = E["establishments.naics_code"].iloc[0]
    d.set(est, 0, "establishments.naics_code", naics[:5], "naics_format", VALIDATE)

    emt = "employment"
    M = d.frames[emt]
    last_year = (M["employment.year"] == M["employment.year"].max()).to_numpy()
    p = d.pick(emt, last_year, 0.0)
    avg = int(M["employment.annual_average_employees"].iloc[p])
    d.set(emt, p, "employment.total_hours_worked", str(avg * 9000), "hours_per_employee",
          VALIDATE)
    if len(M) > 1:
        d.set(emt, d.pick(emt, np.ones(len(M), bool), 1.0),
              "employment.annual_average_employees", "n/a", "number", LOADER)
    else:  # one establishment-year only: the fault goes on the year before
        year = str(int(M["employment.year"].iloc[0]) - 1)
        d.insert(emt, 0, {"employment.year": year, "employment.annual_average_employees": "n/a"},
                 "employment.annual_average_employees", "number", LOADER)
    return d.result()
