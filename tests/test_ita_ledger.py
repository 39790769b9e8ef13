"""The append-only ledger: what it records and what it folds into."""

from __future__ import annotations

from oshakit.ita.ledger import Ledger

T, Y, E = "http://127.0.0.1:1/oshaApi/v1", 2024, "North Plant"


def sent(ledger: Ledger, obj: str, key: str, action: str = "create", **kw) -> str:
    return ledger.sent(target=T, year=Y, establishment=E, obj=obj, key=key, action=action,
                       method="POST", endpoint="/x", payload_hash="h-" + key, **kw)


def test_outcomes_fold_into_what_the_server_holds(tmp_path):
    led = Ledger(tmp_path)
    led.outcome(sent(led, "establishment", E), "done", http_status=200, ids=["11"])
    led.outcome(sent(led, "form300A", E), "done", ids=["12"])
    batch = sent(led, "caseData", "2 cases")
    led.items(batch, [
        {"phase": "done", "key": "C1", "ids": ["13"], "errors": [], "payload_hash": "h1"},
        {"phase": "failed", "key": "C2", "ids": [], "errors": ["bad"], "payload_hash": "h2"},
    ], "failed", errors=["[1] bad"])
    st = led.state(T, Y, E)
    assert (st.establishment_id, st.form300a_id) == ("11", "12")
    assert st.cases == {"C1": ("13", "h1")}
    assert st.dirty and not st.pending and st.submissions == []
    led.outcome(sent(led, "submission", E, action="complete", fingerprint="F",
                     known_submissions=[]), "done", ids=["14"])
    st = led.state(T, Y, E)
    assert [s["id"] for s in st.submissions] == ["14"] and st.submitted_fingerprint == "F"
    assert not st.dirty


def test_a_send_without_outcome_or_with_an_uncertain_one_is_pending(tmp_path):
    led = Ledger(tmp_path)
    a = sent(led, "form300A", E)
    b = sent(led, "caseData", "1 cases")
    led.outcome(b, "uncertain", errors=["answer lost"])
    assert {e["entry"] for e in led.state(T, Y, E).pending} == {a, b}
    led.outcome(a, "checked")
    led.outcome(b, "checked")
    assert led.state(T, Y, E).pending == []


def test_state_is_per_target_year_and_establishment(tmp_path):
    led = Ledger(tmp_path)
    led.outcome(sent(led, "establishment", E), "done", ids=["11"])
    led.outcome(sent(led, "form300A", E), "done", ids=["12"])
    assert led.state(T, 2023, E).establishment_id == "11"  # one establishment across years
    assert led.state(T, 2023, E).form300a_id is None
    assert led.state("https://preview.osha.gov/oshaApi/v1", Y, E).establishment_id is None
    assert led.state(T, Y, "Other").establishment_id is None


def test_only_appends_and_survives_a_line_cut_by_a_kill(tmp_path):
    led = Ledger(tmp_path)
    led.outcome(sent(led, "establishment", E), "done", ids=["11"])
    size = led.path.stat().st_size
    with led.path.open("a") as f:
        f.write('{"phase": "sent", "target": ')  # killed mid-write
    fresh = Ledger(tmp_path)
    fresh.outcome(sent(fresh, "form300A", E), "done", ids=["12"])
    assert led.path.read_text().startswith(led.path.read_text()[:size])
    st = Ledger(tmp_path).state(T, Y, E)
    assert (st.establishment_id, st.form300a_id) == ("11", "12")
    assert len(list(Ledger(tmp_path).entries())) == 4


def test_ledger_holds_hashes_not_payloads(tmp_path):
    led = Ledger(tmp_path)
    led.outcome(sent(led, "caseData", "C1"), "done", ids=["1"])
    text = led.path.read_text()
    assert "payload_hash" in text and "nar_" not in text


def test_only_writes_that_may_have_changed_something_call_for_a_resubmission(tmp_path):
    led = Ledger(tmp_path)
    led.outcome(sent(led, "submission", E, action="complete", fingerprint="F"), "done",
                ids=["9"])
    refused = sent(led, "form300A", E, action="edit")
    led.outcome(refused, "failed", errors=["K must be at least H"])
    assert not led.state(T, Y, E).dirty  # the server refused it: nothing changed
    partial = sent(led, "caseData", "2 cases")
    led.items(partial, [
        {"phase": "done", "key": "C1", "ids": ["13"], "errors": [], "payload_hash": "h1"},
        {"phase": "failed", "key": "C2", "ids": [], "errors": ["bad"], "payload_hash": "h2"},
    ], "failed", errors=["[1] bad"])
    assert led.state(T, Y, E).dirty  # C1 was saved after the submission
    unknown = sent(led, "form300A", E, action="edit")
    led.outcome(unknown, "uncertain")
    st = led.state(T, Y, E)
    assert st.dirty and [e["entry"] for e in st.pending] == [unknown]
