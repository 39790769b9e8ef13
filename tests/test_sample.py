"""The sample bundle generator: shipped bytes, determinism, coverage, consistency, defects.

Coverage and consistency are checked on the raw CSV text (read with pandas as
strings), from the rules of input-format.md and recordkeeping.md, not from the
generator's own tables.
"""

from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from oshakit.bundle import load_bundle
from oshakit.cli import main
from oshakit.sample import DEFECTS_FILE, generate
from oshakit.schema import KINDS

FILES = {k: kind.filename for k, kind in KINDS.items()}


def read(folder: Path, kind: str) -> pd.DataFrame:
    return pd.read_csv(folder / FILES[kind], dtype=str, keep_default_na=False)


def records(path: Path) -> dict[int, list[str]]:
    """Line where each record starts -> its fields (header is line 1)."""
    out, line = {}, 1
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        for row in reader:
            out[line] = row
            line = reader.line_num + 1
    return out


@pytest.fixture(scope="module")
def raw(sample_dir: Path) -> dict[str, pd.DataFrame]:
    return {k: read(sample_dir, k) for k in KINDS}


@pytest.fixture(scope="module")
def cases(raw) -> pd.DataFrame:
    """One row per opening encounter, with its case key and the injury date."""
    e = raw["encounters"]
    op = e[e["incidents.inc_datetime"] != ""].copy()
    op["key"] = op["incidents.case_number"].where(op["incidents.case_number"] != "",
                                                  op["encounters.ext_id"])
    op["inc_day"] = pd.to_datetime(op["incidents.inc_datetime"].str[:10])
    op["recordable"] = op["incidents.osha_completed_dt"] != ""
    return op


@pytest.fixture(scope="module")
def case_of_encounter(raw, cases) -> pd.Series:
    e = raw["encounters"]
    key = e["incidents.case_number"].where(e["incidents.case_number"] != "",
                                           e["encounters.ext_id"])
    in_case = key.isin(set(cases["key"]))
    return pd.Series(key[in_case].to_numpy(), index=e.loc[in_case, "encounters.ext_id"])


def spans(raw, cases, case_of_encounter, kind: str) -> pd.DataFrame:
    t = "patient_clinical_restriction" if kind == "restrictions" else "accommodations"
    s = raw[kind].copy()
    s["key"] = case_of_encounter.reindex(s["encounters.ext_id"]).to_numpy()
    s["start"] = pd.to_datetime(s[f"{t}.start_date"])
    s["end"] = pd.to_datetime(s[f"{t}.end_date"].replace("", None))
    return s.merge(cases[["key", "inc_day", "recordable"]], on="key", how="left")


# --- shipped bytes and determinism ---------------------------------------------------------


def test_shipped_sample_is_what_generate_writes(sample_dir, tmp_path):
    out = generate(tmp_path)
    for name in FILES.values():
        assert (out / name).read_bytes() == (sample_dir / name).read_bytes(), name
    assert sorted(p.name for p in sample_dir.glob("*.csv")) == sorted(FILES.values())


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    a = generate(tmp_path / "a", seed=7, scale=0.2, defects=True)
    b = generate(tmp_path / "b", seed=7, scale=0.2, defects=True)
    c = generate(tmp_path / "c", seed=8, scale=0.2, defects=True)
    for name in [*FILES.values(), DEFECTS_FILE]:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / FILES["encounters"]).read_bytes() != (c / FILES["encounters"]).read_bytes()


def test_headers_are_the_schema_columns(sample_dir):
    for kind, name in FILES.items():
        with open(sample_dir / name, encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == KINDS[kind].column_names


def test_regenerating_without_defects_removes_a_stale_defects_file(tmp_path):
    generate(tmp_path, scale=0.2, defects=True)
    assert (tmp_path / DEFECTS_FILE).exists()
    generate(tmp_path, scale=0.2)
    assert not (tmp_path / DEFECTS_FILE).exists()


# --- size and ratios -----------------------------------------------------------------------


def test_default_size_is_a_few_hundred_cases(raw, cases):
    assert 250 <= len(cases) <= 400
    assert 800 <= len(raw["encounters"]) <= 1300
    n = len(cases)
    assert 0.8 * n <= len(raw["conditions"]) <= 1.5 * n
    assert 1.0 * n <= len(raw["nibp"]) <= 2.0 * n
    assert 0.5 * n <= len(raw["restrictions"]) <= 1.5 * n
    assert 0.2 * n <= len(raw["accommodations"]) <= 0.8 * n


def test_establishments_in_different_industries(raw):
    est = raw["establishments"]
    assert {"336212", "622110", "493110"} <= set(est["establishments.naics_code"])
    assert est["establishments.establishment_name"].is_unique


# --- coverage of the features recordkeeping.md needs ---------------------------------------


def test_every_outcome_and_every_illness_type(cases):
    rec = cases[cases["recordable"]]
    assert set(rec["incidents.osha_itype"]) == {"I", "S", "R", "P", "H", "A"}
    died = rec[rec["incidents.employee_died"] == "1"]
    assert len(died) >= 1 and (died["incidents.employee_deathdate"] != "").all()


def test_cases_that_stay_off_the_log(cases):
    wr = cases["incidents.osha_work_related"]
    assert ((cases["incidents.case_type"] == "Injury") & (wr == "Yes")
            & ~cases["recordable"]).any()  # first aid only
    assert (wr == "No").any() and (wr == "Undetermined").any()
    assert {"Injury NO", "Medical Surveillance"} <= set(cases["incidents.case_type"])


def test_follow_ups_and_plain_encounters(raw, cases):
    e = raw["encounters"]
    follow = e[(e["incidents.inc_datetime"] == "") & (e["incidents.case_number"] != "")]
    assert len(follow) >= len(cases) // 2
    assert set(follow["incidents.case_number"]) <= set(cases["incidents.case_number"])
    plain = e[(e["incidents.inc_datetime"] == "") & (e["incidents.case_number"] == "")]
    assert len(plain) >= 100
    assert (cases["incidents.case_number"] == "").any()  # key falls back to ext_id


def test_privacy_cases_and_needlesticks(raw, cases):
    assert (cases["incidents.privacy_case"] == "1").any()
    nibp = raw["nibp"]
    sticks = nibp[(nibp["incident_nibp.laceration"] == "Puncture")
                  & (nibp["incident_nibp.size"] != "")
                  & (nibp["incident_nibp.manufacturer"] != "")]
    assert len(sticks)
    opened = cases.set_index("encounters.ext_id")
    assert (opened.loc[sticks["encounters.ext_id"], "incidents.privacy_case"] == "1").all()


def test_optional_columns_of_the_contract_are_used(raw, cases):
    emp = raw["employees"]
    left = emp[emp["employees.termination_date"] != ""]
    assert len(left) >= 1 and (left["employees.termination_reason"] != "").all()
    # the employee who left has no case injured after leaving (a later case would mean a
    # rehire the file does not show)
    theirs = cases.merge(left, left_on=["encounters.pat_id", "encounters.pat_id_type"],
                         right_on=["employees.pat_id", "employees.pat_id_type"])
    assert len(theirs) >= 1
    assert (theirs["inc_day"] <= pd.to_datetime(theirs["employees.termination_date"])).all()
    reasons = set(cases["incidents.privacy_reason"]) - {""}
    assert {"needlestick", "mental_illness", "infectious_disease", "employee_request"} <= reasons
    flagged = cases["incidents.privacy_case"] == "1"
    assert (cases.loc[~flagged, "incidents.privacy_reason"] == "").all()
    r = raw["restrictions"]
    assert (r["patient_clinical_restriction.est_end_date"] != "").any()


PRIVACY_ICD10 = r"F0[1-9]|F[1-9]\d|B20|Z21|B1[5-9]|A1[5-9]"


def test_a_mandatory_privacy_case_the_employer_did_not_flag(raw, cases):
    cond = raw["conditions"]
    mental = cond[cond["patient_conditions.icd10"].str.match(PRIVACY_ICD10)]
    opened = cases.set_index("encounters.ext_id")
    flags = opened.loc[mental["encounters.ext_id"], "incidents.privacy_case"]
    assert (flags == "0").any() and (flags == "1").any()


def test_a_flagged_injury_with_no_basis(raw, cases):
    nibp = raw["nibp"]
    kinds = nibp["incident_nibp.laceration"].eq("Puncture") | nibp["incident_nibp.size"].ne("")
    cond = raw["conditions"]
    based = set(nibp.loc[kinds, "encounters.ext_id"]) | set(
        cond.loc[cond["patient_conditions.icd10"].str.match(PRIVACY_ICD10), "encounters.ext_id"])
    no_basis = cases[(cases["incidents.privacy_case"] == "1")
                     & (cases["incidents.osha_itype"] == "I")
                     & (cases["incidents.privacy_reason"] == "")
                     & ~cases["encounters.ext_id"].isin(based)]
    assert len(no_basis) == 1


def test_a_physician_release_before_the_employers_absence_ends(raw, cases, case_of_encounter):
    r = spans(raw, cases, case_of_encounter, "restrictions")
    a = spans(raw, cases, case_of_encounter, "accommodations")
    doc = r[r["patient_clinical_restriction.description"].str.startswith("Lost Time")
            & r["patient_clinical_restriction.active"].isin(["1", ""])]
    absent = a[a["accommodations.accom_type"].str.startswith("Lost Time/Occ")
               & a["accommodations.status"].isin(["1", ""])]
    both = doc.merge(absent, on="key", suffixes=("_doc", "_emp"))
    released_early = both["end_doc"] < both["end_emp"]
    assert released_early.any()
    # and the reverse: days away on the physician's word while the employer has a transfer
    transfer = a[a["accommodations.accom_type"] == "Transitional Duty"]
    came_in = doc.merge(transfer, on="key", suffixes=("_doc", "_emp"))
    assert ((came_in["start_emp"] >= came_in["start_doc"])
            & (came_in["start_emp"] <= came_in["end_doc"])).any()


def test_one_severe_event_of_each_kind(raw, cases):
    rec = cases[cases["recordable"]]
    died = rec[rec["incidents.employee_died"] == "1"]
    within = pd.to_datetime(died["incidents.employee_deathdate"]) - died["inc_day"]
    assert (within.dt.days <= 30).any()  # fatality within 30 days (1904.39(b)(6))
    assert (rec["incidents.hospitalized"] == "1").any()  # in-patient hospitalization
    natures = set(raw["nibp"]["incident_nibp.nature_injury"])
    assert {"Amputation", "Enucleation"} <= natures  # amputation, loss of an eye


def test_hearing_loss_is_a_recordable_case(cases):
    assert ((cases["incidents.osha_itype"] == "H") & cases["recordable"]).any()


def test_restriction_features(raw, cases, case_of_encounter):
    r = spans(raw, cases, case_of_encounter, "restrictions")
    live = r[r["patient_clinical_restriction.active"].isin(["1", ""])]
    on_injury_day = live["start"] == live["inc_day"]
    assert on_injury_day.any()
    assert (on_injury_day & (live["end"] == live["inc_day"])).any()  # only the injury day
    assert (live["patient_clinical_restriction.affect_work"] == "0").any()
    assert ((live["patient_clinical_restriction.permanent"] == "1") & live["end"].isna()).any()
    # the contract requires an end date on every restriction that is not permanent;
    # one still running at export carries its planned end, after the last visit
    assert (live["end"].notna() | (live["patient_clinical_restriction.permanent"] == "1")).all()
    last_visit = pd.to_datetime(raw["encounters"]["encounters.serv_date"]).max()
    assert (live["end"] > last_visit).any()
    assert {"0", "2"} <= set(r["patient_clinical_restriction.active"])
    assert live["patient_clinical_restriction.description"].str.startswith("Lost Time").any()
    # two live restrictions of one case that overlap
    s = live.dropna(subset=["end"]).sort_values(["key", "start"])
    prev_end = s.groupby("key")["end"].shift()
    assert (s["start"] <= prev_end).any()


def test_accommodation_features(raw, cases, case_of_encounter):
    a = spans(raw, cases, case_of_encounter, "accommodations")
    assert {"Lost Time/Occ", "Lost Time", "Lost Time/ER LAT Approved", "Lost Time/Non-Occ",
            "Transitional Duty", "Work Location", "TDP-Work Area"} <= set(
        a["accommodations.accom_type"])
    assert {"0", "2"} <= set(a["accommodations.status"])
    live = a[a["accommodations.status"].isin(["1", ""])]
    assert live["end"].isna().any()  # still running at export
    assert (live["start"].dt.year < live["end"].dt.year).any()  # cross-year
    assert ((live["end"] - live["start"]).dt.days > 180).any()


def test_legacy_totals_times_and_narratives(raw, cases):
    assert (cases["incidents.days_away"] == "-1").any()
    assert cases["incidents.days_away"].str.fullmatch(r"\d+").any()
    has_time = cases["incidents.inc_datetime"].str.len() == 19
    assert has_time.any() and (~has_time).any()
    assert cases["incidents.employee_starttime"].str.contains("AM|PM").any()
    assert cases["incidents.comment_explanation"].str.contains("\n").any()
    assert (cases["incidents.facility_code"] == "").any()


def test_people_and_places(raw):
    emp = raw["employees"]
    names = set(emp["employees.first_name"] + " " + emp["employees.last_name"])
    assert {"Łukasz Żółć", "José Núñez", "Zoë Brontë"} <= names
    assert {"M", "F"} < set(emp["employees.sex"])
    est = raw["establishments"]
    assert est["establishments.zip"].str.startswith("0").any()
    assert (est["establishments.zip"].str.len() == 9).any()
    assert est["establishments.ein"].str.startswith("0").any()


def test_one_establishment_year_has_no_recordable_case(raw, cases, sample_dir):
    emp = raw["employees"].set_index(["employees.pat_id", "employees.pat_id_type"])
    est = cases["incidents.facility_code"].where(
        cases["incidents.facility_code"] != "",
        emp.loc[list(zip(cases["encounters.pat_id"], cases["encounters.pat_id_type"],
                         strict=True)), "employees.establishment_code"].to_numpy())
    rec = cases.assign(est=est, year=cases["inc_day"].dt.year.astype(str))[cases["recordable"]]
    logged = set(zip(rec["est"], rec["year"], strict=True))
    m = raw["employment"]
    years = set(zip(m["employment.establishment_code"], m["employment.year"], strict=True))
    assert len(years - logged) == 1


# --- consistency: a clean bundle holds no contradiction ------------------------------------


def test_clean_sample_loads_with_no_rejects(sample_bundle):
    assert sample_bundle.rejects.empty
    acc = sample_bundle.accounting
    assert (acc["rows_read"] == acc["accepted"]).all()


def test_recordable_cases_are_consistent(cases):
    rec = cases[cases["recordable"]]
    assert (rec["incidents.case_type"] == "Injury").all()
    assert (rec["incidents.osha_work_related"] == "Yes").all()
    assert rec["incidents.osha_itype"].isin(list("ISRPHA")).all()
    assert (pd.to_datetime(rec["incidents.osha_completed_dt"]) >= rec["inc_day"]).all()
    assert (cases.loc[~cases["recordable"], "incidents.hospitalized"] == "0").all()
    non_osha = cases["incidents.case_type"] != "Injury"
    assert not (non_osha & cases["recordable"]).any()
    died = cases["incidents.employee_died"] == "1"
    assert (cases.loc[died, "incidents.employee_deathdate"] != "").all()


def test_no_counted_days_on_cases_off_the_log(raw, cases, case_of_encounter):
    """Lost time or transfer days after the injury day only on recordable cases."""
    r = spans(raw, cases, case_of_encounter, "restrictions")
    a = spans(raw, cases, case_of_encounter, "accommodations")
    r_counts = (r["patient_clinical_restriction.active"].isin(["1", ""])
                & (r["patient_clinical_restriction.affect_work"] != "0")
                & (r["end"].isna() | (r["end"] > r["inc_day"])))
    a_counts = (a["accommodations.status"].isin(["1", ""])
                & ~a["accommodations.accom_type"].isin(
                    ["Housing", "Lost Time/Non-Occ", "Lost Time/Maternity (CA)"]))
    assert r.loc[r_counts, "recordable"].all()
    assert a.loc[a_counts, "recordable"].all()


def test_links_keys_and_formats(raw):
    e = raw["encounters"]
    ids = set(e["encounters.ext_id"])
    for kind in ("conditions", "restrictions", "accommodations", "nibp"):
        assert set(raw[kind]["encounters.ext_id"]) <= ids, kind
    for kind, k in KINDS.items():
        assert not raw[kind].duplicated(list(k.key)).any(), kind
    emp = set(zip(raw["employees"]["employees.pat_id"],
                  raw["employees"]["employees.pat_id_type"], strict=True))
    assert set(zip(e["encounters.pat_id"], e["encounters.pat_id_type"], strict=True)) <= emp
    est = raw["establishments"]
    codes = set(est["establishments.establishment_code"])
    assert set(e["incidents.facility_code"]) - {""} <= codes
    assert set(raw["employees"]["employees.establishment_code"]) <= codes
    assert est["establishments.zip"].str.fullmatch(r"\d{5}|\d{9}").all()
    assert est["establishments.ein"].str.fullmatch(r"\d{9}").all()
    assert est["establishments.naics_code"].str.fullmatch(r"\d{6}").all()
    m = raw["employment"]
    per_head = m["employment.total_hours_worked"].astype(float) / m[
        "employment.annual_average_employees"].astype(float)
    assert per_head.between(500, 8760, inclusive="left").all()
    for kind, t in (("restrictions", "patient_clinical_restriction"),
                    ("accommodations", "accommodations")):
        s = raw[kind]
        closed = s[f"{t}.end_date"] != ""
        assert (s.loc[closed, f"{t}.end_date"] >= s.loc[closed, f"{t}.start_date"]).all()


# --- defects -------------------------------------------------------------------------------

LOADER_KINDS = {"field_count", "key_duplicate", "key_missing", "datetime", "flag", "code",
                "int", "number", "time"}
VALIDATE_KINDS = {"orphan", "span_order", "required_missing", "recordable_not_work_related",
                  "recordable_no_itype", "death_no_date", "recordable_before_injury",
                  "non_osha_recordable", "zip_format", "ein_format", "naics_format",
                  "hours_per_employee", "unknown_employee", "unknown_establishment"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y",
                "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


def _is_date(v: str) -> bool:
    for fmt in DATE_FORMATS:
        try:
            datetime.strptime(v, fmt)
            return True
        except ValueError:
            pass
    return False


@pytest.fixture(scope="module")
def listed(defects_dir) -> pd.DataFrame:
    d = pd.read_csv(defects_dir / DEFECTS_FILE, dtype=str, keep_default_na=False)
    d["line"] = d["line"].astype(int)
    return d


def test_defects_cover_every_kind(listed):
    assert list(listed.columns) == ["file", "line", "column", "kind", "caught_by"]
    assert set(listed.loc[listed["caught_by"] == "loader", "kind"]) == LOADER_KINDS
    assert set(listed.loc[listed["caught_by"] == "validate", "kind"]) == VALIDATE_KINDS


TIME = re.compile(r"([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?( ?[AP]M)?")
FLAGS = {"0", "1", "y", "n", "yes", "no", "true", "false"}


def shows_defect(kind: str, column: str, row: dict[str, str], known: dict[str, set]) -> bool:
    """Whether the raw record ``row`` visibly carries a defect of ``kind`` in ``column``."""
    v = row[column]
    blank_ok = v != ""  # a blank cell is valid for every typed column
    completed = row.get("incidents.osha_completed_dt", "")
    simple = {
        "key_missing": v == "",
        "required_missing": v == "",
        "datetime": blank_ok and not _is_date(v),
        "flag": blank_ok and v.lower() not in FLAGS,
        "int": blank_ok and not re.fullmatch(r"-?\d+", v),
        "number": blank_ok and not re.fullmatch(r"-?[\d.]+", v),
        "time": blank_ok and not TIME.fullmatch(v),
        "zip_format": not re.fullmatch(r"\d{5}|\d{9}", v),
        "ein_format": not re.fullmatch(r"\d{9}", v),
        "naics_format": not re.fullmatch(r"\d{6}", v),
        "orphan": v not in known["encounters"],
        "unknown_establishment": blank_ok and v not in known["establishments"],
    }
    if kind in simple:
        return simple[kind]
    if kind == "span_order":
        return v < row[column.replace("end_date", "start_date")]
    if kind == "recordable_not_work_related":
        return v == "No" and completed != ""
    if kind == "recordable_no_itype":
        return v == "" and completed != ""
    if kind == "death_no_date":
        return v == "" and row["incidents.employee_died"] == "1"
    if kind == "recordable_before_injury":
        return "" < v[:10] < row["incidents.inc_datetime"][:10]
    if kind == "non_osha_recordable":
        return v != "" and row["incidents.case_type"] != "Injury"
    if kind == "hours_per_employee":
        return float(v) / float(row["employment.annual_average_employees"]) >= 8760
    if kind == "unknown_employee":
        return (v, row["encounters.pat_id_type"]) not in known["employees"]
    raise AssertionError(f"no check for {kind}")


def test_each_listed_defect_is_at_its_line(defects_dir, listed):
    by_file = {name: records(defects_dir / name) for name in FILES.values()}
    kind_of = {k.filename: k for k in KINDS.values()}
    first = {k: list(by_file[name].values())[1:] for k, name in FILES.items()}
    known = {"encounters": {r[0] for r in first["encounters"]},
             "employees": {(r[0], r[1]) for r in first["employees"]},
             "establishments": {r[0] for r in first["establishments"]}}
    for d in listed.itertuples():
        recs = by_file[d.file]
        assert d.line >= 2, d
        header, rec = recs[1], recs[d.line]
        kind = kind_of[d.file]
        if d.kind == "field_count":
            assert len(rec) != len(header), d
            continue
        row = dict(zip(header, rec, strict=True))
        if d.kind == "key_duplicate":
            key = [row[c] for c in kind.key]
            earlier = [r for ln, r in recs.items() if 1 < ln < d.line]
            assert key in [[r[header.index(c)] for c in kind.key] for r in earlier], d
        elif d.kind == "code":
            codes = {str(c).lower() for c in kind.column(d.column).codes}
            assert row[d.column] != "" and row[d.column].lower() not in codes, d
        else:
            assert shows_defect(d.kind, d.column, row, known), d


def test_loader_rejects_exactly_the_loader_defects(defects_dir, listed):
    b = load_bundle(defects_dir)
    got = set(zip(b.rejects["file"], b.rejects["line"], b.rejects["code"], strict=True))
    want = listed[listed["caught_by"] == "loader"]
    assert set(zip(want["file"], want["line"], want["kind"], strict=True)) == got


# --- scale and CLI -------------------------------------------------------------------------


def test_small_scale_keeps_every_special_case(tmp_path):
    out = generate(tmp_path, scale=0.2, establishments=2, years=(2024, 2025))
    b = load_bundle(out)
    assert b.rejects.empty
    e = b["encounters"]
    assert 150 <= len(e) < 500
    assert e["incidents.employee_died"].fillna(False).any()
    rec = e[e["incidents.osha_completed_dt"].notna()]
    assert set(rec["incidents.osha_itype"]) == set("ISRPHA")


def test_more_establishments_than_templates(tmp_path):
    out = generate(tmp_path, establishments=8, scale=0.1, years=(2025,))
    est = read(out, "establishments")
    assert len(est) == 8 and est["establishments.establishment_name"].is_unique
    assert est["establishments.ein"].str.fullmatch(r"\d{9}").all()
    assert load_bundle(out).rejects.empty


def test_cli_writes_and_counts(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "b"), "--scale", "0.2", "--defects", "--seed", "3",
                 "--years", "2024", "2025"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "b") in out and "defects.csv" in out
    n = len(read(tmp_path / "b", "employment"))
    assert re.search(rf"employment\.csv\s+{n} rows", out)
    assert n == 3 * 2


def test_cli_rejects_bad_arguments(tmp_path, capsys):
    assert main(["sample", str(tmp_path), "--establishments", "0"]) == 2
    assert "establishments" in capsys.readouterr().err
    (tmp_path / "file").write_text("not a folder")
    assert main(["sample", str(tmp_path / "file"), "--scale", "0.1"]) == 2
    assert "cannot write" in capsys.readouterr().err
