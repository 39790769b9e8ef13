"""Form 300 columns A to F and the Form 301 fields of each case (recordkeeping.md §5, §7)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oshakit.cases import names as N
from oshakit.cases.text import clean, join_per_case, obj
from oshakit.schema import SEXES

PRIVACY_NAME = "Privacy Case"
#: ITA limit on incident_description (and Form 300 column F is short).
DESCRIPTION_MAX = 255


def case_numbers(cases: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Column A: ``incidents.case_number``, else ``YYYY-NNN``.

    Generated numbers count the cases without a number within their establishment-year,
    ordered by injury date and time then case key, so the same data gives the same numbers.
    """
    given = clean(cases[N.CASE_NO]) if N.CASE_NO in cases else pd.Series(pd.NA, index=cases.index)
    need = given.isna().to_numpy()
    out = given.astype(object).to_numpy(copy=True)
    if need.any():
        sub = pd.DataFrame({
            "est": cases["establishment_code"].fillna("").to_numpy(dtype=object)[need],
            "year": cases["year"].to_numpy()[need],
            "when": cases[N.INC].to_numpy()[need],
            "key": cases["case_key"].to_numpy(dtype=object)[need],
            "row": np.flatnonzero(need),
        }).sort_values(["est", "year", "when", "key"], kind="stable")
        seq = sub.groupby(["est", "year"], sort=False).cumcount().to_numpy() + 1
        gen = sub["year"].astype(str).to_numpy(object) + "-" + np.char.zfill(
            seq.astype(str), 3).astype(object)
        taken = set(given.dropna())
        clash = np.flatnonzero([g in taken for g in gen]) if taken else []
        for i in clash:  # rare: a generated number already used by a real one
            k = 2
            while f"{gen[i]}-{k}" in taken:
                k += 1
            gen[i] = f"{gen[i]}-{k}"
        out[sub["row"].to_numpy()] = gen
    return pd.Series(out, index=cases.index, dtype="str"), need


def injury_items(children: dict[str, pd.DataFrame], n: int) -> dict[str, np.ndarray]:
    """Per case from the body-part file: "nature, part" items, body parts, natures."""
    nibp = children.get("nibp")
    empty = np.full(n, "", dtype=object)
    if nibp is None:
        return {"items": empty, "body_parts": empty.copy(), "natures": empty.copy()}
    nibp = nibp[nibp["_case"] >= 0]
    case = nibp["_case"].to_numpy()
    nature = clean(nibp[N.N_NATURE]) if N.N_NATURE in nibp else pd.Series(pd.NA, index=nibp.index)
    part = clean(nibp[N.N_PART]) if N.N_PART in nibp else pd.Series(pd.NA, index=nibp.index)
    both = nature.notna() & part.notna()
    item = (nature.fillna("") + np.where(both, ", ", "") + part.fillna("")).astype("str")
    return {
        "items": join_per_case(case, item, n),
        "body_parts": join_per_case(case, part, n),
        "natures": join_per_case(case, nature, n),
    }


def description(items: np.ndarray, cases: pd.DataFrame,
                children: dict[str, pd.DataFrame]) -> np.ndarray:
    """Column F: "Laceration, left hand; box cutter" (before names are scrubbed from a
    privacy case and the text is cut to :data:`DESCRIPTION_MAX`, :func:`shorten`)."""
    n = len(cases)
    what = items.copy()
    cond = children.get("conditions")
    if cond is not None and (what == "").any():  # no body-part row: the condition
        cond = cond[cond["_case"] >= 0]
        fallback = join_per_case(cond["_case"].to_numpy(), cond[N.C_DESC], n)
        what = np.where(what == "", fallback, what)
    cause = obj(clean(cases[N.CAUSE])) if N.CAUSE in cases else np.full(n, "", object)
    return np.where((what != "") & (cause != ""), what + "; " + cause, what + cause).astype(object)


def shorten(text: pd.Series) -> pd.Series:
    """Column F cut to :data:`DESCRIPTION_MAX` characters (an ellipsis marks the cut)."""
    long = text.str.len().gt(DESCRIPTION_MAX).fillna(False)
    if long.any():
        text = text.where(~long, text.str[: DESCRIPTION_MAX - 1].str.rstrip() + "…")
    return text


def employee_name(cases: pd.DataFrame) -> pd.Series:
    """Column B source: "Last, First" from employees.csv."""
    last, first = clean(cases[N.EMP_LAST]), clean(cases[N.EMP_FIRST])
    both = last.notna() & first.notna()
    name = last.fillna("") + np.where(both, ", ", "") + first.fillna("")
    return name.where(name != "").astype("str")


def _str(cases: pd.DataFrame, col: str) -> pd.Series:
    """A text field as the loader gave it (stripped, blanks as NA)."""
    if col not in cases:
        return pd.Series(pd.NA, index=cases.index, dtype="str")
    return cases[col].astype("str")


def _flag(cases: pd.DataFrame, col: str) -> pd.Series:
    if col not in cases:
        return pd.Series(pd.NA, index=cases.index, dtype="boolean")
    return cases[col].astype("boolean")


def _date(cases: pd.DataFrame, col: str) -> pd.Series:
    if col not in cases:
        return pd.Series(pd.NaT, index=cases.index, dtype="datetime64[ns]")
    return pd.to_datetime(cases[col]).dt.normalize().astype("datetime64[ns]")


def form_columns(cases: pd.DataFrame, items: dict[str, np.ndarray]) -> pd.DataFrame:
    """Columns B..E inputs and the Form 301 fields, with the contract's names."""
    inc = cases[N.INC]
    if N.TIME_KNOWN in cases:
        known = cases[N.TIME_KNOWN].astype("boolean").fillna(True).to_numpy(bool)
    else:  # frames not from the loader: midnight means no time was given
        known = (inc != inc.dt.normalize()).to_numpy(bool)
    time = pd.Series(inc.dt.strftime("%H:%M").to_numpy(dtype=object), index=cases.index)
    sex = _str(cases, N.EMP_SEX).str.upper()
    return pd.DataFrame({
        "employee_pat_id": cases[N.E_PAT].astype("str"),
        "employee_pat_id_type": cases[N.E_PAT_TYPE].astype("str"),
        "employee_name": employee_name(cases),
        "job_title": _str(cases, N.EMP_JOB),
        "date_of_injury": cases["date_of_injury"],
        "time_of_event": time.where(known).astype("str"),
        "time_unknown": ~known,
        "location": _str(cases, N.LOCATION),
        "body_parts": pd.Series(items["body_parts"], index=cases.index).replace("", pd.NA)
        .astype("str"),
        "natures": pd.Series(items["natures"], index=cases.index).replace("", pd.NA)
        .astype("str"),
        "employee_street": _str(cases, N.EMP_STREET),
        "employee_city": _str(cases, N.EMP_CITY),
        "employee_state": _str(cases, N.EMP_STATE),
        "employee_zip": _str(cases, N.EMP_ZIP),
        "date_of_birth": _date(cases, N.EMP_BIRTH),
        "date_of_hire": _date(cases, N.EMP_HIRE),
        "sex": sex.where(sex.isin(SEXES)).astype("str"),
        "physician": _str(cases, N.PHYSICIAN),
        "facility_name": _str(cases, N.HOSP_NAME),
        "facility_street": _str(cases, N.HOSP_STREET),
        "facility_city": _str(cases, N.HOSP_CITY),
        "facility_state": _str(cases, N.HOSP_STATE),
        "facility_zip": _str(cases, N.HOSP_ZIP),
        "emergency_room": _flag(cases, N.ER),
        "hospitalized": _flag(cases, N.HOSPITALIZED),
        "time_started_work": _str(cases, N.START_TIME),
        "nar_before_incident": _str(cases, N.ACTIVITY),
        "nar_what_happened": _str(cases, N.EXPLANATION),
        "nar_injury_illness": pd.Series(items["items"], index=cases.index).replace("", pd.NA)
        .astype("str"),
        "nar_object_substance": _str(cases, N.CAUSE),
        "date_of_death": _date(cases, N.DEATH_DATE),
    })
