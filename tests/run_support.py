"""The runner's test material: a tiny bundle and the fixture notebooks of
tests/fixtures/notebooks/ (01_profile lists the bundle's files, 02_reconcile counts an
establishment's log rows in the batch's saved result and fails for codes starting with BAD,
03_trends takes lists of years and establishments)."""

from __future__ import annotations

from pathlib import Path

from oshakit.run import run_batch

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
YEAR = 2024


ENCOUNTERS = ("encounters.ext_id,encounters.pat_id,encounters.pat_id_type,"
              "incidents.inc_datetime,incidents.osha_work_related,incidents.osha_completed_dt,"
              "incidents.osha_itype,incidents.facility_code\n")


def case_row(ext_id: str, code: str, injured: str) -> str:
    """A recordable injury (work-related, determined the next day) at ``code``."""
    return f"{ext_id},P{ext_id},id:ext_id,{injured},Yes,{injured},I,{code}\n"


def make_bundle_dir(folder: Path) -> Path:
    """GOOD1 has two 2024 cases and one of 2023 (a year for the trends), GOOD2 one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "encounters_incidents.csv").write_text(
        ENCOUNTERS + case_row("E1", "GOOD1", "2024-02-01") + case_row("E2", "GOOD1", "2024-03-01")
        + case_row("E3", "GOOD2", "2024-04-01") + case_row("E4", "GOOD1", "2023-05-01"))
    (folder / "employment.csv").write_text(
        "employment.establishment_code,employment.year,employment.annual_average_employees,"
        "employment.total_hours_worked,employment.peak_employees\n"
        "GOOD1,2024,10,20000,12\nGOOD2,2024,10,20000,12\n")
    return folder


def batch(tmp: Path, codes=("GOOD1", "GOOD2"), **kwargs):
    kwargs.setdefault("jobs", 1)
    return run_batch(tmp / "bundle", YEAR, tmp / "reports",
                     establishments=None if codes is None else list(codes),
                     notebooks_dir=NOTEBOOKS, progress=False, **kwargs)


def statuses(manifest) -> dict[str, str]:
    return {e.unit: e.status for e in manifest.run_entries()}
