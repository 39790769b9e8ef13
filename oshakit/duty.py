"""Filing duty per establishment-year: must the log be kept, and what must be sent to OSHA
(recordkeeping.md section 10; 29 CFR 1904.1, 1904.2, 1904.41).

``filing_duty(summaries, employment, establishments)`` answers, for every row of
``oshakit.summary.summarize``, three questions with the paragraph that decides each:

1. **Log required?** Not when the *company* had 10 or fewer employees at all times during the
   last calendar year (1904.1(a)(1)), nor when the establishment's industry is partially exempt
   (1904.2(a)(1), Appendix A to Subpart B). How the kit reads "company" and "at all times" from
   the data:

   - the company is every establishment with the same ``company_name`` (case and spacing
     ignored); when that is blank, the same EIN; when both are blank, the establishment alone;
   - "at all times during the last calendar year" is read as the company's largest head count in
     the year before the log year (the log of 2024 is kept during 2024, so 2023 decides), and the
     company's head count as the sum of its establishments' ``peak_employees`` that year. The sum
     can only overstate the company's true peak (peaks need not coincide), so the exemption is
     never granted on a number that could be too low. An establishment with no employment row
     that year counts 0 (it did not operate);
   - when the data has no employment at all for the company in that year (the first year of a
     bundle), the log year's own figure is used instead and the reason says so.

2. **Form 300A due?** For 20 to 249 employees in an industry of Appendix A to Subpart E
   (1904.41(a)(1)(i)), and for 250 or more in any industry that must keep records
   (1904.41(a)(1)(ii)).
3. **Case data (Forms 300 and 301) due?** For 100 or more employees in an industry of Appendix B
   to Subpart E (1904.41(a)(2)).

Establishment size for 2 and 3 is the establishment's ``peak_employees`` in the log year (the
ITA ``size`` basis; 1904.41's "at any time during the previous calendar year" is the log year
when the submission is made the year after). Submissions are due March 2 of the following year
(1904.41(c)). NAICS codes are matched by prefix against the lists shipped in
``oshakit/data/naics`` (their source and edition are in the README there); a code the lists
cannot place (missing, malformed, or of another NAICS edition where that changes the answer)
gives ``unknown`` with the reason, never a guess. Severe events (1904.39) must be reported by
every employer whatever this table says.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.summary import normalize_digits

KEYS = ["establishment_code", "year"]
#: Columns of :func:`filing_duty`, in order.
DUTY_COLUMNS = [
    "establishment_code",
    "year",
    "establishment_name",
    "naics_code",
    "peak_employees",
    "duty",
    "log_required",
    "form300a_due",
    "case_data_due",
    "due_date",
    "reasons",
]
#: duty -> meaning.
DUTIES = {
    "submit": "keep the log and submit to OSHA's ITA by the due date",
    "keep_only": "keep the log (Forms 300, 300A, 301) and post the 300A; nothing to submit",
    "exempt": "no log needed unless OSHA or BLS asks in writing (severe events still reported)",
    "unknown": "the data cannot decide; the reasons say what is missing",
}
#: The NAICS lists shipped with the kit (source and edition: README.md there).
NAICS_DIR = Path(__file__).parent / "data" / "naics"
LIST_FILES = {
    "appendix_a_subpart_b": "Appendix A to Subpart B",
    "appendix_a_subpart_e": "Appendix A to Subpart E",
    "appendix_b_subpart_e": "Appendix B to Subpart E",
}
#: NAICS 2-digit sectors (every edition since 1997).
NAICS_SECTORS = frozenset(
    {"11", "21", "22", "23", "31", "32", "33", "42", "44", "45", "48", "49",
     "51", "52", "53", "54", "55", "56", "61", "62", "71", "72", "81", "92"}
)
SMALL_COMPANY_MAX = 10  # 1904.1(a)(1)
SUBMIT_300A_MIN, SUBMIT_300A_ALL = 20, 250  # 1904.41(a)(1)(i) and (ii)
CASE_DATA_MIN = 100  # 1904.41(a)(2)
DUE_MONTH, DUE_DAY = 3, 2  # 1904.41(c): March 2 of the year after


# --- the NAICS lists --------------------------------------------------------------------


@dataclass(frozen=True)
class NaicsList:
    """One appendix: ``codes`` maps each listed prefix to its title."""

    key: str
    name: str
    edition: str
    codes: dict[str, str]

    def match(self, naics: str) -> tuple[str, str] | None:
        """The longest listed prefix of ``naics`` and its title, or None."""
        hits = [p for p in self.codes if naics.startswith(p)]
        if not hits:
            return None
        best = max(hits, key=len)
        return best, self.codes[best]


@dataclass(frozen=True)
class Placement:
    """Where one NAICS code falls in one list: ``listed``, ``not_listed`` or ``unknown``."""

    status: str
    prefix: str | None = None
    title: str | None = None
    note: str | None = None

    def group(self) -> str:
        return f"{self.prefix} {self.title}" if self.prefix else ""


def _text(name: str) -> str:
    return (NAICS_DIR / name).read_text(encoding="utf-8")


def _read_data(name: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(_text(name)), comment="#", dtype=str, keep_default_na=False)


def _edition(name: str) -> str:
    text = _text(name)
    for line in text.splitlines():
        if line.startswith("#") and "NAICS edition:" in line:
            return line.split("NAICS edition:", 1)[1].strip().split()[0].rstrip(".(")
    raise ValueError(f"{name}: no 'NAICS edition:' line in its header")


@functools.cache
def naics_lists() -> dict[str, NaicsList]:
    """The three appendices shipped in ``oshakit/data/naics``, by key."""
    out = {}
    for key, name in LIST_FILES.items():
        frame = _read_data(f"{key}.csv")
        codes = dict(zip(frame["naics"].str.strip(), frame["title"].str.strip(), strict=True))
        out[key] = NaicsList(key, name, _edition(f"{key}.csv"), codes)
    return out


@functools.cache
def edition_notes() -> tuple[tuple[str, frozenset[str], str], ...]:
    """(prefix, list keys, note) for codes a list cannot place across NAICS editions."""
    frame = _read_data("edition_notes.csv")
    return tuple(
        (p.strip(), frozenset(lists.split()), note.strip())
        for p, lists, note in zip(frame["prefix"], frame["lists"], frame["note"], strict=True)
    )


def place(naics: Any, key: str) -> Placement:
    """Where ``naics`` falls in the list ``key`` (see :data:`LIST_FILES`)."""
    lst = naics_lists()[key]
    code = normalize_digits(naics)
    if code is None:
        return Placement("unknown", note="no NAICS code in establishments.csv")
    if not (code.isdigit() and len(code) == 6):
        return Placement("unknown", note=f"NAICS code {naics!r} is not 6 digits")
    if code[:2] not in NAICS_SECTORS:
        return Placement("unknown", note=f"NAICS code {code} has no NAICS sector {code[:2]}")
    for prefix, lists, note in edition_notes():
        if key in lists and code.startswith(prefix):
            return Placement(
                "unknown", note=f"NAICS {code}: {note}; {lst.name} uses {lst.edition} NAICS"
            )
    hit = lst.match(code)
    if hit is None:
        return Placement("not_listed")
    return Placement("listed", hit[0], hit[1])


# --- the table ----------------------------------------------------------------------------


def filing_duty(
    summaries: pd.DataFrame,
    employment: pd.DataFrame | None = None,
    establishments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per establishment-year of ``summaries`` (``oshakit.summary.summarize``): columns
    :data:`DUTY_COLUMNS`.

    ``employment``: the bundle's employment table (``employment.``-prefixed as loaded, or not)
    for every year available; it gives the company's head count in the year before each log
    year (1904.1). Without it only the years in ``summaries`` are known. ``establishments``:
    the bundle's establishments table, so that establishments with employment rows but no
    summary row still count toward their company. ``log_required``, ``form300a_due`` and
    ``case_data_due`` are nullable booleans (NA = unknown); ``due_date`` is March 2 of the
    following year when anything is due; ``reasons`` are sentences, each naming its paragraph,
    joined by "; "."""
    companies = _companies(summaries, establishments)
    peaks = _company_peaks(_peaks(summaries, employment), companies)
    rows = [_duty_of(row, peaks, companies) for row in summaries.to_dict("records")]
    out = pd.DataFrame(rows, columns=DUTY_COLUMNS)
    for col in ("log_required", "form300a_due", "case_data_due"):
        out[col] = out[col].astype("boolean")
    out["due_date"] = pd.to_datetime(out["due_date"]).astype("datetime64[ns]")
    out["peak_employees"] = out["peak_employees"].astype("Int64")
    out["year"] = out["year"].astype("int64")
    return out.reset_index(drop=True)


def case_data_due(duty: pd.DataFrame, establishment_code: str, year: int) -> bool | None:
    """Whether Forms 300 and 301 case data must be submitted for one establishment-year, from a
    :func:`filing_duty` table: True, False, or None when the duty is unknown or the
    establishment-year is not in the table (``ita submit --case-data auto`` follows this)."""
    hit = duty[(duty["establishment_code"] == establishment_code) & (duty["year"] == year)]
    if hit.empty:
        return None
    value = hit["case_data_due"].iloc[0]
    return None if pd.isna(value) else bool(value)


# --- helpers ------------------------------------------------------------------------------


def _unprefixed(frame: pd.DataFrame | None, kind: str) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame.rename(columns=lambda c: c.split(".", 1)[1] if c.startswith(f"{kind}.") else c)


def _peaks(summaries: pd.DataFrame, employment: pd.DataFrame | None) -> pd.DataFrame:
    """establishment_code, year, peak_employees (Int64) for every year known."""
    parts = [summaries[[*KEYS, "peak_employees"]]]
    emp = _unprefixed(employment, "employment")
    if emp is not None and not emp.empty:
        parts.insert(0, emp[[*KEYS, "peak_employees"]])  # employment.csv first: it is the source
    peaks = pd.concat(parts, ignore_index=True)
    peaks["year"] = pd.to_numeric(peaks["year"], errors="coerce").astype("Int64")
    peaks["peak_employees"] = pd.to_numeric(peaks["peak_employees"], errors="coerce")
    peaks = peaks.dropna(subset=["establishment_code", "year"])
    return peaks.drop_duplicates(KEYS, keep="first").reset_index(drop=True)


@dataclass(frozen=True)
class _Company:
    key: tuple[str, str]
    label: str


def _companies(
    summaries: pd.DataFrame, establishments: pd.DataFrame | None
) -> dict[str, _Company]:
    """establishment_code -> its company (see the module docstring)."""
    cols = ["establishment_code", "company_name", "ein"]
    parts = [summaries.reindex(columns=cols)]
    est = _unprefixed(establishments, "establishments")
    if est is not None:
        parts.append(est.reindex(columns=cols))
    out: dict[str, _Company] = {}
    for code, name, ein in pd.concat(parts, ignore_index=True).itertuples(index=False):
        if _missing(code) or code in out:
            continue
        name = None if _missing(name) else " ".join(str(name).split())
        ein = normalize_digits(None if _missing(ein) else ein)
        if name:
            out[code] = _Company(("name", name.casefold()), name)
        elif ein:
            out[code] = _Company(("ein", ein), f"EIN {ein}")
        else:
            out[code] = _Company(
                ("establishment", str(code)),
                f"establishment {code} (no company name or EIN: taken as its own company)",
            )
    return out


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


CompanyPeaks = dict[tuple[tuple[str, str], int], tuple[float, int, bool]]


def _company_peaks(peaks: pd.DataFrame, companies: dict[str, _Company]) -> CompanyPeaks:
    """(company key, year) -> (sum of known peaks, establishments with a row, any peak
    missing); establishments no summary or establishments row names are their own company."""
    keys = peaks["establishment_code"].map(
        lambda c: companies[c].key if c in companies else ("establishment", str(c))
    )
    out: CompanyPeaks = {}
    for (key, year), grp in peaks.groupby([keys, peaks["year"]], sort=False):
        known = grp["peak_employees"].dropna()
        out[(key, int(year))] = (float(known.sum()), len(grp), len(known) < len(grp))
    return out


def _small_company(
    row: dict, peaks: CompanyPeaks, companies: dict[str, _Company]
) -> tuple[bool | None, str]:
    """1904.1(a)(1): (True exempt / False not / None unknown, reason)."""
    code, year = row["establishment_code"], int(row["year"])
    company = companies.get(code) or _Company(("establishment", str(code)), f"establishment {code}")
    last = year - 1
    total, n, partial = peaks.get((company.key, last), (None, 0, False))
    basis = f"in {last}, the last calendar year before the {year} log"
    if total is None:
        total, n, partial = peaks.get((company.key, year), (None, 0, False))
        basis = f"in {year} (no employment data for {last}, the year 1904.1 looks at; {year} used)"
    if total is None:
        return None, (
            f"1904.1(a)(1): no peak employment for {company.label} in {last} or {year}: "
            "the small-company exemption cannot be decided"
        )
    who = f"{company.label} had a peak of {_n(total)} employees {basis}"
    if n > 1:
        who += f", summed over {n} establishments"
    if total > SMALL_COMPANY_MAX:
        return False, (
            f"1904.1(a)(1): {who}: more than 10, so the small-company exemption does not apply"
        )
    if partial:
        return None, (
            f"1904.1(a)(1): {who}, but an establishment's peak is missing: "
            "the small-company exemption cannot be decided"
        )
    return True, (
        f"1904.1(a)(1): {who}: 10 or fewer at all times, so no log is required unless OSHA or "
        "BLS asks in writing (1904.41, 1904.42)"
    )


def _duty_of(row: dict, peaks: CompanyPeaks, companies: dict[str, _Company]) -> dict:
    code, year = row["establishment_code"], int(row["year"])
    naics = normalize_digits(None if _missing(row.get("naics_code")) else row.get("naics_code"))
    peak = None if _missing(row.get("peak_employees")) else float(row["peak_employees"])
    reasons: list[str] = []

    # 1. Log required (1904.1, 1904.2).
    small, why_small = _small_company(row, peaks, companies)
    exempt = place(naics, "appendix_a_subpart_b")
    if small is True:
        log_required: bool | None = False
        reasons.append(why_small)
    elif exempt.status == "listed":
        log_required = False
        reasons.append(
            f"1904.2(a)(1), Appendix A to Subpart B: NAICS {naics} is in {exempt.group()} "
            "(2007 NAICS), a partially exempt industry: no log is required unless OSHA or BLS "
            "asks in writing"
        )
    else:
        reasons.append(why_small)
        if exempt.status == "unknown":
            reasons.append(f"1904.2(a)(1): {exempt.note}: the partial exemption cannot be decided")
        else:
            reasons.append(
                f"1904.2(a)(1): NAICS {naics} is not in Appendix A to Subpart B: "
                "not partially exempt"
            )
        log_required = None if small is None or exempt.status == "unknown" else True

    # 2. and 3. Submissions (1904.41), by establishment size in the log year.
    form300a, case_data = _submissions(naics, peak, log_required, reasons)

    if log_required is False:
        duty = "exempt"
        reasons.append(
            "1904.39: fatalities, in-patient hospitalizations, amputations and losses of an eye "
            "must still be reported to OSHA"
        )
    elif log_required is None or form300a is None or case_data is None:
        duty = "unknown"
    elif form300a or case_data:
        duty = "submit"
    else:
        duty = "keep_only"
    due = None
    if form300a or case_data:
        due = dt.date(year + 1, DUE_MONTH, DUE_DAY)
        reasons.append(f"1904.41(c): due March 2, {year + 1}")
    _government_note(row, reasons)
    return {
        "establishment_code": code,
        "year": year,
        "establishment_name": row.get("establishment_name"),
        "naics_code": naics,
        "peak_employees": None if peak is None else int(peak),
        "duty": duty,
        "log_required": log_required,
        "form300a_due": form300a,
        "case_data_due": case_data,
        "due_date": due,
        "reasons": "; ".join(reasons),
    }


def _submissions(
    naics: str | None, peak: float | None, log_required: bool | None, reasons: list[str]
) -> tuple[bool | None, bool | None]:
    """(300A due, case data due) per 1904.41(a); appends the reasons."""
    if log_required is False:
        return False, False
    if peak is None:
        reasons.append("1904.41(a): no peak employment for the year: the ITA size is unknown")
        return None, None
    size = f"(peak {_n(peak)})"
    keeps = log_required  # True, or None when unknown

    # Form 300A.
    a = place(naics, "appendix_a_subpart_e")
    if peak >= SUBMIT_300A_ALL:
        form300a: bool | None = True if keeps else None
        reasons.append(
            f"1904.41(a)(1)(ii): 250+ employees {size}"
            + (" and records required: submit the Form 300A" if keeps
               else ": the Form 300A is due if records are required")
        )
    elif peak >= SUBMIT_300A_MIN:
        if a.status == "listed":
            form300a = True if keeps else None
            reasons.append(
                f"1904.41(a)(1)(i), Appendix A to Subpart E: 20-249 employees {size} in "
                f"{a.group()}: submit the Form 300A"
            )
        elif a.status == "not_listed":
            form300a = False
            reasons.append(
                f"1904.41(a)(1)(i): 20-249 employees {size}, but NAICS {naics} is not in "
                "Appendix A to Subpart E: no Form 300A submission"
            )
        else:
            form300a = None
            reasons.append(f"1904.41(a)(1)(i): {a.note}: Form 300A submission cannot be decided")
    else:
        form300a = False
        reasons.append(f"1904.41(a)(1): fewer than 20 employees {size}: no Form 300A submission")

    # Case data (Forms 300 and 301).
    b = place(naics, "appendix_b_subpart_e")
    if peak < CASE_DATA_MIN:
        case_data: bool | None = False
    elif b.status == "listed":
        case_data = True if keeps else None
        reasons.append(
            f"1904.41(a)(2), Appendix B to Subpart E: 100+ employees {size} in {b.group()}: "
            "submit Forms 300 and 301 case data"
        )
    elif b.status == "not_listed":
        case_data = False
        reasons.append(
            f"1904.41(a)(2): 100+ employees {size}, but NAICS {naics} is not in Appendix B to "
            "Subpart E: no case data submission"
        )
    else:
        case_data = None
        reasons.append(f"1904.41(a)(2): {b.note}: case data submission cannot be decided")
    return form300a, case_data


def _government_note(row: dict, reasons: list[str]) -> None:
    etype = row.get("establishment_type")
    if not _missing(etype) and str(etype).strip() in {"2", "3"}:
        reasons.append(
            "1904.37: a state or local government establishment is covered only under a State "
            "Plan, whose recordkeeping rules must be at least as effective and may differ"
        )


def _n(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"

