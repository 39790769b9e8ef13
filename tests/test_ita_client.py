"""The ITA client against the rehearsal server: timeouts, retries, envelopes, the token."""

from __future__ import annotations

import logging
import re

import pytest
from ita_support import TOKEN, client

from oshakit.errors import ITAError
from oshakit.ita.client import (
    PRODUCTION_URL,
    SANDBOX_URL,
    ITAClient,
    Reply,
    TokenRejected,
    UncertainWrite,
    case_outcomes,
)
from oshakit.ita.fake_server import FakeITAServer, Fault
from oshakit.ita.token import Token, load_token

ESTABLISHMENT = {"establishment_name": "Depot", "company": {"company_name": "Acme"},
                 "address": {"street": "2 Dock St",
                 "city": "Troy", "state": "NY", "zip": "12180"},
                 "naics": {"naics_code": "493110"}, "size": 1, "establishment_type": 1}


@pytest.fixture
def server():
    with FakeITAServer(token=TOKEN) as s:
        yield s


def test_base_urls_are_osha_production_and_preview():
    assert PRODUCTION_URL == "https://www.osha.gov/oshaApi/v1"
    assert SANDBOX_URL == "https://preview.osha.gov/oshaApi/v1"


def test_reads_are_retried_through_drops_timeouts_and_5xx(server):
    server.inject(Fault("drop", method="GET"), Fault("delay", method="GET", delay=0.5),
                  Fault("500", method="GET"))
    c = client(server, retries=3)
    assert c.list_establishments() == []
    assert server.requests == [("GET", "/establishments")] * 4


def test_reads_give_up_after_the_retries(server):
    server.inject(Fault("drop", method="GET", times=5))
    with pytest.raises(ITAError, match="no answer after 3 tries"):
        client(server, retries=2).list_establishments()


def test_retry_after_is_honoured_for_429_and_503(server):
    waits: list[float] = []
    server.inject(Fault("429", method="POST", retry_after=7), Fault("503", method="POST",
                                                                    retry_after=3))
    reply = client(server, sleep=waits.append).create_establishment(ESTABLISHMENT)
    assert reply.ok and waits == [7.0, 3.0]
    assert len(server.store.establishments) == 1


def test_backoff_doubles_without_retry_after(server):
    waits: list[float] = []
    server.inject(Fault("500", method="GET", times=3))
    client(server, backoff=0.5, sleep=waits.append).list_establishments()
    assert waits == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("kind", ["drop", "lost", "500", "delay"])
def test_a_post_with_unknown_outcome_is_never_resent(server, kind):
    server.inject(Fault(kind, method="POST", delay=0.5))
    with pytest.raises(UncertainWrite) as exc:
        client(server).create_establishment(ESTABLISHMENT)
    cause = "timed out" if kind == "delay" else ("HTTP 500" if kind == "500"
                                                  else "connection lost")
    assert str(exc.value) == f"POST /establishments: outcome unknown ({cause})"
    assert [r for r in server.requests if r[0] == "POST"] == [("POST", "/establishments")]


def test_a_200_with_errors_saved_nothing(server):
    reply = client(server).create_establishment({**ESTABLISHMENT, "size": 7})
    assert reply.status == 200 and not reply.ok
    assert "size: size code '7' must be 1, 21, 22 or 3" in reply.error_text()
    assert server.store.establishments == {}


def test_html_403_means_a_bad_token(server):
    bad = ITAClient(server.base_url, Token("wrong"), timeout=(1, 1))
    with pytest.raises(TokenRejected, match="token is missing, invalid or expired"):
        bad.list_establishments()


def test_array_outcomes_are_per_object(server):
    c = client(server)
    est = c.create_establishment(ESTABLISHMENT).results[0]
    good = {"establishment": {"id": est["id"]}, "case_number": "A1",
            "job_title": "Clerk", "date_of_incident": "01/02/2024", "incident_location": "Dock",
            "incident_description": "Strain", "incident_outcome": 4, "type_of_incident": 1,
            "date_of_birth": "01/01/1990", "date_of_hire": "01/01/2020",
            "treatment_facility_type": 0, "treatment_in_patient": 0,
            "nar_before_incident": "Lifting", "nar_what_happened": "Twisted",
            "nar_injury_illness": "Back strain", "nar_object_substance": "Box"}
    bad = {**good, "case_number": "A2", "incident_outcome": 9}
    sent = [good, bad]
    reply = c.add_case_data(sent)
    outcomes = case_outcomes(reply, sent)
    assert [(o.case_number, o.ok) for o in outcomes] == [("A1", True), ("A2", False)]
    assert "incident_outcome" in outcomes[1].errors[0]
    assert [x["case_number"] for x in c.case_data_for_establishment(est["id"])] == ["A1"]


def test_case_outcomes_without_indexed_errors():
    reply = Reply("POST", "/forms/caseData", 200, False, [], ["server down for the test"])
    (o,) = case_outcomes(reply, [{"case_number": "X"}])
    assert not o.ok and o.errors == ["server down for the test"]


def test_token_never_logged(server, caplog):
    caplog.set_level(logging.DEBUG, logger="oshakit.ita")
    server.inject(Fault("drop", method="GET"))
    c = client(server)
    c.list_establishments()
    assert "Authorization" in caplog.text and TOKEN not in caplog.text
    assert TOKEN not in repr(c) and TOKEN not in repr(c._token) and TOKEN not in str(c._token)
    logging.getLogger("oshakit.ita").info("header was Bearer %s", TOKEN)
    logging.getLogger("oshakit.ita").warning("a careless message with %s in it", TOKEN)
    assert TOKEN not in caplog.text and "a careless message with *** in it" in caplog.text


def test_token_from_env_or_file(tmp_path):
    assert load_token({"OSHAKIT_ITA_TOKEN": " abc \n"}).reveal() == "abc"
    f = tmp_path / "token"
    f.write_text("from-file\n")
    assert load_token({"OSHAKIT_ITA_TOKEN_FILE": str(f)}).reveal() == "from-file"
    with pytest.raises(ITAError, match="OSHAKIT_ITA_TOKEN"):
        load_token({})
    with pytest.raises(ITAError, match="cannot read"):
        load_token({"OSHAKIT_ITA_TOKEN_FILE": str(tmp_path / "missing")})


# The spellings of OSHA's production API, and more: all production, never rehearsal.
PRODUCTION_SPELLINGS = [
    "https://www.osha.gov/oshaApi/v1",
    "https://WWW.OSHA.GOV/oshaApi/v1",
    "https://osha.gov/oshaApi/v1",
    "https://www.osha.gov:443/oshaApi/v1",
    "http://www.osha.gov/oshaApi/v1",
    "https://www.osha.gov/oshaAPI/v1",  # the seed's own spelling on two endpoints
    "https://www.osha.gov./oshaApi/v1",
    "https://user@www.osha.gov/oshaApi/v1",
    "HTTPS://Osha.Gov:8443/anything",
    "www.osha.gov/oshaApi/v1",
]


@pytest.mark.parametrize("url", PRODUCTION_SPELLINGS)
def test_every_spelling_of_production_is_production(url):
    from oshakit.ita.client import osha_host
    from oshakit.ita.submit import target_url

    assert osha_host(url) == "production"
    with pytest.raises(ITAError, match="needs --live"):
        target_url("rehearsal", url)


@pytest.mark.parametrize("url", ["https://preview.osha.gov/oshaApi/v1",
                                 "http://PREVIEW.osha.gov:443/oshaAPI/v1",
                                 "https://www.preview.osha.gov/oshaApi/v1"])
def test_the_preview_host_only_through_sandbox(url):
    from oshakit.ita.client import osha_host
    from oshakit.ita.submit import target_url

    assert osha_host(url) == "sandbox"
    with pytest.raises(ITAError, match="--sandbox"):
        target_url("rehearsal", url)
    assert target_url("sandbox") == SANDBOX_URL and target_url("live") == PRODUCTION_URL


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/oshaApi/v1",
                                 "https://notosha.gov/oshaApi/v1",
                                 "https://osha.gov.example.com/oshaApi/v1",
                                 "http://localhost:1/www.osha.gov"])
def test_other_hosts_are_rehearsals(url):
    from oshakit.ita.client import osha_host
    from oshakit.ita.submit import target_url

    assert osha_host(url) is None and target_url("rehearsal", url) == url


def test_an_answer_without_success_is_read_from_its_status_and_errors():
    from ita_support import canned

    with canned('{"results": [{"id": "7"}]}') as url:
        reply = ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})
        assert reply.ok and reply.ids == ["7"]
    with canned('{"results": "7", "success": true}') as url:
        from oshakit.ita.client import UnexpectedAnswer

        with pytest.raises(UnexpectedAnswer, match="unknown shape"):
            ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})


def test_a_case_is_edited_with_its_id_in_the_body(server):
    seen = []
    c = client(server)
    c.request = lambda method, path, body=None: seen.append((method, path, body))
    c.edit_case_data("55", {"job_title": "Welder"})
    assert seen == [("PATCH", "/forms/caseData/55", {"id": "55", "job_title": "Welder"})]


def test_retry_after_as_seconds_or_an_http_date():
    import email.utils
    import time

    from oshakit.ita.client import _retry_after

    assert _retry_after("7") == 7.0 and _retry_after("0") == 0.0 and _retry_after("-3") == 0.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= _retry_after(later) <= 30
    assert _retry_after(email.utils.formatdate(time.time() - 30, usegmt=True)) == 0.0


def test_error_texts_name_the_object_the_field_and_the_message():
    from oshakit.ita.client import _error_str

    assert _error_str({"index": 2, "field": "sex", "message": "bad"}) == "[2] sex: bad"
    assert _error_str({"field": "sex", "error": "bad"}) == "sex: bad"
    assert _error_str({"message": "bad"}) == "bad"
    assert _error_str("plain") == "plain"
    assert _error_str({"field": "sex"}) == "sex: {'field': 'sex'}"
    assert Reply("GET", "/x", 500, False, [], ["a", {"message": "b"}]).error_text() == "a; b"
    assert Reply("GET", "/x", 502, False).error_text() == "HTTP 502"
    assert str(UncertainWrite("POST", "/forms/caseData", "timed out")) == \
        "POST /forms/caseData: outcome unknown (timed out)"


def test_case_year_falls_back_to_a_year_the_answer_carries():
    from oshakit.ita.client import case_year

    assert case_year({"date_of_incident": "02-03-2024", "year_filing_for": "2025"}) == 2024
    assert case_year({"year_filing_for": "2023"}) == 2023
    assert case_year({"date_of_incident": "soon", "year_of_filing": 2021}) == 2021
    assert case_year({"date_of_incident": "", "year_filing_for": "x"}) is None
    assert case_year({}) is None


def test_links_and_ids_in_every_documented_form():
    from oshakit.ita.client import link_ids, link_list, record_id

    assert link_list("/oshaApi/v1/forms/form300A/5") == ["5"]
    assert link_list({"a": "/x/6", "b": "/x/7/"}) == ["6", "7"]
    assert link_list(["/x/{caseDataId}", None, "/x/8"]) == ["8"]  # placeholders are no ids
    assert link_ids({"links": {"form300ALinks": ["/x/1"]}}, "form300A") == ["1"]
    assert link_ids({"links": {"self": "/x"}}, "form300A") is None  # unknown, not "none"
    assert link_ids({"links": {"form300A": []}}, "form300A") == []
    assert record_id({"id": "  ", "links": {"self": "/x/7"}}) == "7"
    assert record_id({"id": 12}) == "12" and record_id({"links": {}}) is None


def test_case_outcomes_need_a_number_and_an_id():
    reply = Reply("POST", "/forms/caseData", 200, True, [{"id": "5"}, {"case_number": "B"}])
    a, b = case_outcomes(reply, [{"case_number": "None"}, {"case_number": "B"}])
    assert (a.id, a.unknown, b.id, b.unknown) == (None, True, None, True)


@pytest.mark.parametrize("answer,ok,ids,errors", [
    ('{"results": {"id": "7"}, "success": true}', True, ["7"], ""),   # one object, not a list
    ('{"success": true}', True, [], ""),                              # no results at all
    ('{"results": [], "success": false}', False, [], "HTTP 200"),     # refused, no reason
    ('{"results": [{"id": "7"}], "success": "true"}', True, ["7"], ""),
    ('{"results": [], "success": false, "errors": "bad"}', False, [], "bad"),
    ('{"errors": ["bad"]}', False, [], "bad"),                        # no success, errors
])
def test_envelopes_in_every_shape_the_documents_allow(answer, ok, ids, errors):
    from ita_support import canned

    with canned(answer) as url:
        reply = ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})
    assert (reply.ok, reply.ids) == (ok, ids)
    if not ok:
        assert reply.error_text() == errors


@pytest.mark.parametrize("answer,match", [
    ("<html>\nBad gateway</html>", "HTTP 200, not JSON: '<html> Bad gateway</html>'"),
    ('{"results": ["x"], "success": true}', "'results' in an unknown shape"),
    ('["x"]', "unexpected answer list"),
])
def test_answers_the_client_cannot_read_stop_it(answer, match):
    from ita_support import canned

    from oshakit.ita.client import UnexpectedAnswer

    with canned(answer) as url, pytest.raises(UnexpectedAnswer, match=re.escape(match)):
        ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})


def test_only_an_html_403_is_a_token_refusal():
    from ita_support import canned

    from oshakit.ita.client import UnexpectedAnswer

    refused = '{"results": [], "success": false, "errors": ["not your establishment"]}'
    with canned(refused, status=403) as url, \
            pytest.raises(ITAError, match="GET /submissions/1: not your establishment") as exc:
        ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).get_submission("1")
    assert not isinstance(exc.value, TokenRejected)  # a JSON 403 refuses this request only
    with canned(refused, status=403) as url:
        reply = ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})
        assert not reply.ok and reply.error_text() == "not your establishment"
    with canned("<html>Access Denied</html>", status=403, ctype="text/html") as url, \
            pytest.raises(TokenRejected):
        ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})
    with canned("<html>maintenance</html>", status=200, ctype="text/html") as url, \
            pytest.raises(UnexpectedAnswer, match="not JSON"):
        ITAClient(url, Token(TOKEN), timeout=(1, 1), retries=0).add_form300a({})
