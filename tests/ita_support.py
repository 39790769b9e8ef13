"""Hand-made ITA frames and helpers shared by the tests of ``oshakit.ita``."""

from __future__ import annotations

import pandas as pd

from oshakit.ita.client import ITAClient
from oshakit.ita.export import CASE_DATA_COLUMNS, FORM300A_COLUMNS
from oshakit.ita.submit import ITAInputs
from oshakit.ita.token import Token

TOKEN = "s3cr3t-test-token-XYZ"
YEAR = 2024
#: What the server holds once :func:`inputs` is filed: per establishment, (establishments,
#: case numbers, submissions). South Office has fewer than 100 employees: no case data.
EXPECTED = {"North Plant": (1, ["2024-001", "2024-002"], 1), "South Office": (1, [], 1)}


class Killed(BaseException):
    """Stands for the process being killed: not an Exception, so nothing catches it."""


def killer(k: int, when: str) -> dict:
    """Client hooks that kill the run at the k-th request: just before it leaves (its ledger
    line says sent) or just after its answer came (before the ledger records it)."""
    seen = []

    def hook(*_args):
        seen.append(1)
        if len(seen) == k:
            raise Killed

    return {"before_request" if when == "before" else "after_request": hook}


def form300a_rows() -> list[dict]:
    """Two establishments: North Plant (120 employees, 2 cases), South Office (12, none)."""
    north = {
        "establishment_name": "North Plant", "ein": "123456789", "company_name": "Acme Inc",
        "street_address": "1 Mill Rd", "city": "Albany", "state": "NY", "zip": "12207",
        "naics_code": "332710", "industry_description": "Machine shops", "size": 22,
        "establishment_type": 1, "year_filing_for": YEAR, "annual_average_employees": 120,
        "total_hours_worked": 240000, "no_injuries_illnesses": 1, "total_deaths": 0,
        "total_dafw_cases": 1, "total_djtr_cases": 1, "total_other_cases": 0,
        "total_dafw_days": 5, "total_djtr_days": 10, "total_injuries": 2,
        "total_skin_disorders": 0, "total_respiratory_conditions": 0, "total_poisonings": 0,
        "total_hearing_loss": 0, "total_other_illnesses": 0, "change_reason": None,
    }
    south = {**north, "establishment_name": "South Office", "street_address": "9 Elm St",
             "size": 1, "annual_average_employees": 12, "total_hours_worked": 24000,
             "no_injuries_illnesses": 2, "total_dafw_cases": 0, "total_djtr_cases": 0,
             "total_dafw_days": 0, "total_djtr_days": 0, "total_injuries": 0}
    return [north, south]


def case_rows(year: int = YEAR, numbers: tuple[str, str] | None = None,
              text: str = "") -> list[dict]:
    """North Plant's two cases of ``year`` (numbers ``YEAR-001``, ``YEAR-002`` unless given;
    ``text`` is appended to the narratives to tell years apart)."""
    n1, n2 = numbers or (f"{year}-001", f"{year}-002")
    base = {
        "establishment_name": "North Plant", "year_of_filing": year, "job_title": "Machinist",
        "incident_location": "Press shop", "incident_description": "Cut on left hand",
        "type_of_incident": 1, "date_of_birth": "06/23/1980", "date_of_hire": "03/15/2015",
        "sex": "F", "treatment_facility_type": 0, "treatment_in_patient": 0,
        "time_started_work": "07:00", "time_of_incident": "09:20", "time_unknown": 0,
        "nar_before_incident": "Feeding stock into the press" + text,
        "nar_what_happened": "The blade guard slipped and the blade cut the hand",
        "nar_injury_illness": "Laceration to the left palm",
        "nar_object_substance": "Press blade", "date_of_death": None,
    }
    return [
        {**base, "case_number": n1, "date_of_incident": f"02/03/{year}",
         "incident_outcome": 2, "dafw_num_away": 5, "djtr_num_tr": 0},
        {**base, "case_number": n2, "date_of_incident": f"05/07/{year}",
         "incident_outcome": 3, "dafw_num_away": 0, "djtr_num_tr": 10, "sex": "M"},
    ]


def employees() -> pd.DataFrame:
    return pd.DataFrame({"employees.pat_id": ["1", "2"], "employees.first_name": ["Maria", "Tom"],
                         "employees.last_name": ["Kowalski", "Okafor"]})


def inputs(cases: list[dict] | None = None, rows: list[dict] | None = None,
           year: int = YEAR, **kw) -> ITAInputs:
    rows = rows if rows is not None else [{**r, "year_filing_for": year}
                                          for r in form300a_rows()]
    return ITAInputs(
        year=year,
        form300a=pd.DataFrame(rows, columns=FORM300A_COLUMNS),
        case_data=pd.DataFrame(cases if cases is not None else case_rows(year),
                               columns=CASE_DATA_COLUMNS),
        codes={"North Plant": "N1", "South Office": "S1"},
        employees=employees(),
        **kw,
    )


def client(server, **kw) -> ITAClient:
    """A client with tiny timeouts and no real waiting between tries."""
    opts = {"timeout": (1.0, 0.2), "backoff": 0.0, "retries": 3, "sleep": lambda s: None}
    return ITAClient(server.base_url, Token(TOKEN), **{**opts, **kw})


def canned(body: str, status: int = 200, ctype: str = "application/json"):
    """A loopback HTTP server answering every request with ``body`` (one of OSHA's samples)
    under ``/oshaApi/v1``; a context manager giving its base URL."""
    import contextlib
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = _answer

        def log_message(self, *args) -> None:
            pass

    @contextlib.contextmanager
    def run():
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True,
                                  kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}/oshaApi/v1"
        finally:
            httpd.shutdown()
            httpd.server_close()

    return run()


def year_summary(server) -> dict:
    """Per (establishment name, log year): sorted case numbers, and for each submission of
    that year the sorted case numbers it covers."""
    st = server.store
    out: dict = {}
    for eid, e in st.establishments.items():
        years = {c["_year"] for c in st.cases.values() if c["establishment_id"] == eid}
        years |= {int(f["year_filing_for"]) for f in st.form300a.values()
                  if f["establishment_id"] == eid}
        for y in years:
            cases = sorted(c["case_number"] for c in st.cases.values()
                           if c["establishment_id"] == eid and c["_year"] == y)
            subs = [sorted(st.cases[i]["case_number"] for i in s["case_ids"])
                    for s in st.submissions.values()
                    if s["establishment_id"] == eid and s["year_filing_for"] == str(y)]
            out[(e["establishment_name"], y)] = (cases, subs)
    return out


def server_summary(server) -> dict:
    """Per establishment name: (300A count, sorted case numbers, submission count)."""
    st = server.store
    out = {}
    for eid, e in st.establishments.items():
        out[e["establishment_name"]] = (
            sum(f["establishment_id"] == eid for f in st.form300a.values()),
            sorted(c["case_number"] for c in st.cases.values() if c["establishment_id"] == eid),
            sum(s["establishment_id"] == eid for s in st.submissions.values()),
        )
    return out


def handmade_cli(monkeypatch, make=None) -> None:
    """``oshakit ita submit`` files the hand-made ``make()`` (default :func:`inputs`) instead
    of a bundle's: no pipeline result, so no stamp of one either."""
    from oshakit.cli import ita as cli_ita
    from oshakit.ita import submit as submit_module

    monkeypatch.setattr(cli_ita, "compute", lambda args, filing: None)
    monkeypatch.setattr("oshakit.outputs.stamp", lambda folder, result: None)
    monkeypatch.setattr(submit_module, "inputs_from_result", lambda result: (make or inputs)())
