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


def sample_with_naics(tmp_path, code: str, naics: str):
    """The ITA inputs of the sample's 2025, with establishment ``code`` given ``naics``."""
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE_BUNDLE, folder)
    text = (folder / "establishments.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith(f"{code},"))
    old = next(v for v in line.split(",") if len(v) == 6 and v.isdigit())
    (folder / "establishments.csv").write_text(
        text.replace(line, line.replace(old, naics)), encoding="utf-8")
    return inputs_from_result(run(folder, 2025))


def test_the_sample_with_a_law_office_leaves_it_out(tmp_path):
    # NAICS 5411 (legal services) is in Appendix A to Subpart B: partially exempt, 1904.2
    ins = sample_with_naics(tmp_path, "PLT03", "541110")
    assert set(ins.not_due) == {"PLT03"} and "1904.2" in ins.not_due["PLT03"]
    assert ins.case_data_due["PLT03"] is False
    assert ins.case_data_due["PLT01"] is True  # 100+ in an Appendix B industry (3362)
    result = submit(ins, tmp_path / "ita")
    assert dict(zip(result.table()["establishment_code"], result.table()["status"],
                    strict=True)) == {"PLT03": "not due", "PLT01": "dry-run",
                                      "PLT02": "dry-run"}


def test_the_sample_with_an_unplaceable_naics_sends_no_case_data_and_says_why(tmp_path):
    # recordkeeping.md section 10: an unplaceable NAICS is "reported, never guessed"
    ins = sample_with_naics(tmp_path, "PLT01", "990000")
    assert ins.case_data_due["PLT01"] is None and "990000" in ins.duty_unknown["PLT01"]
    result = submit(ins, tmp_path / "ita")
    table = result.table().set_index("establishment_code")
    assert not result.ok  # exit 1: a decision is needed
    assert "filing duty unknown" in table.loc["PLT01", "note"]
    assert "--case-data all" in table.loc["PLT01", "errors"]
    assert table.loc["PLT02", "errors"] == ""
    files = set(result.payload_table()["file"][result.payload_table()["folder"] == "PLT01"])
    assert files == {"establishment.json", "form300A.json"}  # no caseData.json
    sent = submit(ins, tmp_path / "all", case_data_policy="all")
    plt01 = sent.payload_table()[sent.payload_table()["folder"] == "PLT01"]
    assert "caseData.json" in set(plt01["file"]) and sent.ok


def test_an_unknown_duty_sends_no_case_data_to_the_server(tmp_path):
    from ita_support import TOKEN, client

    from oshakit.ita.fake_server import FakeITAServer

    ins = inputs(case_data_due={"N1": None, "S1": False})  # North: 120 employees, size 22
    with FakeITAServer(token=TOKEN) as server:
        result = submit(ins, tmp_path, client=client(server))
        north = result.outcomes[0]
        assert not result.ok and north.status == "submitted", result.table()
        assert "cannot be decided" in north.errors[0] and "--case-data" in north.errors[0]
        assert ("POST", "/forms/caseData") not in server.requests
        assert not server.store.cases
