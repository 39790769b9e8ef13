"""What the loader could not read that feeds a year's log: the fail-closed check.

A form or an ITA file must never carry a number computed from input the kit could not read.
:func:`unread` lists every loader error (a row or a cell that could not be read, a file
that could not be read or recognised, a header column missing or ambiguous) that can
change the log, the 300A or the 301s of one year, each with what it affects; the filing
commands refuse when it is not empty (unless the user accepts it knowingly), and
:func:`notice` is the one line every output then carries.

Which rejects feed year Y:

- a cell of a row that is in its frame: the rows of that year's cases (encounters, and the
  conditions, restrictions, accommodations and body parts of their encounters), the
  employees of those cases, the establishments of that year's cases or employment rows,
  and the employment rows of year Y. The filing duty of Y (``oshakit.duty``) also reads
  the year before: the head count (``employment.peak_employees``) of every employment row
  of Y-1 (the company's size then decides whether a log of Y is required), and the
  company fields of every establishment (``company_name``, ``ein``: which establishments
  make one company), so those cells feed Y too. A rejected injury date is the exception: the
  row no longer opens its case, whose year is then unknown, so it feeds every year;
- a whole row that could not be read: the case it names when one of its fields is a known
  case number (encounters) or encounter id (child rows), the cases of the employee or the
  establishment it names; an employment row naming Y-1, or no year at all, and an
  establishment row naming an establishment employed in Y-1 feed Y (the filing duty); an
  employee, establishment or employment row that names none is counted against the year's
  cases and 300As that lack theirs; any other row feeds every year (it may open or belong to
  any case);
- a row rejected because its key was used before was read in full: it is judged by its own
  fields, like a row in a frame;
- a file that could not be read or whose kind could not be told, and a missing or
  duplicated header column: every year.

Warnings and notes (``severity`` other than ``error``) are recovered readings and feed
nothing here, with one exception: a file that is present but empty or header-only was read,
yet more likely a failed export than a year with no such rows, so it feeds every year (the
load goes on; a filing needs the user's knowing acceptance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from oshakit import problems
from oshakit.bundle import COLUMN_CODES, FILE_CODES
from oshakit.bundle.types import YEARS
from oshakit.schema import KINDS, LINE

COLUMNS = [*problems.CORE, "value", "scope", "affects"]
#: Loader warnings that still keep a filing from going out unaccepted: an empty file.
EMPTY_CODES = frozenset({"file_empty", "file_header_only"})
UNKNOWN = "unknown: the row could not be read, it may belong to any case"
#: How a rejected cell or row of each kind touches its case.
_WHAT = {
    "encounters": "a field of the case could not be read; its log entry may be wrong",
    "conditions": "a condition could not be read; privacy or the illness type may be wrong",
    "restrictions": "a restriction could not be read; days of restricted work may be wrong",
    "accommodations": "an accommodation could not be read; days away or restricted may be "
                      "wrong",
    "nibp": "a body part / nature row could not be read; the description may be incomplete",
}
_TOKEN = re.compile(r"[,;\t|\"\r\n]+")
_CHILD_KINDS = ("conditions", "restrictions", "accommodations", "nibp")
#: What the filing duty of year Y reads outside year Y (oshakit.duty): the head count of the
#: year before, and the fields that group establishments into a company, for every year.
_PRIOR_YEAR_COLUMNS = frozenset({"employment.peak_employees"})
_COMPANY_COLUMNS = frozenset({"establishments.company_name", "establishments.ein"})


def empty() -> pd.DataFrame:
    return problems.empty(["value", "scope", "affects"])


@dataclass
class _Index:
    """The bundle's cases, worked out from the frames (every year), and the chosen year's."""

    enc_case: pd.Series  # encounters.ext_id -> case key (NA: no case)
    line_case: pd.Series  # encounters _line -> case key
    case_year: pd.Series  # case key -> year of its first opening
    case_open_line: pd.Series  # case key -> line of its first opening
    number: dict  # case key -> case number shown
    y_cases: pd.DataFrame  # rec.cases of the year
    y_keys: set
    y_employees: dict  # employee pat_id -> case numbers of the year
    y_establishments: set  # establishment codes with a case or an employment row in Y
    lost_employees: list  # case numbers of the year whose employee is not in employees.csv
    lost_establishments: list  # Y establishments not in establishments.csv
    lost_employment: list  # Y establishments (with cases) without an employment row for Y
    prior_establishments: set  # establishment codes with an employment row in Y-1
    numbers_seen: set  # every case number written on an encounter
    lines: dict = field(default_factory=dict)  # frame name -> {line: position}

    def row(self, frame: pd.DataFrame | None, name: str, line: int, file: str | None = None,
            files=None) -> pd.Series | None:
        """The row of ``frame`` read from ``line`` (None when there is none); of ``file``
        too when ``files`` gives the file of each row (a frame read from several files)."""
        if frame is None or LINE not in frame.columns:
            return None
        if name not in self.lines:
            keys = frame[LINE].tolist()
            if files is not None:
                keys = list(zip(files.tolist(), keys, strict=True))
            self.lines[name] = dict(zip(keys, range(len(frame)), strict=True))
        pos = self.lines[name].get(line if files is None else (file, line))
        return None if pos is None else frame.iloc[pos]


def unread(bundle, rec, year: int) -> pd.DataFrame:
    """Every loader error that feeds the log of ``year``, with what it affects.

    Columns: the core problem columns, ``value``, ``scope`` (``file``, ``column``, ``row``
    or ``cell``) and ``affects`` (plain text). Empty when the year's filing numbers were
    computed from everything in the bundle.
    """
    rejects = getattr(bundle, "rejects", None)
    if rejects is None or not len(rejects):
        return empty()
    errors = rejects[(rejects["severity"] == "error") | rejects["code"].isin(EMPTY_CODES)]
    errors = errors.reset_index(drop=True)
    if not len(errors):
        return empty()
    index = _index(bundle, rec, year)
    kinds = _file_kinds(bundle)
    rows = []
    for r in errors.itertuples(index=False):
        scope, affects = _judge(r, bundle, index, kinds, year)
        if affects is None:
            continue
        row = {c: getattr(r, c) for c in [*problems.CORE, "value"]}
        row["scope"], row["affects"] = scope, affects
        rows.append(row)
    if not rows:
        return empty()
    return problems.conform(pd.DataFrame(rows), ["value", "scope", "affects"])


def notice(unread_table: pd.DataFrame | None) -> str | None:
    """The one-line notice an output prepared despite ``unread_table`` carries (None when
    nothing is unread)."""
    if unread_table is None or not len(unread_table):
        return None
    scope = unread_table["scope"].astype("str")
    rows = int(scope.isin(["row"]).sum())
    cells = int((scope == "cell").sum())
    files = int(scope.isin(["file", "column"]).sum())
    parts = []
    if rows:
        parts.append(f"{rows:,} row{'s' if rows != 1 else ''}")
    if cells:
        parts.append(f"{cells:,} cell{'s' if cells != 1 else ''}")
    if files:
        parts.append(f"{files:,} file{'s' if files != 1 else ''} or column"
                     f"{'s' if files != 1 else ''}")
    names = ", ".join(dict.fromkeys(unread_table["file"].astype("str")))
    return (f"prepared from an incomplete bundle: {' and '.join(parts)} could not be read "
            f"({names})")


# --- how each reject is judged ------------------------------------------------------------


def _judge(r, bundle, index: _Index, kinds: dict, year: int) -> tuple[str, str | None]:
    kind = kinds.get(r.file)
    line = None if pd.isna(r.line) else int(r.line)
    if r.code in EMPTY_CODES:
        return "file", (f"every year: {r.file} holds no rows; if it should (a failed export?), "
                        "everything it would add is missing")
    if r.code in FILE_CODES or kind is None:
        return "file", (f"unknown: {r.file} could not be read or recognised; it may hold "
                        "rows of any case")
    if r.code in COLUMN_CODES:
        return "column", f"every row of {r.file} (column {r.column or '?'})"
    if line is None:
        return "file", f"unknown: every row of {r.file}"
    several = sum(k == kind for k in kinds.values()) > 1
    frame, dropped = bundle.get(kind), getattr(bundle, "dropped", {}).get(kind)
    files = getattr(bundle, "row_files", {})
    placed = not several or (_aligned(frame, files.get(kind))
                             and _aligned(dropped, files.get("dropped " + kind)))
    if not placed:  # several files and no file per row: the line alone places no row
        return ("cell" if r.column else "row"), UNKNOWN
    row = index.row(frame, kind, line, r.file, files.get(kind) if several else None)
    if row is not None:  # the row is in its frame: only the cell was not read
        return "cell", _cell(kind, row, r, index, year)
    gone = index.row(dropped, "dropped " + kind, line, r.file,
                     files.get("dropped " + kind) if several else None)
    if gone is not None:
        return "row", _cell(kind, gone, r, index, year, whole=True)
    text = getattr(bundle, "rejected_text", {}).get((r.file, line))
    return "row", _row(kind, text, line, index, year)


def _aligned(frame: pd.DataFrame | None, files) -> bool:
    """Whether ``files`` gives the file of each row of ``frame`` (no frame: nothing to place)."""
    return frame is None or not len(frame) or (files is not None and len(files) == len(frame))


def _cell(kind: str, row: pd.Series, r, index: _Index, year: int, whole: bool = False
          ) -> str | None:
    """A row that was read (its cell ``r.column`` was not, or the whole row was dropped)."""
    if kind == "encounters":
        if whole:
            return _dropped_encounter(row, index, year)
        if r.column == "incidents.inc_datetime":
            number = row.get("incidents.case_number")
            shown = number if isinstance(number, str) and number else row.get(
                "encounters.ext_id")
            return (f"case {shown} would leave the 300A of its year (its injury date cannot "
                    "be read), and its year is unknown")
        if r.column == "incidents.case_number":
            return (f"unknown: the case number of encounter {row.get('encounters.ext_id')} "
                    "cannot be read, the row may belong to any case")
        key = index.line_case.get(int(row[LINE]))
        if key is None or pd.isna(key):
            return None
        return _cases([key], index, kind, year)
    if kind in _CHILD_KINDS:
        if r.column == "encounters.ext_id":  # the link itself: judge by the value read
            return _row(kind, str(r.value or "").replace('"', ""), int(row[LINE]), index,
                        year)
        enc = row.get("encounters.ext_id")
        key = index.enc_case.get(enc) if isinstance(enc, str) else None
        if key is None or pd.isna(key):
            return None
        return _cases([key], index, kind, year)
    if kind == "employees":
        numbers = index.y_employees.get(row.get("employees.pat_id"), [])
        if not numbers:
            return None
        return (f"every case of employee {row.get('employees.pat_id')} ({_list(numbers)}): "
                "name, job title, dates or establishment may be wrong")
    if kind == "establishments":
        code = row.get("establishments.establishment_code")
        if code in index.y_establishments:
            return f"the {year} 300A of establishment {code}"
        if (whole and code in index.prior_establishments) or r.column in _COMPANY_COLUMNS:
            return (f"the {year} filing duty: the company of establishment {code} (which "
                    f"establishments' {year - 1} head counts add up) may be wrong")
        return None
    if kind == "employment":
        code = row.get("employment.establishment_code")
        row_year = row.get("employment.year")
        if row_year == year:
            return (f"the {year} 300A of establishment {code}: hours worked or employee "
                    "counts may be wrong")
        # a dropped duplicate (same establishment and year) differs only by its values
        held = whole and any(pd.notna(row.get(c)) for c in _PRIOR_YEAR_COLUMNS)
        if row_year == year - 1 and (held or r.column in _PRIOR_YEAR_COLUMNS):
            return _prior(year, f"the {year - 1} head count of establishment {code}")
        return None
    return UNKNOWN


def _row(kind: str, text: str | None, line: int, index: _Index, year: int) -> str | None:
    """A row that could not be read: whose was it?"""
    tokens = {t.strip() for t in _TOKEN.split(text or "") if t.strip()}
    if kind == "encounters":
        keys = [k for k in tokens if k in index.case_year.index]
        keys += [index.enc_case[t] for t in tokens if t in index.enc_case.index
                 and pd.notna(index.enc_case[t])]
        keys = list(dict.fromkeys(keys))
        if not keys:
            orphans = sorted(t for t in tokens if t in index.numbers_seen)
            if orphans:  # follow-ups name it, the opening row is this one
                return (f"case {_list(orphans)} would leave the 300A of its year (the row "
                        "that opens it could not be read); its year is unknown")
            return UNKNOWN
        early = [k for k in keys if line < index.case_open_line.get(k, line + 1)]
        if early:  # it may have opened the case, with another date
            return f"case {_list([index.number.get(k, k) for k in early])}: " + UNKNOWN
        return _cases(keys, index, kind, year, whole=True)
    if kind in _CHILD_KINDS:
        keys = [index.enc_case[t] for t in tokens if t in index.enc_case.index]
        if not any(t in index.enc_case.index for t in tokens):
            return UNKNOWN
        keys = [k for k in dict.fromkeys(keys) if pd.notna(k)]
        return _cases(keys, index, kind, year, whole=True) if keys else None
    if kind == "employees":
        named = [t for t in tokens if t in index.y_employees]
        if named:
            numbers = [n for t in named for n in index.y_employees[t]]
            return (f"every case of employee {', '.join(named)} ({_list(numbers)}): the "
                    "employee's row could not be read")
        if index.lost_employees:
            return (f"case {_list(index.lost_employees)}: its employee is not in "
                    "employees.csv and may be this row")
        return None
    if kind == "establishments":
        named = [t for t in tokens if t in index.y_establishments]
        if named:
            return f"the {year} 300A of establishment {', '.join(named)}"
        prior = sorted(t for t in tokens if t in index.prior_establishments)
        if prior:
            return (f"the {year} filing duty: the company of establishment {_list(prior)} "
                    f"(which establishments' {year - 1} head counts add up) could not be read")
        if index.lost_establishments:
            return (f"the {year} 300A of establishment {_list(index.lost_establishments)}: "
                    "not in establishments.csv, may be this row")
        return None
    if kind == "employment":
        named = [t for t in tokens if t in index.y_establishments]
        if named and str(year) in tokens:
            return (f"the {year} 300A of establishment {', '.join(named)}: hours worked or "
                    "employee counts")
        years = {t for t in tokens if t.isdigit() and YEARS[0] <= int(t) <= YEARS[1]}
        if str(year - 1) in years:
            return _prior(year, f"a {year - 1} employment row could not be read")
        if not years:
            return _prior(year, "an employment row whose year cannot be read (it may be "
                                f"{year} or {year - 1})")
        if index.lost_employment:
            return (f"the {year} 300A of establishment {_list(index.lost_employment)}: no "
                    f"employment row for {year}, may be this row")
        return None
    return UNKNOWN


def _prior(year: int, what: str) -> str:
    return (f"the {year} filing duty: {what}; the company's {year - 1} head count decides "
            f"whether a {year} log is required")


def _cases(keys: list, index: _Index, kind: str, year: int, whole: bool = False
           ) -> str | None:
    mine = [k for k in keys if k in index.y_keys]
    if not mine:
        return None
    what = _WHAT.get(kind, "")
    if whole and kind == "encounters":
        what = "a row of the case could not be read; its days, outcome or type may be wrong"
    shown = [index.number.get(k, k) for k in mine]
    return f"case {_list(shown)}: {what}"


def _dropped_encounter(row: pd.Series, index: _Index, year: int) -> str | None:
    """An encounters row read in full but dropped (its ext_id was used before)."""
    number = row.get("incidents.case_number")
    inc = row.get("incidents.inc_datetime")
    opens = inc is not None and not pd.isna(inc)
    key = number.strip() if isinstance(number, str) and number.strip() else (
        row.get("encounters.ext_id") if opens else None)
    if key is None:
        return None  # neither opens nor joins a case
    if key in index.case_year.index:
        years = {index.case_year[key]} | ({inc.year} if opens else set())
        if year not in years:
            return None
        shown = index.number.get(key, key)
        return (f"case {shown}: a second row with the same encounter id was dropped; its "
                "days, outcome or type may differ")
    if opens and inc.year == year:
        return f"case {key}: the row that would open it was dropped (its encounter id was used)"
    return None


def _list(items: list, limit: int = 5) -> str:
    items = [str(i) for i in dict.fromkeys(items)]
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def _file_kinds(bundle) -> dict:
    acc = getattr(bundle, "accounting", None)
    if acc is None or not len(acc):
        return {}
    return {f: (k if k in KINDS else None) for f, k in zip(acc["file"], acc["kind"],
                                                         strict=True)}


def _index(bundle, rec, year: int) -> _Index:
    enc = bundle.get("encounters")
    cases = rec.cases
    y = cases[cases["year"] == year]
    seen: set = set()
    if enc is None or not len(enc):
        empty_s = pd.Series(dtype="object")
        enc_case, line_case, case_year, open_line = empty_s, empty_s, empty_s, empty_s
    else:
        number = enc.get("incidents.case_number")
        number = (number.astype("str").str.strip() if number is not None
                  else pd.Series(pd.NA, index=enc.index, dtype="str"))
        number = number.where(number != "")
        seen = set(number.dropna())
        inc = enc.get("incidents.inc_datetime")
        opening = inc.notna() if inc is not None else pd.Series(False, index=enc.index)
        key = number.where(number.notna(), enc["encounters.ext_id"].astype("str").where(
            opening))
        ids = enc["encounters.ext_id"].astype("str").to_numpy(dtype=object)
        enc_case = pd.Series(key.to_numpy(dtype=object), index=ids)
        enc_case = enc_case[~enc_case.index.duplicated()]
        line_case = pd.Series(key.to_numpy(dtype=object), index=enc[LINE].to_numpy())
        opens = pd.DataFrame({"key": key, "line": enc[LINE], "year": inc.dt.year
                              if inc is not None else pd.NA})[opening]
        opens = opens.sort_values("line", kind="stable").drop_duplicates("key")
        case_year = pd.Series(opens["year"].to_numpy(), index=opens["key"].to_numpy())
        open_line = pd.Series(opens["line"].to_numpy(), index=opens["key"].to_numpy())
    numbers = dict(zip(cases["case_key"], cases["case_number"], strict=True))
    y_keys = set(y["case_key"])
    y_employees: dict = {}
    for pat, num in zip(y["employee_pat_id"], y["case_number"], strict=True):
        if isinstance(pat, str):
            y_employees.setdefault(pat, []).append(num)
    emp = bundle.get("employment")
    emp_y = (emp[emp["employment.year"] == year] if emp is not None and len(emp)
             else None)
    case_est = set(y["establishment_code"].dropna().astype("str"))
    y_est = case_est | (set(emp_y["employment.establishment_code"].dropna().astype("str"))
                        if emp_y is not None else set())
    employees = bundle.get("employees")
    known_emp = (set(employees["employees.pat_id"].dropna().astype("str"))
                 if employees is not None else set())
    lost_emp = [n for p, n in zip(y["employee_pat_id"], y["case_number"], strict=True)
                if employees is not None and p not in known_emp]
    ests = bundle.get("establishments")
    known_est = (set(ests["establishments.establishment_code"].dropna().astype("str"))
                 if ests is not None else set())
    lost_est = sorted(c for c in y_est if ests is not None and c not in known_est)
    with_emp = (set(emp_y["employment.establishment_code"].dropna().astype("str"))
                if emp_y is not None else set())
    lost_employment = sorted(c for c in case_est if emp is not None and c not in with_emp)
    prior = (set(emp.loc[emp["employment.year"] == year - 1, "employment.establishment_code"]
                 .dropna().astype("str")) if emp is not None and len(emp) else set())
    return _Index(enc_case, line_case, case_year, open_line, numbers, y, y_keys, y_employees,
                  y_est, lost_emp, lost_est, lost_employment, prior, seen)

