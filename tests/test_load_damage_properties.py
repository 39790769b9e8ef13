"""Property: damage any record of the sample, and the 300A either stays exactly what the
undamaged sample gives, or the fail-closed check names the damaged file and line.

The damage is what exports and editors do to one record: a quote added or lost, a line
break or a lone CR in the middle, a delimiter added or lost, a stretch of bytes garbled,
the record cut short (a field or more lost), the record written twice. (Deleting a whole
record or changing one character of a value is not damage a reader can see: the file is
still a valid file, with other data.) The reference reading of the sample, to know which
record a physical line belongs to, is Python's csv module.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oshakit.bundle import SAMPLE_BUNDLE, load_bundle
from oshakit.cases import reconcile
from oshakit.completeness import unread
from oshakit.summary import TOTALS, summarize

FILES = sorted(p.name for p in SAMPLE_BUNDLE.glob("*.csv"))
YEARS = (2023, 2024, 2025)
OPS = ("add_quote", "drop_quote", "add_lf", "add_cr", "add_delimiter", "drop_delimiter",
       "garble", "cut", "twice")


def _record_starts(text: str) -> dict[int, int]:
    """Physical line -> line where its record starts (header = line 1)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out, start = {}, 1
    for _ in reader:
        for line in range(start, reader.line_num + 1):
            out[line] = start
        start = reader.line_num + 1
    return out


SAMPLE_TEXT = {f: (SAMPLE_BUNDLE / f).read_bytes().decode("utf-8") for f in FILES}
STARTS = {f: _record_starts(t) for f, t in SAMPLE_TEXT.items()}


def _totals(bundle, year: int):
    rec = reconcile(bundle, year=year)
    table = summarize(rec, bundle, year=year)
    return rec, table[["establishment_code", *TOTALS]].values.tolist()


@pytest.fixture(scope="module")
def sample_totals():
    bundle = load_bundle(SAMPLE_BUNDLE)
    return {y: _totals(bundle, y)[1] for y in YEARS}


def _feeding_lines() -> dict[int, list[tuple[str, int]]]:
    """Per year, (file, line) of rows that feed that year's log: the encounters of its log
    cases, their child rows, their employees, the year's employment rows. Damage aimed there
    changes the 300A often, which is the case the property is about."""
    bundle = load_bundle(SAMPLE_BUNDLE)
    enc = bundle["encounters"]
    out: dict[int, list[tuple[str, int]]] = {}
    for year in YEARS:
        log = reconcile(bundle, year=year).log
        numbers = set(log["case_number"])
        mine = enc[enc["incidents.case_number"].isin(numbers)]
        picked = [(bundle.file_name("encounters"), int(n)) for n in mine["_line"]]
        ids = set(mine["encounters.ext_id"])
        for kind in ("restrictions", "accommodations", "nibp", "conditions"):
            frame = bundle[kind]
            rows = frame[frame["encounters.ext_id"].isin(ids)]
            picked += [(bundle.file_name(kind), int(n)) for n in rows["_line"]]
        emp = bundle["employees"]
        rows = emp[emp["employees.pat_id"].isin(set(log["employee_pat_id"]))]
        picked += [(bundle.file_name("employees"), int(n)) for n in rows["_line"]]
        work = bundle["employment"]
        rows = work[work["employment.year"] == year]
        picked += [(bundle.file_name("employment"), int(n)) for n in rows["_line"]]
        out[year] = sorted(picked)
    return out


FEEDING = _feeding_lines()


def damage(line: bytes, op: str, pos: int, garbage: bytes) -> bytes:
    pos = min(pos, len(line))
    if op == "add_quote":
        return line[:pos] + b'"' + line[pos:]
    if op == "drop_quote":
        quotes = [i for i, c in enumerate(line) if c == ord('"')]
        if not quotes:
            return line[:pos] + b'"' + line[pos:]
        q = quotes[pos % len(quotes)]
        return line[:q] + line[q + 1:]
    if op == "add_lf":
        return line[:pos] + b"\n" + line[pos:]
    if op == "add_cr":
        return line[:pos] + b"\r" + line[pos:]
    if op == "add_delimiter":
        return line[:pos] + b"," + line[pos:]
    if op == "drop_delimiter":
        commas = [i for i, c in enumerate(line) if c == ord(",")]
        q = commas[pos % len(commas)]
        return line[:q] + line[q + 1:]
    if op == "garble":
        return line[:pos] + garbage + line[pos + len(garbage):]
    if op == "cut":  # cut short: at least the last field is lost
        commas = [i for i, c in enumerate(line) if c == ord(",")]
        return line[: min(pos, commas[-1])]
    if op == "twice":
        return line + b"\n" + line
    raise AssertionError(op)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damage_is_read_around_or_named(data, sample_totals):
    year = data.draw(st.sampled_from(YEARS), label="year")
    if data.draw(st.booleans(), label="aim at a row of the year's log"):
        name, number = data.draw(st.sampled_from(FEEDING[year]), label="file, line")
        lines = (SAMPLE_BUNDLE / name).read_bytes().split(b"\n")
    else:
        name = data.draw(st.sampled_from(FILES), label="file")
        lines = (SAMPLE_BUNDLE / name).read_bytes().split(b"\n")
        number = data.draw(st.integers(2, len(lines) - 1), label="line")  # not the header
    op = data.draw(st.sampled_from(OPS), label="op")
    pos = data.draw(st.integers(0, 400), label="pos")
    garbage = data.draw(st.binary(min_size=1, max_size=12), label="garbage")
    lines[number - 1] = damage(lines[number - 1], op, pos, garbage)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for f in FILES:
            (folder / f).write_bytes((SAMPLE_BUNDLE / f).read_bytes())
        (folder / name).write_bytes(b"\n".join(lines))
        bundle = load_bundle(folder)
        acc = bundle.accounting
        assert (acc["rows_read"] == acc["accepted"] + acc["rejected"]).all()
        rec, got = _totals(bundle, year)
        if got == sample_totals[year]:
            return
        table = unread(bundle, rec, year)
        start = STARTS[name].get(number, number)
        named = table[(table["file"] == name)
                      & (table["line"].isin([start, number, number + 1])
                         | (table["scope"] == "file")).fillna(False)]
        assert len(named), (f"{name}:{number} {op}: the {year} 300A changed and unread() "
                            f"does not name it: {table[['file', 'line', 'code']].values}")
