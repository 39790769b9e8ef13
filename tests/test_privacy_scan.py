"""Confidential by design, end to end: every command on the sample and on a bundle whose
privacy flags are written in every accepted and in unreadable forms; then every file written
outside ``confidential/`` (CSV rows, PDF page text, JSON, HTML, ipynb, text) is scanned for
each privacy case's employee names. Zero hits.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from oshakit.cli import main
from oshakit.outputs import CONFIDENTIAL

YEAR = 2025
#: Flag values of the variant bundle: accepted spellings of "yes", and unreadable ones. Any
#: value that is not a clear "no" must keep the case private (recordkeeping.md §5).
FLAGS = ["1", "Y", "yes", "TRUE", "True", "1.0", "T", "maybe", "2", "?"]
#: Distinctive names for the employees of those cases (unique in the bundle).
NAMES = [("Zéphyrine", "Quillfeather"), ("Anaëlle", "Brackenridge"), ("Örjan", "Thistlewood"),
         ("Bartholomé", "Ravensgate"), ("Giedrė", "Wolstenholme"), ("Ximena", "Ferncastle"),
         ("Thaddeus", "Marchbanks"), ("Oluwaseun", "Ashcombe"), ("Kalinda", "Peverell"),
         ("Ignatius", "Dunmore-Velasco")]

COMMANDS = {
    "log": lambda b, o, extra: ["log", b, "--year", str(YEAR), "--out", f"{o}/log.csv"],
    "reconcile": lambda b, o, extra: ["reconcile", b, "--out", o],
    "export-ita": lambda b, o, extra: ["export-ita", b, "--year", str(YEAR), "--out", o, *extra],
    "forms": lambda b, o, extra: ["forms", b, "--year", str(YEAR), "--out", o,
                                  "--representative-copy", *extra],
    "ita submit": lambda b, o, extra: ["ita", "submit", b, "--year", str(YEAR), "--dry-run",
                                       "--case-data", "all", "--out", o, *extra],
    "run": lambda b, o, extra: ["run", b, "--year", str(YEAR), "--out", o, "--jobs", "1",
                                "--no-progress", *extra],
}
FILING = {"export-ita", "forms", "ita submit", "run"}

def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).casefold()


# --- the bundles ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def flag_bundle(tmp_path_factory, sample_dir, sample_result) -> Path:
    """The sample with ten public 2025 cases made private by a flag in each form of
    :data:`FLAGS`; their employees (one case each) renamed to :data:`NAMES`, and each name
    typed into the case's narratives the way people write them (first name, lower-case
    surname, full name)."""
    folder = tmp_path_factory.mktemp("flags") / "bundle"
    shutil.copytree(sample_dir, folder)
    cases = sample_result.rec.cases
    per_person = cases["employee_pat_id"].value_counts()
    pick = cases[cases["on_log"] & (cases["year"] == YEAR) & ~cases["privacy"].astype(bool)
                 & cases["employee_pat_id"].map(per_person).eq(1)]
    pick = pick.drop_duplicates("employee_pat_id").head(len(FLAGS))
    assert len(pick) == len(FLAGS)
    enc = pd.read_csv(folder / "encounters_incidents.csv", dtype=str, keep_default_na=False)
    emp = pd.read_csv(folder / "employees.csv", dtype=str, keep_default_na=False)
    for (flag, (first, last)), row in zip(zip(FLAGS, NAMES, strict=True),
                                           pick.to_dict("records"), strict=True):
        e = (enc["incidents.case_number"] == row["case_number"]) & \
            (enc["encounters.pat_id"] == row["employee_pat_id"])
        assert e.any()
        enc.loc[e, "incidents.privacy_case"] = flag
        enc.loc[e, "incidents.comment_explanation"] = (
            f"{first} lifted the box; " + enc.loc[e, "incidents.comment_explanation"])
        enc.loc[e, "incidents.comment_cause"] = f"{last.lower()}'s own box cutter"
        enc.loc[e, "incidents.comment_activity"] = f"Helping {first} {last} stack boxes"
        p = emp["employees.pat_id"] == row["employee_pat_id"]
        assert p.sum() == 1
        emp.loc[p, ["employees.first_name", "employees.last_name"]] = [first, last]
    enc.to_csv(folder / "encounters_incidents.csv", index=False)
    emp.to_csv(folder / "employees.csv", index=False)
    return folder


def privacy_people(bundle: Path, flagged: bool) -> list[dict]:
    """Each privacy case: case number, establishment, the employee's full name and name
    words, and whether the name is also that of someone with a public case (then it may
    appear legitimately, and only the privacy case's own rows are checked)."""
    from oshakit.pipeline import run

    cases = run(bundle).rec.cases
    if flagged:  # the spec's answer: every case of a renamed employee is a privacy case
        full = cases["employee_name"].isin([f"{last}, {first}" for first, last in NAMES])
    else:
        full = cases["privacy"].astype(bool)
    public = set(cases.loc[~full & cases["on_log"], "employee_name"].dropna())
    out = []
    for row in cases[full].to_dict("records"):
        last, _, first = str(row["employee_name"]).partition(", ")
        out.append({"case": row["case_number"], "est": row["establishment_code"],
                    "first": first, "last": last, "shared": row["employee_name"] in public,
                    "unique": flagged})
    return out


# --- running and scanning ------------------------------------------------------------------

@pytest.fixture(scope="module")
def ran(tmp_path_factory, sample_dir, flag_bundle):
    """Outputs of (bundle, command), each run once on first use."""
    done: dict[tuple[str, str], Path] = {}

    def get(which: str, command: str) -> Path:
        if (which, command) not in done:
            bundle = sample_dir if which == "sample" else flag_bundle
            out = tmp_path_factory.mktemp(f"{which}-{command.replace(' ', '-')}") / "out"
            extra = ["--accept-rejects"] if which == "flags" and command in FILING else []
            code = main(COMMANDS[command](str(bundle), str(out), extra))
            assert code in (0, 1), f"{command} exited {code}"
            assert any(p.is_file() for p in out.rglob("*")), f"{command} wrote nothing"
            done[(which, command)] = out
        return done[(which, command)]

    return get


def texts(out: Path) -> dict[str, str]:
    """The text of every file written outside confidential/, by relative path."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if not path.is_file() or CONFIDENTIAL in rel.parts:
            continue
        if path.suffix == ".pdf":
            found[rel.as_posix()] = "\n".join(p.extract_text() or ""
                                              for p in pypdf.PdfReader(path).pages)
        elif path.suffix in (".csv", ".json", ".html", ".ipynb", ".txt", ".md", ".svg", ".jsonl"):
            found[rel.as_posix()] = path.read_text(encoding="utf-8")
    return found


def full_name(p: dict) -> re.Pattern[str]:
    first, last = map(re.escape, (fold(p["first"]), fold(p["last"])))
    sep = r"[\s,]+(?:\w\.?\s+)?"
    return re.compile(rf"\b{first}{sep}{last}\b|\b{last}{sep}{first}\b")


def words(p: dict) -> re.Pattern[str]:
    names = [w for w in re.findall(r"\w+", fold(p["first"] + " " + p["last"])) if len(w) > 2
             and w not in ("van", "der", "den")]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")


def hits(out: Path, people: list[dict]) -> list[str]:
    """Every place a privacy case's employee is named outside confidential/."""
    found = []
    for rel, text in texts(out).items():
        low = fold(text)
        for p in people:
            # nobody public has this name: it must appear nowhere (a single first or last
            # name neither, when the name is unique in the bundle)
            if not p["shared"] and (
                    m := full_name(p).search(low) or (p["unique"] and words(p).search(low))):
                found.append(f"{rel}: case {p['case']}: {low[m.start():m.end()]!r}")
        if rel.endswith(".csv"):  # each row of a privacy case: no word of the name
            rows = list(csv.DictReader(io.StringIO(text)))
            for p in people:
                for row in rows:
                    if row.get("case_number") != p["case"] or \
                            row.get("establishment_code", p["est"]) != p["est"]:
                        continue
                    if m := words(p).search(fold(" ".join(map(str, row.values())))):
                        found.append(f"{rel}: row of case {p['case']}: {m.group(0)!r}")
    return found


SCANS = [pytest.param(which, command, id=f"{which}-{command}")
         for which in ("sample", "flags") for command in COMMANDS]


@pytest.mark.parametrize("which,command", SCANS)
def test_no_privacy_name_outside_confidential(ran, sample_dir, flag_bundle, which, command):
    out = ran(which, command)
    people = privacy_people(sample_dir if which == "sample" else flag_bundle, which == "flags")
    assert people
    assert hits(out, people) == []


@pytest.mark.parametrize("which", ["sample", "flags"])
@pytest.mark.parametrize("command", ["reconcile", "forms", "run"])
def test_what_holds_names_is_only_under_confidential(ran, which, command):
    """The files that hold names by design (the case table, Form 301, the privacy list,
    the saved result, the raw validation tables) are written under confidential/ only."""
    out = ran(which, command)
    named = ("cases.csv", "form301.pdf", "privacy_cases.pdf", "privacy_cases.csv",
             "people.parquet", "cases.parquet")
    for path in out.rglob("*"):
        if path.name in named:
            assert CONFIDENTIAL in path.relative_to(out).parts, path
    secret = [p for p in out.rglob("*") if p.is_file()
              and CONFIDENTIAL in p.relative_to(out).parts]
    assert secret
    if command == "run":  # one confidential/ per establishment-year, and the year's result
        folders = {p.relative_to(out).parts[:p.relative_to(out).parts.index(CONFIDENTIAL)]
                   for p in secret}
        assert folders == {(str(YEAR),), *((str(YEAR), c) for c in ("PLT01", "PLT02", "PLT03",
                                                                      "_bundle"))}
        for code in ("PLT01", "PLT02", "PLT03"):
            held = {p.name for p in (out / str(YEAR) / code / CONFIDENTIAL).iterdir()}
            assert {"cases.csv", "form301.pdf"} <= held


def test_the_variant_bundle_names_are_planted_where_the_scan_looks(ran, flag_bundle):
    """The scan can see: the variant's names are in the confidential files."""
    out = ran("flags", "forms")
    text = fold("\n".join(p.extract_text() for f in out.rglob("form301.pdf")
                          for p in pypdf.PdfReader(f).pages))
    for first, last in NAMES:
        assert fold(f"{last}, {first}") in text


# --- employee PII other than names: dates of birth, home addresses, physicians -------------

def _dates(text: str) -> set[str]:
    return set(re.findall(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}/\d{2}/\d{4}\b", text))


def employee_pii(bundle: Path) -> dict[str, set[str]]:
    """The bundle's dates of birth (as the kit writes dates: YYYY-MM-DD and MM/DD/YYYY),
    home streets and physicians, less any that is also another value of the bundle (a hire
    or injury date, an establishment's street) and so may appear legitimately."""
    emp = pd.read_csv(bundle / "employees.csv", dtype=str, keep_default_na=False)
    enc = pd.read_csv(bundle / "encounters_incidents.csv", dtype=str, keep_default_na=False)
    est = pd.read_csv(bundle / "establishments.csv", dtype=str, keep_default_na=False)
    births = {d for d in emp["employees.birth_date"] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)}
    other = set()
    for f in bundle.glob("*.csv"):
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        for col in frame.columns:
            if col != "employees.birth_date":
                other |= {v[:10] for v in frame[col] if re.match(r"\d{4}-\d{2}-\d{2}", v)}
    births -= other
    dob = births | {f"{d[5:7]}/{d[8:10]}/{d[:4]}" for d in births}
    streets = {s.strip() for s in emp["employees.street"] if s.strip()} - set(
        est.get("establishments.street_address", []))
    physicians = set()
    for p in enc["incidents.primary_physician"]:
        if p.strip():
            physicians.add(p.strip())
            core = re.sub(r"^(?:Dr\.?\s+)|,\s*\w+\.?$", "", p.strip())  # "S. Iyer"
            physicians.add(core)
    return {"date of birth": dob, "street": streets, "physician": physicians}


def pii_hits(out: Path, pii: dict[str, set[str]]) -> list[str]:
    found = []
    for rel, text in texts(out).items():
        for kind, needles in pii.items():
            if kind == "date of birth":
                found += [f"{rel}: {kind} {d}" for d in sorted(_dates(text) & needles)]
                continue
            found += [f"{rel}: {kind} {n!r}" for n in sorted(needles) if n in text]
    return found


@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_birth_date_address_or_physician_outside_confidential(ran, sample_dir, command):
    pii = employee_pii(sample_dir)
    assert len(pii["date of birth"]) > 500 and len(pii["street"]) > 500
    assert pii["physician"]
    assert pii_hits(ran("sample", command), pii) == []


def test_the_pii_scan_can_see(ran, sample_dir):
    """The scan finds what it looks for: the confidential Form 301s hold dates of birth,
    streets and physicians of the bundle."""
    pii = employee_pii(sample_dir)
    out = ran("sample", "forms")
    text = "\n".join(p.extract_text() or "" for f in out.rglob("form301.pdf")
                     for p in pypdf.PdfReader(f).pages)
    assert _dates(text) & pii["date of birth"]
    assert any(s in text for s in pii["street"])
    assert any(p in text for p in pii["physician"])
