"""The ledger lost at every step: the true state comes from the server's answers; answers in
shapes the client does not know stop the establishment instead of a blind re-POST."""

from __future__ import annotations

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

from oshakit.ita.client import TokenRejected
from oshakit.ita.fake_server import FakeITAServer, Fault
from oshakit.ita.ledger import LEDGER_FILE
from oshakit.ita.submit import submit


def _requests_of_a_run(run) -> int:
    with FakeITAServer(token=TOKEN) as s:
        c = client(s)
        run(s, c)
        return c.requests_sent


def _posts(server, path: str) -> int:
    return sum(1 for m, p in server.requests if m == "POST" and p == path)


@pytest.mark.parametrize("when", ["before", "after"])
def test_first_filing_killed_at_any_request_then_ledger_lost(tmp_path_factory, when):
    total = _requests_of_a_run(lambda s, c: submit(inputs(), tmp_path_factory.mktemp("n"),
                                                   client=c))
    for k in range(1, total + 1):
        out = tmp_path_factory.mktemp(f"lost{when}{k}-")
        with FakeITAServer(token=TOKEN) as s:
            with pytest.raises(Killed):
                submit(inputs(), out, client=client(s, **killer(k, when)))
            (out / LEDGER_FILE).unlink(missing_ok=True)
            result = submit(inputs(), out, client=client(s))
            assert result.ok, (k, result.table())
            assert server_summary(s) == EXPECTED, k
            assert s.store.duplicates == 0, k  # nothing was re-POSTed blindly
            assert (_posts(s, "/establishments"), _posts(s, "/forms/form300A"),
                    _posts(s, "/forms/caseData"), _posts(s, "/submissions")) == (2, 2, 1, 2), k


@pytest.mark.parametrize("when", ["before", "after"])
def test_resubmission_killed_at_any_request_then_ledger_lost(tmp_path_factory, when):
    cases = case_rows()
    cases[0]["nar_injury_illness"] = "Deep laceration to the left palm"

    def resubmission(s, c):
        out = tmp_path_factory.mktemp("r")
        submit(inputs(), out, client=client(s))
        c.requests_sent = 0
        submit(inputs(cases=cases), out, client=c, change_reason="narrative")

    total = _requests_of_a_run(resubmission)
    assert total >= 8
    for k in range(1, total + 1):
        out = tmp_path_factory.mktemp(f"relost{when}{k}-")
        with FakeITAServer(token=TOKEN) as s:
            submit(inputs(), out, client=client(s))
            with pytest.raises(Killed):
                submit(inputs(cases=cases), out, client=client(s, **killer(k, when)),
                       change_reason="narrative")
            (out / LEDGER_FILE).unlink()
            result = submit(inputs(cases=cases), out, client=client(s),
                            change_reason="narrative")
            assert result.ok, (k, result.table())
            north = [x for x in s.store.submissions.values() if x["establishment_id"] == "1001"]
            # the first submission and exactly one re-submission, covering the edited case
            assert [x["change_reason"] for x in north] == [None, "narrative"], k
            assert s.store.cases["1003"]["nar_injury_illness"] == cases[0]["nar_injury_illness"]
            assert north[-1]["form300A"]["change_reason"] == "narrative"
            assert s.store.duplicates == 0, k


def test_edited_but_not_resubmitted_is_found_without_the_ledger(tmp_path):
    """Killed right after the case edit, before the submission; the ledger is gone."""
    cases = case_rows()
    cases[1]["nar_what_happened"] = "The guard slipped; corrected wording"
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))

        def stop_before_submitting(method, path):
            if (method, path) == ("POST", "/submissions"):
                raise Killed

        with pytest.raises(Killed):
            submit(inputs(cases=cases), tmp_path, change_reason="wording",
                   client=client(s, before_request=stop_before_submitting))
        (tmp_path / LEDGER_FILE).unlink()
        no_reason = submit(inputs(cases=cases), tmp_path, client=client(s))
        assert no_reason.outcomes[0].status == "failed"  # not "unchanged": it needs a reason
        assert "change reason" in no_reason.outcomes[0].errors[0]
        before = len(s.requests)
        result = submit(inputs(cases=cases), tmp_path, client=client(s),
                        change_reason="wording")
        assert [o.status for o in result.outcomes] == ["resubmitted", "unchanged"]
        # the edits were made: only the submission is left to send
        assert [r for r in s.requests[before:] if r[0] != "GET"] == [("POST", "/submissions")]
        assert len([x for x in s.store.submissions.values()
                    if x["establishment_id"] == "1001"]) == 2


def test_the_same_change_reason_twice_is_refused(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        cases = case_rows()
        cases[0]["job_title"] = "Press operator"
        assert submit(inputs(cases=cases), tmp_path, client=client(s),
                      change_reason="titles").ok
        cases[1]["job_title"] = "Press operator"
        again = submit(inputs(cases=cases), tmp_path, client=client(s), change_reason="titles")
        assert "already the reason" in again.outcomes[0].errors[0]


def test_a_wrong_token_is_found_even_when_the_ledger_says_all_is_done(tmp_path):
    from oshakit.ita.client import ITAClient
    from oshakit.ita.token import Token

    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        before = len(s.requests)
        bad = ITAClient(s.base_url, Token("expired"), timeout=(1, 1), retries=0)
        with pytest.raises(TokenRejected):
            submit(inputs(), tmp_path, client=bad)
        assert s.requests[before:] == [("GET", "/establishments")]


@pytest.mark.parametrize("name", ["form300A", "form300ALinks", "form300Alinks",
                                  "form300a_links"])
def test_300a_links_under_any_documented_name(tmp_path, name):
    with FakeITAServer(token=TOKEN, link_names={"form300A": name}) as s:
        s.inject(Fault("lost", method="POST", path="/forms/form300A"))
        result = submit(inputs(), tmp_path / "a", client=client(s))
        assert result.ok and server_summary(s) == EXPECTED, result.table()
        assert _posts(s, "/forms/form300A") == 2 and s.store.duplicates == 0
        before = len(s.requests)
        lost = submit(inputs(), tmp_path / "b", client=client(s))  # ledger lost: not "changed"
        assert [o.status for o in lost.outcomes] == ["unchanged"] * 2, lost.table()
        assert all(m == "GET" for m, _ in s.requests[before:])


def test_an_unknown_link_name_stops_the_establishment_instead_of_reposting(tmp_path):
    with FakeITAServer(token=TOKEN, link_names={"form300A": "someOtherName"}) as s:
        s.inject(Fault("lost", method="POST", path="/forms/form300A"))
        result = submit(inputs(), tmp_path, client=client(s))
        north = result.outcomes[0]
        assert north.status == "failed" and "no name the kit knows" in north.errors[0]
        assert "ITA web application" in north.errors[0]
        assert _posts(s, "/forms/form300A") == 2  # North's one (lost) and South's; no retry
        assert s.store.duplicates == 0


def test_an_answer_without_ids_stops_instead_of_reposting(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        original = s.store.add_form300a

        def no_id(body, fid=None):
            res, errs = original(body, fid)
            return ({k: v for k, v in res.items() if k not in ("id", "links")}
                    if res else res), errs

        s.store.add_form300a = no_id
        result = submit(inputs(), tmp_path, client=client(s))
        assert [o.status for o in result.outcomes] == ["failed", "failed"]
        assert "names no id" in result.outcomes[0].errors[0]
        assert _posts(s, "/forms/form300A") == 2 and s.store.duplicates == 0
        s.store.add_form300a = original
        again = submit(inputs(), tmp_path, client=client(s))  # found by its links next time
        assert again.ok and server_summary(s) == EXPECTED, again.table()
        assert _posts(s, "/forms/form300A") == 2


def test_a_case_answer_without_ids_stops_instead_of_reposting(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        original = s.store.add_case
        s.store.add_case = lambda body: ((lambda r, e: ({**r, "id": None, "links": {}} if r
                                                        else r, e))
                                         (*original(body)))
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.outcomes[0].status == "failed"
        assert "names no id" in result.outcomes[0].errors[0]
        s.store.add_case = original
        again = submit(inputs(), tmp_path, client=client(s))
        assert again.ok and server_summary(s) == EXPECTED, again.table()
        assert _posts(s, "/forms/caseData") == 1 and s.store.duplicates == 0


def test_year_on_the_server_comes_from_the_incident_not_year_filing_for(tmp_path):
    # the server answers year_filing_for = incident year + 1 (OSHA's Add sample): a client
    # trusting it would not find its own 2024 cases and post them again
    with FakeITAServer(token=TOKEN, case_year_reply="sample") as s:
        submit(inputs(), tmp_path / "a", client=client(s))
        lost = submit(inputs(), tmp_path / "b", client=client(s))
        assert lost.ok and _posts(s, "/forms/caseData") == 1 and s.store.duplicates == 0
    assert YEAR == 2024


def test_a_case_added_after_the_submission_is_found_without_the_ledger(tmp_path):
    """ITA holds a case the year's last submission does not cover (added after it, never
    re-submitted): the year is not 'unchanged' even though every object matches."""
    with FakeITAServer(token=TOKEN) as s:
        cases = case_rows()
        submit(inputs(cases=cases[:1]), tmp_path, client=client(s))
        late = {**{k: v for k, v in cases[1].items()
                   if k not in ("establishment_name", "year_of_filing")},
                "establishment": {"id": "1001"}}
        from oshakit.ita.payloads import case_body

        s.store.add_case(case_body({**cases[1]}, "1001"))  # as if added in the web app
        assert late["case_number"] == "2024-002"
        lost = submit(inputs(cases=cases), tmp_path / "lost", client=client(s))
        assert lost.outcomes[0].status == "failed"
        assert "change reason" in lost.outcomes[0].errors[0]
        fixed = submit(inputs(cases=cases), tmp_path / "lost", client=client(s),
                       change_reason="late case")
        assert [o.status for o in fixed.outcomes] == ["resubmitted", "unchanged"]


def test_an_establishment_with_no_case_to_send_and_the_ledger_lost(tmp_path):
    rows = [{**r, "size": 22} for r in inputs().form300a.to_dict("records")]
    with FakeITAServer(token=TOKEN) as s:
        assert submit(inputs(rows=rows), tmp_path, client=client(s)).ok
        lost = submit(inputs(rows=rows), tmp_path / "lost", client=client(s))
        assert [o.status for o in lost.outcomes] == ["unchanged"] * 2, lost.table()


def test_a_submission_answer_without_its_300a_stops_the_establishment(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        view = s.store.submission_view
        s.store.submission_view = lambda sid: {k: v for k, v in view(sid).items()
                                               if k != "form300A"}
        lost = submit(inputs(), tmp_path / "lost", client=client(s))
        north = lost.outcomes[0]
        assert north.status == "failed" and "submission 1005 has no form300A" in north.errors[0]


def test_successive_resubmissions_with_different_reasons(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        cases = case_rows()
        for n, reason in enumerate(("first fix", "second fix")):
            cases[0]["job_title"] = f"Press operator {n}"
            result = submit(inputs(cases=cases), tmp_path, client=client(s),
                            change_reason=reason)
            assert result.outcomes[0].status == "resubmitted", result.table()
        north = [x["change_reason"] for x in s.store.submissions.values()
                 if x["establishment_id"] == "1001"]
        assert north == [None, "first fix", "second fix"]


def test_an_object_someone_else_created_meanwhile_is_used_not_duplicated(tmp_path):
    """Between the survey and the POST another user creates the establishment: ITA refuses
    the POST as existing; the kit reads the server again and carries on with it."""
    from oshakit.ita.payloads import establishment_body

    with FakeITAServer(token=TOKEN) as s:
        original = s.store.create_establishment
        row = inputs().form300a.to_dict("records")[0]

        def race(body, eid=None):
            if not s.store.name_taken(row["establishment_name"]):
                original(establishment_body(row))
            return original(body, eid)

        s.store.create_establishment = race
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.ok and server_summary(s) == EXPECTED, result.table()
        assert s.store.duplicates == 1  # the one refusal of the race; then the kit read


def test_a_case_someone_else_created_meanwhile_is_used_not_duplicated(tmp_path):
    from oshakit.ita.payloads import case_body

    with FakeITAServer(token=TOKEN) as s:
        original = s.store.add_case
        first = case_rows()[0]

        def race(body):
            if not any(c["case_number"] == first["case_number"]
                       for c in s.store.cases.values()):
                original(case_body(first, body["establishment"]["id"]))
            return original(body)

        s.store.add_case = race
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.ok and server_summary(s) == EXPECTED, result.table()
        from oshakit.ita.ledger import Ledger

        items = [(e["key"], e["phase"]) for e in Ledger(tmp_path).entries()
                 if e.get("object") == "caseData" and e["phase"] in ("done", "failed")
                 and e["key"].startswith("2024")]
        assert items[:2] == [("2024-001", "failed"), ("2024-002", "done")]


def test_the_ledger_records_each_case_of_a_batch(tmp_path):
    from oshakit.ita.ledger import Ledger
    from oshakit.ita.payloads import case_body, payload_hash

    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
    lines = [e for e in Ledger(tmp_path).entries() if e.get("object") == "caseData"]
    sent, *items, whole = [e for e in lines if e["phase"] != "found"]
    assert sent["phase"] == "sent" and sent["key"] == "2 cases"
    hashes = [payload_hash(case_body(r)) for r in case_rows()]
    assert [(e["key"], e["phase"], e["ids"], e["errors"], e["payload_hash"]) for e in items] == [
        ("2024-001", "done", ["1003"], [], hashes[0]),
        ("2024-002", "done", ["1004"], [], hashes[1])]
    assert (whole["phase"], whole["key"], whole["ref"]) == ("done", "2 cases", sent["entry"])


def test_cases_saved_without_ids_are_recorded_as_uncertain(tmp_path):
    from oshakit.ita.ledger import Ledger

    with FakeITAServer(token=TOKEN) as s:
        original = s.store.add_case
        s.store.add_case = lambda body: ((lambda r, e: ({**r, "id": None, "links": {}} if r
                                                        else r, e))(*original(body)))
        submit(inputs(), tmp_path, client=client(s))
    phases = [(e["key"], e["phase"]) for e in Ledger(tmp_path).entries()
              if e.get("object") == "caseData" and e["phase"] not in ("sent", "found")]
    assert phases == [("2024-001", "uncertain"), ("2024-002", "uncertain"),
                      ("2 cases", "uncertain")]
    assert Ledger(tmp_path).state(s.base_url, YEAR, "North Plant").pending


def test_a_case_the_server_calls_existing_but_does_not_show_stops_the_run(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        original = s.store.add_case

        def phantom(body):
            if body.get("case_number") == "2024-002":
                return None, [{"field": "case_number", "message": "case number 2024-002 "
                               "already exists for this establishment and year"}]
            return original(body)

        s.store.add_case = phantom
        result = submit(inputs(), tmp_path, client=client(s))
        north = result.outcomes[0]
        assert north.status == "failed" and "2024-002" in north.errors[0]
        assert _posts(s, "/forms/caseData") == 1  # asked once, never again


def test_a_case_saved_but_not_listed_is_not_posted_again(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        listing = s._get_cases_of

        def hide(p, eid):
            status, results, errors = listing(p, eid)
            return status, [c for c in results if c["case_number"] != "2024-002"], errors

        s._get_cases_of = hide
        s._get_case = lambda p, cid: (404, [], [{"message": f"{cid} not found"}])
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.outcomes[0].status == "failed"
        assert "saved (or said to exist)" in result.outcomes[0].errors[0]
        assert _posts(s, "/forms/caseData") == 1 and s.store.duplicates == 0


def test_a_value_the_server_rewrites_on_create_is_not_edited_back(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        original = s.store.add_case

        def upper(body):
            res, errs = original(body)
            if res:
                s.store.cases[res["id"]]["job_title"] = body["job_title"].upper()
            return res, errs

        s.store.add_case = upper
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.ok, result.table()
        assert not [r for r in s.requests if r[0] == "PATCH"]
        assert any("job_title differently" in w for w in result.outcomes[0].writes)


def test_run_submission_defaults_and_options(tmp_path, monkeypatch):
    from oshakit.ita.submit import run_submission

    dry = run_submission(inputs(), tmp_path / "dry")
    assert [o.status for o in dry.outcomes] == ["dry-run"] * 2
    assert not (tmp_path / "dry" / "confidential" / "payloads" / str(YEAR) / "S1"
                / "caseData.json").exists()
    assert (tmp_path / "dry" / "confidential" / "payloads" / str(YEAR) / "N1"
            / "caseData.json").exists()
    monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
    with FakeITAServer(token=TOKEN) as s:
        one = run_submission(inputs(), tmp_path / "n", mode="rehearsal", base_url=s.base_url,
                             establishments=["N1"], case_data_policy="none")
        assert [o.name for o in one.outcomes] == ["North Plant"]
        assert _posts(s, "/forms/caseData") == 0
        full = run_submission(inputs(), tmp_path / "n", mode="rehearsal", base_url=s.base_url,
                              establishments=["N1"])
        assert full.outcomes[0].status == "failed"  # cases added: needs a change reason
        ok = run_submission(inputs(), tmp_path / "n", mode="rehearsal", base_url=s.base_url,
                            establishments=["N1"], change_reason="case data added")
        assert ok.outcomes[0].status == "resubmitted"
        removed = run_submission(inputs(cases=case_rows()[:1]), tmp_path / "n",
                                 mode="rehearsal", base_url=s.base_url, establishments=["N1"],
                                 change_reason="one case removed")
        assert removed.outcomes[0].status == "failed"  # keep_removed_cases is off by default
        kept = run_submission(inputs(cases=case_rows()[:1]), tmp_path / "n",
                              mode="rehearsal", base_url=s.base_url, establishments=["N1"],
                              change_reason="one case removed", keep_removed_cases=True)
        # nothing in ITA needs to change: the case stays, acknowledged
        assert kept.outcomes[0].status == "unchanged"
        assert any("acknowledged" in w for w in kept.outcomes[0].writes)


def test_empty_tables_keep_their_columns(tmp_path):
    result = submit(inputs(rows=[]), tmp_path)
    assert list(result.table().columns) == ["establishment_name", "establishment_code",
                                            "status", "writes", "errors", "requests", "note"]
    assert list(result.payload_table().columns) == ["folder", "file", "objects",
                                                    "confidential", "path"]


def test_a_run_that_cannot_finish_in_its_rounds_fails_plainly(tmp_path, monkeypatch):
    from oshakit.ita import submit as submit_module

    monkeypatch.setattr(submit_module, "MAX_ROUNDS", 1)
    with FakeITAServer(token=TOKEN) as s:
        result = submit(inputs(), tmp_path, client=client(s))
    assert [o.status for o in result.outcomes] == ["failed", "failed"]
    assert result.outcomes[0].errors == ["still not complete after 1 rounds"]


def test_lost_answers_are_noted_and_the_found_submission_recorded(tmp_path):
    from oshakit.ita.ledger import Ledger

    with FakeITAServer(token=TOKEN) as s:
        s.inject(Fault("lost", method="POST", path="/submissions"))
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.ok
        assert any(w.startswith("uncertain: POST /submissions: outcome unknown")
                   for w in result.outcomes[0].writes)
        submit(inputs(), tmp_path / "lost", client=client(s))
    found = [e for e in Ledger(tmp_path / "lost").entries()
             if e["phase"] == "found" and e["object"] == "submission"]
    assert sorted({(e["key"], tuple(e["ids"])) for e in found}) == [
        ("North Plant", ("1005",)), ("South Office", ("1008",))]


def _listing(server, change):
    """Make Get Case Data by Establishment Id answer ``change(results)`` instead."""
    original = server._get_cases_of

    def answer(p, eid):
        status, results, errors = original(p, eid)
        return status, change([dict(r) for r in results]), errors

    server._get_cases_of = answer


def test_a_recorded_case_missing_from_the_list_is_asked_for_by_id(tmp_path):
    cases = case_rows()
    cases[1]["nar_what_happened"] = "Corrected wording"
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        _listing(s, lambda rs: [r for r in rs if r["case_number"] != "2024-002"])
        result = submit(inputs(cases=cases), tmp_path, client=client(s),
                        change_reason="wording")
        assert result.ok and s.store.duplicates == 0, result.table()
        assert ("GET", "/forms/caseData/1004") in s.requests
        assert s.store.cases["1004"]["nar_what_happened"] == "Corrected wording"


def test_a_recorded_id_that_now_names_another_case_is_not_used(tmp_path):
    # submissions cover only the year's cases here: under the seed's wording the kit would
    # (rightly) refuse the submission for covering the case moved to 2023
    with FakeITAServer(token=TOKEN, submission_cases="year") as s:
        submit(inputs(), tmp_path, client=client(s))
        _listing(s, lambda rs: [r for r in rs if r["case_number"] != "2024-002"])
        s.store.cases["1004"]["date_of_incident"] = "05/07/2023"  # moved to another year
        s.store.cases["1004"]["_year"] = 2023
        cases = case_rows()
        cases[0]["job_title"] = "Press operator"
        result = submit(inputs(cases=cases), tmp_path, client=client(s), change_reason="t")
        # 2024-002 is not 2024's any more: the kit creates 2024's case, never edits 2023's
        assert result.ok, result.table()
        assert s.store.cases["1004"]["date_of_incident"] == "05/07/2023"
        assert sorted(c["case_number"] for c in s.store.cases.values() if c["_year"] == 2024) \
            == ["2024-001", "2024-002"]


def test_ids_only_in_links_self_are_enough(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        _listing(s, lambda rs: [{k: v for k, v in r.items() if k != "id"} for r in rs])
        cases = case_rows()
        cases[0]["job_title"] = "Press operator"
        result = submit(inputs(cases=cases), tmp_path / "lost", client=client(s),
                        change_reason="title")
        assert result.ok and s.store.duplicates == 0, result.table()
        assert ("PATCH", "/forms/caseData/1003") in s.requests


def test_a_listed_case_without_id_stops_the_establishment(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        _listing(s, lambda rs: [{k: v for k, v in r.items() if k not in ("id", "links")}
                                for r in rs])
        result = submit(inputs(), tmp_path / "lost", client=client(s))
        assert result.outcomes[0].status == "failed"
        assert "without its case_number or id" in result.outcomes[0].errors[0]


def test_a_case_of_no_known_year_stops_only_when_its_number_is_ours(tmp_path):
    def undated(number):
        def change(rs):
            first = {**rs[0], "case_number": number, "id": "77"}
            first.pop("date_of_incident")
            return [first, *rs]
        return change

    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path, client=client(s))
        _listing(s, undated("2024-001"))
        ours = submit(inputs(), tmp_path / "a", client=client(s))
        assert ours.outcomes[0].status == "failed"
        assert "2024-001 with no usable date_of_incident or year" in ours.outcomes[0].errors[0]
    with FakeITAServer(token=TOKEN) as s:
        submit(inputs(), tmp_path / "b", client=client(s))
        _listing(s, undated("OLD-7"))
        other = submit(inputs(), tmp_path / "c", client=client(s))
        assert [o.status for o in other.outcomes] == ["unchanged"] * 2, other.table()
        assert any("OLD-7 of no known year (not touched)" in w
                   for w in other.outcomes[0].writes)
        assert s.store.duplicates == 0


def test_unknown_300a_links_do_not_keep_other_lost_answers_open(tmp_path):
    from oshakit.ita.ledger import Ledger

    with FakeITAServer(token=TOKEN, link_names={"form300A": "someOtherName"}) as s:
        s.inject(Fault("lost", method="POST", path="/forms/caseData"))
        result = submit(inputs(), tmp_path, client=client(s))
        assert result.ok and server_summary(s) == EXPECTED, result.table()
        for name in ("North Plant", "South Office"):
            assert not Ledger(tmp_path).state(s.base_url, YEAR, name).pending


def test_a_300a_saved_but_not_shown_is_not_created_again(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        s._get_form300a = lambda p, fid: (404, [], [{"message": "not found"}])
        result = submit(inputs(), tmp_path, client=client(s))
        assert [o.status for o in result.outcomes] == ["failed", "failed"]
        assert "form300A North Plant was saved" in result.outcomes[0].errors[0]
        assert _posts(s, "/forms/form300A") == 2 and s.store.duplicates == 0


def test_unknown_submission_links(tmp_path):
    with FakeITAServer(token=TOKEN, link_names={"submissions": "someOtherName"}) as s:
        first = submit(inputs(), tmp_path / "a", client=client(s))  # nothing lost: fine
        assert first.ok and server_summary(s) == EXPECTED, first.table()
    with FakeITAServer(token=TOKEN, link_names={"submissions": "someOtherName"}) as s:
        s.inject(Fault("lost", method="POST", path="/submissions"))
        lost = submit(inputs(), tmp_path / "b", client=client(s))
        north = lost.outcomes[0]
        assert north.status == "failed" and "submissions under no name" in north.errors[0]
        assert _posts(s, "/submissions") == 2  # North's lost one and South's: no second try


def test_a_lost_submission_answer_is_closed_as_done_with_its_id(tmp_path):
    from oshakit.ita.ledger import Ledger

    with FakeITAServer(token=TOKEN) as s:
        s.inject(Fault("lost", method="POST", path="/submissions"))
        assert submit(inputs(), tmp_path, client=client(s)).ok
    lines = [e for e in Ledger(tmp_path).entries() if e.get("object") == "submission"
             and e["establishment"] == "North Plant"]
    sent = next(e for e in lines if e["phase"] == "sent")
    closing = [(e["phase"], e["ids"]) for e in lines if e.get("ref") == sent["entry"]]
    assert closing == [("uncertain", []), ("done", ["1005"])]


def _closing(out, obj):
    from oshakit.ita.ledger import Ledger

    lines = [e for e in Ledger(out).entries() if e.get("object") == obj]
    sent = [e for e in lines if e["phase"] == "sent"][-1]
    return [(e["phase"], e["errors"]) for e in lines if e.get("ref") == sent["entry"]]


def test_a_busy_server_during_a_write_is_recorded_and_the_next_run_finishes(tmp_path):
    from oshakit.ita.client import ServerUnavailable

    with FakeITAServer(token=TOKEN) as s:
        s.inject(Fault("503", method="POST", path="/forms/form300A", times=10))
        with pytest.raises(ServerUnavailable):
            submit(inputs(), tmp_path, client=client(s, retries=1))
        ((phase, errors),) = _closing(tmp_path, "form300A")
        assert phase == "failed" and "server busy (HTTP 503)" in errors[0]  # POST: not saved
        s.faults.clear()
        assert submit(inputs(), tmp_path, client=client(s)).ok
        cases = case_rows()
        cases[0]["job_title"] = "Press operator"
        s.inject(Fault("503", method="PATCH", times=10))
        with pytest.raises(ServerUnavailable):
            submit(inputs(cases=cases), tmp_path, client=client(s, retries=1),
                   change_reason="title")
        ((phase, errors),) = _closing(tmp_path, "form300A")
        assert phase == "uncertain"  # an edit may have been saved: asked next time
        s.faults.clear()
        assert submit(inputs(cases=cases), tmp_path, client=client(s),
                      change_reason="title").ok
        assert server_summary(s) == {**EXPECTED, "North Plant": (1, ["2024-001", "2024-002"], 2)}
        assert s.store.duplicates == 0


def test_an_unreadable_answer_to_a_write_is_recorded_as_uncertain(tmp_path):
    from oshakit.ita.client import UnexpectedAnswer

    with FakeITAServer(token=TOKEN) as s:
        c = client(s)

        def unreadable(body):
            raise UnexpectedAnswer("POST /forms/form300A: HTTP 200, not JSON: '<html>'")

        c.add_form300a = unreadable
        result = submit(inputs(), tmp_path, client=c)
        assert "not JSON" in result.outcomes[0].errors[0]
        assert _closing(tmp_path, "form300A") == [
            ("uncertain", ["POST /forms/form300A: HTTP 200, not JSON: '<html>'"])]


def test_a_token_refused_during_a_write_stops_the_run_and_is_recorded(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        c = client(s)

        def refused(body):
            raise TokenRejected("the token expired")

        c.add_case_data = refused
        with pytest.raises(TokenRejected):
            submit(inputs(), tmp_path, client=c)
        assert _closing(tmp_path, "caseData") == [("failed", ["the token expired"])]


def _writes(server, since: int) -> list[tuple[str, str]]:
    return [r for r in server.requests[since:] if r[0] != "GET"]


@pytest.mark.parametrize("reason", [None, "per the message"])
def test_unreadable_submission_links_never_submit_an_establishment_that_existed(tmp_path,
                                                                                reason):
    with FakeITAServer(token=TOKEN, link_names={"submissions": "someOtherName"}) as s:
        assert submit(inputs(), tmp_path / "a", client=client(s)).ok
        before = len(s.requests)
        lost = submit(inputs(), tmp_path / "b", client=client(s), change_reason=reason)
        for o in lost.outcomes:  # the ledger is lost: is the year submitted? ITA can't say
            assert o.status == "failed" and "submissions under no name" in o.errors[0], \
                lost.table()
        assert _writes(s, before) == []  # not even a POST the server would refuse
        assert server_summary(s) == EXPECTED


def test_unreadable_300a_links_find_the_300a_through_the_submission(tmp_path):
    rows = inputs().form300a.to_dict("records")
    rows[0]["total_hours_worked"] = 250000
    with FakeITAServer(token=TOKEN, link_names={"form300A": "someOtherName"}) as s:
        assert submit(inputs(), tmp_path / "a", client=client(s)).ok
        before = len(s.requests)
        again = submit(inputs(rows=rows), tmp_path / "b", client=client(s),
                       change_reason="hours corrected")
        assert [o.status for o in again.outcomes] == ["resubmitted", "unchanged"], again.table()
        assert _writes(s, before) == [("PATCH", "/forms/form300A/1002"),
                                      ("POST", "/submissions")]
        assert _posts(s, "/forms/form300A") == 2


def test_unreadable_links_without_a_submission_never_create_a_second_300a(tmp_path):
    with FakeITAServer(token=TOKEN, link_names={"form300A": "someOtherName",
                                                "submissions": "someOtherName"}) as s:
        s.inject(Fault("lost", method="POST", path="/submissions", times=2))
        submit(inputs(), tmp_path / "a", client=client(s))
        forms = _posts(s, "/forms/form300A")
        before = len(s.requests)
        lost = submit(inputs(), tmp_path / "b", client=client(s), change_reason="again")
        assert all(o.status == "failed" for o in lost.outcomes), lost.table()
        assert "300As under no name" in lost.outcomes[0].errors[0]
        assert _writes(s, before) == [] and _posts(s, "/forms/form300A") == forms


def test_a_404_on_the_case_list_of_an_establishment_just_read_stops_it(tmp_path):
    with FakeITAServer(token=TOKEN) as s:
        assert submit(inputs(), tmp_path / "a", client=client(s)).ok
        s._get_cases_of = lambda p, eid: (404, [], [{"message": "not found"}])
        before = len(s.requests)
        result = submit(inputs(), tmp_path / "b", client=client(s),
                        change_reason="per the message")
        north = result.outcomes[0]
        assert north.status == "failed" and "HTTP 404" in north.errors[0], result.table()
        assert "no cases" in north.errors[0]
        assert _writes(s, before) == []  # no case POSTed again, no re-submission
        assert server_summary(s) == EXPECTED
