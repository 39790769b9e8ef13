"""Two years filed for the same establishments, case numbers restarting each year, against a
server answering in OSHA's shapes; cases taken off the log.

Which cases a submission covers is not settled by OSHA's documents: the seed says Complete
Submission marks "all the case data that has been submitted for the establishment". The fake
server does that by default (``submission_cases="establishment"``), and the kit then refuses to
call a second year's submission filed. The tests of two years filed side by side run the fake
with ``submission_cases="year"``: an assumption about OSHA's server, stated, not verified.
"""

from __future__ import annotations

import pytest
from ita_support import TOKEN, case_rows, client, handmade_cli, inputs, year_summary

from oshakit.ita.fake_server import FakeITAServer
from oshakit.ita.submit import submit

NUMBERS = ("1", "2")  # restarting each year, as many logs do


def year_inputs(year: int, **kw):
    return inputs(cases=case_rows(year, NUMBERS, text=f" ({year})"), year=year, **kw)


def texts(server, year: int) -> dict[str, str]:
    return {c["case_number"]: c["nar_before_incident"] for c in server.store.cases.values()
            if c["_year"] == year}


@pytest.mark.parametrize("reply", ["sample", "incident", "none"])
def test_two_years_leave_each_submission_with_exactly_that_years_cases(tmp_path, reply):
    with FakeITAServer(token=TOKEN, case_year_reply=reply, submission_cases="year") as server:
        first = submit(year_inputs(2023), tmp_path, client=client(server))
        assert first.ok, first.table()
        second = submit(year_inputs(2024), tmp_path, client=client(server))
        assert second.ok and [o.status for o in second.outcomes] == ["submitted"] * 2, \
            second.table()
        assert year_summary(server) == {
            ("North Plant", 2023): (["1", "2"], [["1", "2"]]),
            ("North Plant", 2024): (["1", "2"], [["1", "2"]]),
            ("South Office", 2023): ([], [[]]),
            ("South Office", 2024): ([], [[]]),
        }
        # 2023's cases were never edited with 2024's text, and the other way round
        assert set(texts(server, 2023).values()) == {"Feeding stock into the press (2023)"}
        assert set(texts(server, 2024).values()) == {"Feeding stock into the press (2024)"}
        assert server.store.duplicates == 0
        # each year again: nothing to send, with the ledger and without it
        before = len(server.requests)
        for year in (2023, 2024):
            for out in (tmp_path, tmp_path / f"lost-{year}"):
                again = submit(year_inputs(year), out, client=client(server))
                assert [o.status for o in again.outcomes] == ["unchanged"] * 2, again.table()
        assert all(m == "GET" for m, _ in server.requests[before:])


def test_a_change_to_one_year_never_touches_the_other(tmp_path):
    with FakeITAServer(token=TOKEN, submission_cases="year") as server:
        submit(year_inputs(2023), tmp_path, client=client(server))
        submit(year_inputs(2024), tmp_path / "other-ledger", client=client(server))
        cases = case_rows(2024, NUMBERS, text=" (2024, corrected)")
        before = len(server.requests)
        result = submit(inputs(cases=cases, year=2024), tmp_path, client=client(server),
                        change_reason="narratives corrected")
        assert result.ok, result.table()
        assert set(texts(server, 2023).values()) == {"Feeding stock into the press (2023)"}
        assert set(texts(server, 2024).values()) == {
            "Feeding stock into the press (2024, corrected)"}
        patched = {p for m, p in server.requests[before:] if m == "PATCH"}
        ids_2024 = {i for i, c in server.store.cases.items() if c["_year"] == 2024}
        assert {p.rsplit("/", 1)[-1] for p in patched if "caseData" in p} == ids_2024


def test_a_submission_covering_another_years_cases_is_not_called_submitted(tmp_path):
    # the seed's wording: a submission covers all the case data of the establishment
    with FakeITAServer(token=TOKEN) as server:
        first = submit(year_inputs(2023), tmp_path, client=client(server))
        assert first.ok, first.table()
        second = submit(year_inputs(2024), tmp_path, client=client(server))
        north, south = second.outcomes
        assert not second.ok and north.status == "failed", second.table()
        assert south.status == "submitted"  # no case of any year: nothing to mix up
        message = north.errors[0]
        ids_2023 = sorted(i for i, c in server.store.cases.items() if c["_year"] == 2023)
        assert all(f"of 2023 (id {i})" in message for i in ids_2023), message
        assert "1 of 2023" in message and "2 of 2023" in message
        assert "ITA web application" in message
        assert "submitted" not in {north.status} and "complete submission" in north.writes
        # the next run does not vouch for it: it reads, refuses again, and sends nothing
        for out in (tmp_path, tmp_path / "lost"):
            before = len(server.requests)
            again = submit(year_inputs(2024), out, client=client(server))
            assert again.outcomes[0].status == "failed", again.table()
            assert "of 2023" in again.outcomes[0].errors[0]
            assert all(m == "GET" for m, _ in server.requests[before:])


def test_a_submission_lacking_one_of_the_years_cases_is_not_called_submitted(tmp_path):
    with FakeITAServer(token=TOKEN) as server:
        original = server.store.submission_view

        def lacking(sid):
            view = original(sid)
            if "caseData" in view:
                view["caseData"] = view["caseData"][:1]
            return view

        server.store.submission_view = lacking
        result = submit(year_inputs(2024), tmp_path, client=client(server))
        north = result.outcomes[0]
        assert not result.ok and north.status == "failed", result.table()
        north_sub = next(s for s in server.store.submissions.values() if s["case_ids"])
        missing = north_sub["case_ids"][1]
        assert f"it lacks 2024 case(s) 2 of 2024 (id {missing})" in north.errors[0]


def test_a_case_taken_off_the_log_stops_its_establishment(tmp_path):
    with FakeITAServer(token=TOKEN) as server:
        submit(inputs(), tmp_path, client=client(server))
        before = len(server.requests)
        one_left = inputs(cases=case_rows()[:1])
        result = submit(one_left, tmp_path, client=client(server))
        north = result.outcomes[0]
        assert not result.ok and north.status == "failed"
        message = north.errors[0]
        assert "2024-002" in message and "no longer on the log" in message
        assert "cannot delete" in message and "ITA web application" in message
        assert "--keep-removed-cases" in message
        assert all(m == "GET" for m, _ in server.requests[before:])  # nothing sent for it
        kept = submit(one_left, tmp_path, client=client(server), keep_removed_cases=True,
                      change_reason="case 2024-002 was not recordable")
        assert kept.ok, kept.table()
        assert any("2024-002" in w and "acknowledged" in w for w in kept.outcomes[0].writes)


def test_the_cli_exits_1_on_a_removed_case_and_0_when_acknowledged(tmp_path, monkeypatch,
                                                                   capsys):
    from oshakit.cli import main

    with FakeITAServer(token=TOKEN) as server:
        monkeypatch.setenv("OSHAKIT_ITA_TOKEN", TOKEN)
        args = ["ita", "submit", "b", "--year", "2024", "--out", str(tmp_path),
                "--base-url", server.base_url]
        handmade_cli(monkeypatch)
        assert main(args) == 0
        handmade_cli(monkeypatch, lambda: inputs(cases=case_rows()[:1]))
        assert main(args) == 1
        assert "2024-002" in capsys.readouterr().out
        assert main([*args, "--keep-removed-cases", "--change-reason", "not recordable"]) == 0


def test_a_case_deleted_in_the_web_application_is_not_expected_in_the_resubmission(tmp_path):
    with FakeITAServer(token=TOKEN) as server:
        assert submit(inputs(), tmp_path, client=client(server)).ok
        gone = next(i for i, c in server.store.cases.items() if c["case_number"] == "2024-002")
        del server.store.cases[gone]  # deleted in ITA's web application, and off the log
        result = submit(inputs(cases=case_rows()[:1]), tmp_path, client=client(server),
                        change_reason="case 2024-002 deleted")
        assert result.ok and result.outcomes[0].status == "resubmitted", result.table()
