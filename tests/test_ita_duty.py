"""``--case-data auto`` and the 300A follow the filing duty of 1904.41 (oshakit.duty): an
establishment that owes no 300A gets a note instead of a filing."""

from __future__ import annotations

import shutil

from ita_support import inputs

from oshakit.bundle import SAMPLE_BUNDLE
from oshakit.ita.submit import inputs_from_result, submit
from oshakit.pipeline import run


def test_an_establishment_that_owes_nothing_gets_a_note_not_a_filing(tmp_path):
    why = "no Form 300A is due: 1904.2: partially exempt industry"
    result = submit(inputs(not_due={"S1": why}), tmp_path)
    table = result.table().set_index("establishment_code")
    assert table.loc["S1", "status"] == "not due" and table.loc["S1", "note"] == why
    assert table.loc["N1", "status"] == "dry-run"
    assert not (tmp_path / "payloads" / "2024" / "S1").exists()  # nothing prepared for it
    # named explicitly, it is filed: the user asked for it
    named = submit(inputs(not_due={"S1": why}), tmp_path / "named", establishments=["S1"])
    assert named.table()["status"].tolist() == ["dry-run"]


def test_the_sample_with_a_law_office_leaves_it_out(tmp_path):
    # NAICS 5411 (legal services) is in Appendix A to Subpart B: partially exempt, 1904.2
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, folder)
    text = (folder / "establishments.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("PLT03,"))
    naics = next(v for v in line.split(",") if len(v) == 6 and v.isdigit())
    (folder / "establishments.csv").write_text(
        text.replace(line, line.replace(naics, "541110")), encoding="utf-8")
    ins = inputs_from_result(run(folder, 2025))
    assert set(ins.not_due) == {"PLT03"} and "1904.2" in ins.not_due["PLT03"]
    assert ins.case_data_due["PLT03"] is False
    assert ins.case_data_due["PLT01"] is True  # 100+ in an Appendix B industry (3362)
    result = submit(ins, tmp_path / "ita")
    assert dict(zip(result.table()["establishment_code"], result.table()["status"],
                    strict=True)) == {"PLT03": "not due", "PLT01": "dry-run",
                                      "PLT02": "dry-run"}
