"""The submission workflow against the rehearsal server: once, completely, resumably."""

from __future__ import annotations

import json

import pytest
from ita_support import (
    EXPECTED,
    TOKEN,
    YEAR,
    Killed,
    case_rows,
    client,
    inputs,
    killer,
    server_summary,
)

from oshakit.errors import GateRefused
from oshakit.ita.fake_server import FakeITAServer, Fault
from oshakit.ita.ledger import Ledger
from oshakit.ita.submit import submit


@pytest.fixture
def server():
    with FakeITAServer(token=TOKEN) as s:
        yield s


def assert_ledger_matches(server, out_dir) -> None:
    """Every id the server holds is the one the ledger records, and nothing else."""
    ledger, st = Ledger(out_dir), server.store
    for eid, e in st.establishments.items():
        held = ledger.state(server.base_url, YEAR, e["establishment_name"])
        assert held.establishment_id == eid
        forms = [i for i, f in st.form300a.items() if f["establishment_id"] == eid]
        assert [held.form300a_id] == forms
        cases = {c["case_number"]: i for i, c in st.cases.items() if c["establishment_id"] == eid}
        assert {n: v[0] for n, v in held.cases.items()} == cases
        subs = sorted(i for i, s in st.submissions.items() if s["establishment_id"] == eid)
        assert sorted(s["id"] for s in held.submissions) == subs
        assert not held.pending and not held.dirty
    assert st.duplicates == 0  # no create was ever sent for an object the server held


def test_dry_run_saves_exact_payloads_and_sends_nothing(tmp_path, server):
    result = submit(inputs(), tmp_path)
    assert [o.status for o in result.outcomes] == ["dry-run", "dry-run"]
    north = tmp_path / "payloads" / str(YEAR) / "N1"
    # the case bodies hold dates of birth and hire: confidential, beside the shareable rest
    secret = tmp_path / "confidential" / "payloads" / str(YEAR)
    assert not (north / "caseData.json").exists()
    cases = json.loads((secret / "N1" / "caseData.json").read_text())
    assert [c["case_number"] for c in cases] == ["2024-001", "2024-002"]
    assert cases[0]["establishment"] == {"establishment_name": "North Plant"}
    assert json.loads((north / "form300A.json").read_text())["total_dafw_days"] == 5
    # South Office has fewer than 100 employees: its cases are not sent (size code 1)
    assert not (secret / "S1" / "caseData.json").exists()
    assert server.requests == []
    assert not (tmp_path / "ita_ledger.jsonl").exists()


def test_happy_path_then_unchanged_sends_nothing(tmp_path, server):
    result = submit(inputs(), tmp_path, client=client(server))
    assert result.ok and [o.status for o in result.outcomes] == ["submitted", "submitted"]
    assert server_summary(server) == EXPECTED
    assert_ledger_matches(server, tmp_path)
    sent = len(server.requests)
    again = submit(inputs(), tmp_path, client=client(server))
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert server.requests[sent:] == [("GET", "/establishments")]  # the token check only


def test_changed_data_is_edited_and_resubmitted_with_reason(tmp_path, server):
    submit(inputs(), tmp_path, client=client(server))
    cases = case_rows()
    cases[1]["djtr_num_tr"] = 12
    rows = inputs().form300a.to_dict("records")
    rows[0]["total_djtr_days"] = 12
    changed = inputs(cases=cases, rows=rows)
    refused = submit(changed, tmp_path, client=client(server))
    assert refused.outcomes[0].status == "failed"
    assert "change reason" in refused.outcomes[0].errors[0]
    assert server_summary(server) == EXPECTED  # nothing was edited without a reason
    before = len(server.requests)
    result = submit(changed, tmp_path, client=client(server), change_reason="days corrected")
    assert [o.status for o in result.outcomes] == ["resubmitted", "unchanged"]
    writes = [r for r in server.requests[before:] if r[0] != "GET"]
    assert writes == [("PATCH", "/forms/form300A/1002"), ("PATCH", "/forms/caseData/1004"),
                      ("POST", "/submissions")]
    st = server.store
    assert st.cases["1004"]["djtr_num_tr"] == 12 and st.form300a["1002"]["total_djtr_days"] == 12
    subs = [s for s in st.submissions.values() if s["establishment_id"] == "1001"]
    assert [s["change_reason"] for s in subs] == [None, "days corrected"]
    assert_ledger_matches(server, tmp_path)


def test_gate_refusal_sends_nothing(tmp_path, server):
    cases = case_rows()
    cases[0]["nar_what_happened"] = "Maria Kowalski cut her hand; call 518-555-0199"
    with pytest.raises(GateRefused) as exc:
        submit(inputs(cases=cases), tmp_path, client=client(server))
    assert "employee name" in str(exc.value) and "phone" in str(exc.value)
    assert server.requests == []
    report = (tmp_path / "confidential" / "pii_report.csv").read_text()
    assert "2024-001,nar_what_happened,employee name,Maria Kowalski" in report
    # what was found is quoted only under confidential/, the refused bodies too
    north = tmp_path / "confidential" / "payloads" / "2024" / "N1" / "caseData.json"
    assert "Maria Kowalski" in north.read_text()
    shared = [p for p in tmp_path.rglob("*") if p.is_file() and "confidential" not in p.parts]
    assert shared and not [p for p in shared if "Kowalski" in p.read_text(errors="replace")]


def _happy_run_requests(tmp_path_factory) -> int:
    with FakeITAServer(token=TOKEN) as s:
        c = client(s)
        submit(inputs(), tmp_path_factory.mktemp("count"), client=c)
        return c.requests_sent


@pytest.mark.parametrize("when", ["before", "after"])
def test_resume_after_a_kill_between_any_two_requests(tmp_path_factory, when):
    total = _happy_run_requests(tmp_path_factory)
    assert total > 10
    for k in range(1, total + 1):
        out = tmp_path_factory.mktemp(f"kill{when}{k}-")
        with FakeITAServer(token=TOKEN) as s:
            with pytest.raises(Killed):
                submit(inputs(), out, client=client(s, **killer(k, when)))
            result = submit(inputs(), out, client=client(s))
            assert result.ok, (k, result.table())
            assert server_summary(s) == EXPECTED, k
            assert_ledger_matches(s, out)


@pytest.mark.parametrize("when", ["before", "after"])
def test_resume_after_a_kill_during_a_resubmission(tmp_path_factory, when):
    cases = case_rows()
    cases[0]["nar_injury_illness"] = "Deep laceration to the left palm"
    for k in range(1, 9):  # the re-submission run makes 8 requests
        out = tmp_path_factory.mktemp(f"rekill{when}{k}-")
        with FakeITAServer(token=TOKEN) as s:
            submit(inputs(), out, client=client(s))
            with pytest.raises(Killed):
                submit(inputs(cases=cases), out, client=client(s, **killer(k, when)),
                       change_reason="narrative")
            result = submit(inputs(cases=cases), out, client=client(s), change_reason="narrative")
            assert result.ok, (k, result.table())
            north = [x for x in s.store.submissions.values() if x["establishment_id"] == "1001"]
            assert len(north) == 2, k  # the first submission and exactly one re-submission
            assert s.store.cases["1003"]["nar_injury_illness"] == "Deep laceration to the left palm"
            assert_ledger_matches(s, out)


def test_two_runs_on_one_ledger_cannot_send_at_once(tmp_path, server):
    from oshakit.errors import ITAError
    from oshakit.ita.ledger import exclusive

    with exclusive(tmp_path), pytest.raises(ITAError, match="another submission is running"):
        submit(inputs(), tmp_path, client=client(server))
    assert server.requests == []


FAULTS = [
    Fault("lost", method="POST", path="/establishments"),
    Fault("lost", method="POST", path="/forms/form300A"),
    Fault("lost", method="POST", path="/forms/caseData"),
    Fault("lost", method="POST", path="/submissions"),
    Fault("drop", method="POST", path="/establishments"),
    Fault("drop", method="POST", path="/forms/caseData"),
    Fault("drop", method="POST", path="/submissions"),
    Fault("drop", method="GET", times=3),
    Fault("delay", method="POST", path="/establishments", delay=0.5),
    Fault("delay", method="POST", path="/forms/form300A", delay=0.5),
    Fault("delay", method="POST", path="/forms/caseData", delay=0.5),
    Fault("delay", method="POST", path="/submissions", delay=0.5),
    Fault("delay", method="GET", path="/establishments", delay=0.5),
    Fault("429", method="POST", times=2),
    Fault("503", times=3),
    Fault("500", method="POST", path="/forms/form300A", times=2),
    Fault("500", method="GET", times=2),
]


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.kind}-{f.method}-{f.path}")
def test_every_fault_ends_with_one_copy_of_each_object(tmp_path, server, fault):
    server.inject(fault)
    result = submit(inputs(), tmp_path, client=client(server))
    assert fault.times == 0  # the fault did happen
    assert result.ok, result.table()
    assert server_summary(server) == EXPECTED
    assert_ledger_matches(server, tmp_path)


def test_partial_array_failure_is_recorded_per_case(tmp_path, server):
    # the server refuses case 2024-002 once (as ITA would for a rule the kit does not know)
    original = server.store.add_case
    calls = {"n": 0}

    def refuse_second(body):
        if body.get("case_number") == "2024-002" and calls["n"] == 0:
            calls["n"] += 1
            return None, [{"field": "djtr_num_tr", "message": "rejected for the test"}]
        return original(body)

    server.store.add_case = refuse_second
    result = submit(inputs(), tmp_path, client=client(server))
    north = result.outcomes[0]
    assert north.status == "failed" and "rejected for the test" in north.errors[0]
    assert north.errors[0].startswith("POST /forms/caseData: [1] djtr_num_tr: ")
    assert server_summary(server)["North Plant"] == (1, ["2024-001"], 0)  # not submitted
    items = [e for e in Ledger(tmp_path).entries() if e.get("object") == "caseData"
             and e["phase"] in ("done", "failed") and e["key"].startswith("2024")]
    assert [(e["key"], e["phase"]) for e in items] == [("2024-001", "done"),
                                                       ("2024-002", "failed")]
    # next run sends only the missing case, then completes
    result = submit(inputs(), tmp_path, client=client(server))
    assert result.ok and server_summary(server) == EXPECTED
    assert_ledger_matches(server, tmp_path)


def test_establishment_already_on_the_server_is_matched_by_name(tmp_path, server):
    from oshakit.ita.payloads import establishment_body

    row = inputs().form300a.to_dict("records")[0]
    server.store.create_establishment(establishment_body(row))
    result = submit(inputs(), tmp_path, client=client(server))
    assert result.ok and server_summary(server) == EXPECTED
    assert ("POST", "/establishments") not in server.requests[:3]


def _refusing(kind: str):
    import pandas as pd

    if kind == "ita check":
        checks = pd.DataFrame({"establishment_code": ["S1"], "year": [YEAR], "check": ["ein"],
                               "severity": ["error"], "message": ["EIN is not 9 digits"],
                               "passed": [False]})
        return inputs(checks=checks)
    if kind == "exception":
        exc = pd.DataFrame({"file": ["x.csv"], "line": [3], "column": [None],
                            "case_number": ["2024-002"], "code": ["E1"], "severity": ["error"],
                            "message": ["days overlap"], "establishment_code": ["N1"],
                            "year": [YEAR]})
        return inputs(exceptions=exc)
    cases = case_rows()
    if kind == "pii":
        cases[0]["nar_before_incident"] = "Helping Tom Okafor (tom@acme.example)"
    else:  # limits
        cases[0]["incident_location"] = "L" * 300
    return inputs(cases=cases)


@pytest.mark.parametrize("kind", ["ita check", "exception", "pii", "limits"])
def test_each_gate_refuses_before_anything_is_sent(tmp_path, server, kind):
    with pytest.raises(GateRefused):
        submit(_refusing(kind), tmp_path, client=client(server))
    assert server.requests == []
    assert json.loads((tmp_path / "confidential" / "gates.json").read_text())["ok"] is False
    assert not (tmp_path / "ita_ledger.jsonl").exists()


def test_establishment_details_are_edited_without_resubmitting(tmp_path, server):
    submit(inputs(), tmp_path, client=client(server))
    rows = inputs().form300a.to_dict("records")
    rows[1]["street_address"] = "11 Elm St"
    before = len(server.requests)
    result = submit(inputs(rows=rows), tmp_path, client=client(server))
    assert [o.status for o in result.outcomes] == ["unchanged", "updated"]
    writes = [r for r in server.requests[before:] if r[0] != "GET"]
    assert writes == [("PUT", "/establishments/1006")]
    assert server.store.establishments["1006"]["address"]["street"] == "11 Elm St"
    assert server_summary(server) == EXPECTED
    again = len(server.requests)
    assert [o.status for o in submit(inputs(rows=rows), tmp_path,
                                     client=client(server)).outcomes] == ["unchanged"] * 2
    assert server.requests[again:] == [("GET", "/establishments")]  # remembered: one read


def test_lost_ledger_is_rebuilt_from_the_server_without_sending(tmp_path, server):
    submit(inputs(), tmp_path / "first", client=client(server))
    before = len(server.requests)
    result = submit(inputs(), tmp_path / "second", client=client(server))
    assert [o.status for o in result.outcomes] == ["unchanged", "unchanged"]
    assert all(r[0] == "GET" for r in server.requests[before:])
    assert_ledger_matches(server, tmp_path / "second")


def test_an_unreachable_server_stops_the_run_and_the_next_run_finishes(tmp_path, server):
    from oshakit.ita.client import ServerUnavailable

    server.inject(Fault("503", times=100))
    with pytest.raises(ServerUnavailable, match="server busy .* nothing was saved"):
        submit(inputs(), tmp_path, client=client(server, retries=2))
    assert len(server.requests) == 3  # one read, tried three times: the run stopped there
    server.faults.clear()
    assert submit(inputs(), tmp_path, client=client(server)).ok
    assert server_summary(server) == EXPECTED
    assert_ledger_matches(server, tmp_path)


@pytest.mark.parametrize("fault", [
    Fault("lost", method="PATCH", path="/forms/caseData"),
    Fault("lost", method="PATCH", path="/forms/form300A"),
    Fault("lost", method="POST", path="/submissions"),
    Fault("delay", method="POST", path="/submissions", delay=0.5),
    Fault("500", method="POST", path="/submissions"),
], ids=lambda f: f"{f.kind}-{f.method}-{f.path}")
def test_faults_during_a_resubmission_leave_exactly_one_resubmission(tmp_path, server, fault):
    submit(inputs(), tmp_path, client=client(server))
    cases = case_rows()
    cases[1]["djtr_num_tr"] = 12
    rows = inputs().form300a.to_dict("records")
    rows[0]["total_djtr_days"] = 12
    server.inject(fault)
    result = submit(inputs(cases=cases, rows=rows), tmp_path, client=client(server),
                    change_reason="days corrected")
    assert fault.times == 0 and result.ok, result.table()
    north = [x for x in server.store.submissions.values() if x["establishment_id"] == "1001"]
    assert [x["change_reason"] for x in north] == [None, "days corrected"]
    assert server.store.cases["1004"]["djtr_num_tr"] == 12
    assert_ledger_matches(server, tmp_path)


def test_result_table_and_payload_table(tmp_path, server):
    result = submit(inputs(), tmp_path, client=client(server))
    table = result.table()
    assert list(table.columns) == ["establishment_name", "establishment_code", "status",
                                   "writes", "errors", "requests", "note"]
    north = table.iloc[0].to_dict()
    assert north["establishment_name"] == "North Plant" and north["establishment_code"] == "N1"
    assert north["status"] == "submitted" and north["errors"] == ""
    assert north["writes"] == ("create establishment; create form300A; create caseData "
                               "2 cases; complete submission")
    # (each count includes the case list read after Complete Submission to check its cases)
    assert north["requests"] == 12 and table.iloc[1]["requests"] == 9
    files = result.payload_table()
    assert list(files.columns) == ["folder", "file", "objects", "confidential", "path"]
    assert files[["folder", "file", "objects", "confidential"]].values.tolist() == [
        ["N1", "caseData.json", 2, True], ["N1", "establishment.json", 1, False],
        ["N1", "form300A.json", 1, False], ["S1", "establishment.json", 1, False],
        ["S1", "form300A.json", 1, False]]
    assert all(p.endswith(".json") and str(tmp_path) in p for p in files.path)


def test_client_for_modes_and_options(monkeypatch):
    from oshakit.errors import ITAError
    from oshakit.ita.submit import client_for

    monkeypatch.delenv("OSHAKIT_ITA_TOKEN", raising=False)
    monkeypatch.delenv("OSHAKIT_ITA_TOKEN_FILE", raising=False)
    assert client_for("dry-run") is None  # no token needed
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
    c = client_for("rehearsal", "http://127.0.0.1:9/oshaApi/v1", timeout=(1.0, 2.0), retries=1)
    assert (c.base_url, c.timeout, c.retries) == ("http://127.0.0.1:9/oshaApi/v1", (1.0, 2.0), 1)
    with pytest.raises(ITAError, match="mode must be one of dry-run, sandbox, live, rehearsal"):
        client_for("production")
    with pytest.raises(ITAError, match="needs the base URL"):
        client_for("rehearsal")


def test_only_the_300a_changed_is_edited_and_resubmitted(tmp_path, server):
    submit(inputs(), tmp_path, client=client(server))
    rows = inputs().form300a.to_dict("records")
    rows[0]["total_hours_worked"] = 250000
    before = len(server.requests)
    result = submit(inputs(rows=rows), tmp_path, client=client(server), change_reason="hours")
    assert [o.status for o in result.outcomes] == ["resubmitted", "unchanged"]
    writes = [r for r in server.requests[before:] if r[0] != "GET"]
    assert writes == [("PATCH", "/forms/form300A/1002"), ("POST", "/submissions")]
    assert server.store.form300a["1002"]["total_hours_worked"] == 250000
    assert server.store.form300a["1002"]["change_reason"] == "hours"  # the marker


def test_a_cases_only_change_writes_the_reason_into_the_300a_first(tmp_path, server):
    from oshakit.ita.ledger import Ledger

    submit(inputs(), tmp_path, client=client(server))
    cases = case_rows()
    cases[0]["nar_injury_illness"] = "Deep laceration"
    before = len(server.requests)
    submit(inputs(cases=cases), tmp_path, client=client(server), change_reason="narrative")
    writes = [r for r in server.requests[before:] if r[0] != "GET"]
    assert writes == [("PATCH", "/forms/form300A/1002"), ("PATCH", "/forms/caseData/1003"),
                      ("POST", "/submissions")]
    sent = [(e["object"], e["action"]) for e in Ledger(tmp_path).entries()
            if e["phase"] == "sent"][-3:]
    assert sent == [("form300A", "edit"), ("caseData", "edit"), ("submission", "complete")]


def test_bodies_refer_to_the_establishment_by_id_and_name(tmp_path, server):
    seen = {"case": [], "form": []}
    add_case, add_form = server.store.add_case, server.store.add_form300a
    server.store.add_case = lambda b: (seen["case"].append(b["establishment"]), add_case(b))[1]
    server.store.add_form300a = lambda b, fid=None: (seen["form"].append(b["establishment"]),
                                                     add_form(b, fid))[1]
    submit(inputs(), tmp_path, client=client(server))
    north = {"id": "1001", "establishment_name": "North Plant"}
    assert seen["case"] == [north, north]
    assert seen["form"] == [north, {"id": "1006", "establishment_name": "South Office"}]


def test_an_establishment_saved_but_not_shown_is_not_created_again(tmp_path, server):
    server._list_establishments = lambda p: (200, [], [])
    server._get_establishment = lambda p, eid: (404, [], [{"message": "not found"}])
    result = submit(inputs(), tmp_path, client=client(server))
    assert [o.status for o in result.outcomes] == ["failed", "failed"]
    assert "establishment North Plant was saved" in result.outcomes[0].errors[0]
    assert sum(r == ("POST", "/establishments") for r in server.requests) == 2  # one each
    assert server.store.duplicates == 0


def test_a_value_the_server_rewrites_on_edit_is_not_edited_again(tmp_path, server):
    submit(inputs(), tmp_path, client=client(server))
    edit = server.store.edit_establishment

    def upper(eid, body):
        res, errs = edit(eid, body)
        if res:
            server.store.establishments[eid]["address"]["street"] = "11 ELM ST"
        return res, errs

    server.store.edit_establishment = upper
    rows = inputs().form300a.to_dict("records")
    rows[1]["street_address"] = "11 Elm St"
    result = submit(inputs(rows=rows), tmp_path, client=client(server))
    assert [o.status for o in result.outcomes] == ["unchanged", "updated"]
    assert sum(r[0] == "PUT" for r in server.requests) == 1
    assert any("address.street differently" in w for w in result.outcomes[1].writes)


def test_a_300a_value_the_server_rewrites_is_not_edited_again(tmp_path, server):
    submit(inputs(), tmp_path, client=client(server))
    edit = server.store.edit_form300a

    def upper(fid, body):
        res, errs = edit(fid, body)
        if res:
            server.store.form300a[fid]["change_reason"] = "HOURS"
        return res, errs

    server.store.edit_form300a = upper
    server.inject(Fault("500", method="POST", path="/submissions"))  # a second round
    rows = inputs().form300a.to_dict("records")
    rows[0]["total_hours_worked"] = 250000
    result = submit(inputs(rows=rows), tmp_path, client=client(server), change_reason="hours")
    assert result.outcomes[0].status == "resubmitted", result.table()
    assert sum(r[0] == "PATCH" for r in server.requests) == 1


@pytest.mark.parametrize("out", ["same", "lost"])
def test_a_field_cleared_in_the_log_but_held_in_ita_stops_the_establishment(tmp_path, server,
                                                                            out):
    assert submit(inputs(), tmp_path, client=client(server)).ok
    cases = case_rows()
    cases[0]["time_of_incident"], cases[0]["time_unknown"] = None, 1  # time now unknown
    cases[1]["sex"] = None  # removed
    before = len(server.requests)
    result = submit(inputs(cases=cases), tmp_path if out == "same" else tmp_path / "lost",
                    client=client(server), change_reason="time of incident unknown")
    north = result.outcomes[0]
    assert not result.ok and north.status == "failed", result.table()
    message = north.errors[0]
    assert "case 2024-001: time_of_incident" in message and "case 2024-002: sex" in message
    assert "ITA web application" in message and "Nothing was sent" in message
    assert [r for r in server.requests[before:] if r[0] != "GET"] == []  # no PATCH that merges
    held = {c["case_number"]: c for c in server.store.cases.values()}
    assert held["2024-001"]["time_of_incident"] == "09:20" and held["2024-002"]["sex"] == "M"
    # once cleared in ITA (the web application), the same data goes through
    del server.store.cases["1003"]["time_of_incident"]
    del server.store.cases["1004"]["sex"]
    again = submit(inputs(cases=cases), tmp_path, client=client(server),
                   change_reason="time of incident unknown")
    assert again.ok and again.outcomes[0].status == "resubmitted", again.table()


def test_differences_count_a_dictionary_field_the_server_holds_and_the_kit_no_longer_sends():
    from oshakit.ita.payloads import case_body, cleared, differences

    row = {**case_rows()[0], "time_of_incident": None}
    desired = case_body(row)
    held = {**case_body(case_rows()[0]), "id": "1003", "links": {"self": "x"}}
    assert cleared(desired, held) == ["time_of_incident"]
    assert "time_of_incident" in differences(desired, held, fields=("time_of_incident",))
