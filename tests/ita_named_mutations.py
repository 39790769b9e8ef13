# ruff: noqa: E501  (the mutations are lines of code, quoted as they are)
"""The mutations issue 12 names, each applied to a copy of the kit and run against the ITA
tests: every one must be killed. ``make mutation`` runs this before mutmut.

    .venv/bin/python tests/ita_named_mutations.py
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parents[1]
MUTATIONS = {
    "gender instead of sex (data dictionary list)": ("oshakit/ita/rules.py",
        '"date_of_hire", "sex", "treatment_facility_type",',
        '"date_of_hire", "gender", "treatment_facility_type",'),
    "gender instead of sex (case body)": ("oshakit/ita/payloads.py",
        '    body["case_number"] = _str(row.get("case_number"))',
        '    body["case_number"] = _str(row.get("case_number"))\n    if "sex" in body:\n        body["gender"] = body.pop("sex")'),
    "edit a case without its id": ("oshakit/ita/client.py",
        'return self.request("PATCH", f"/forms/caseData/{case_id}", {"id": str(case_id), **body})',
        'return self.request("PATCH", f"/forms/caseData/{case_id}", body)'),
    "ignore the case year (every listed case is this year's)": ("oshakit/ita/submit.py",
        "            if year != p.year:\n                continue  # another year's case",
        "            if False:\n                continue  # another year's case"),
    "trust year_filing_for over the incident date": ("oshakit/ita/client.py",
        '    year = incident_year(answer_field(case, "date_of_incident"))\n    if year is not None:\n        return year\n',
        ''),
    "re-POST a lost establishment blindly (client retries POST)": ("oshakit/ita/client.py",
        "                if not idempotent:\n                    raise UncertainWrite(method, path, cause) from None",
        "                if False:\n                    raise UncertainWrite(method, path, cause) from None"),
    "re-POST after a lost answer without asking (_missing never objects)": ("oshakit/ita/submit.py",
        '        if (obj, key) in self.saved or (obj, key) in self.refused_as_existing:',
        '        if False:'),
    "re-POST a lost 300A when its links are unknown": ("oshakit/ita/submit.py",
        "            if not s.form_links_known and (",
        "            if False and ("),
    "re-send the same writes after an uncertain write, no survey": ("oshakit/ita/submit.py",
        '            except UncertainWrite as exc:\n                self.outcome.writes.append(f"uncertain: {exc}; asking the server")',
        '            except UncertainWrite as exc:\n                self.outcome.writes.append(f"uncertain: {exc}; asking the server")\n                self._execute(actions, survey)'),
    "300A links read under the kit's one old name only": ("oshakit/ita/client.py",
        '    "form300A": ("form300A", "form300ALinks", "form300Alinks", "form300a_links",\n                 "form300ALink"),',
        '    "form300A": ("form300A",),'),
}
TESTS = ["tests/test_ita_submit.py", "tests/test_ita_years.py", "tests/test_ita_ledger_lost.py",
         "tests/test_ita_osha_documents.py", "tests/test_ita_client.py",
         "tests/test_ita_payloads.py", "tests/test_ita_gates.py"]


def main() -> int:
    survived = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for part in ("oshakit", "tests", "pyproject.toml"):
            src = HERE / part
            (shutil.copytree if src.is_dir() else shutil.copy)(src, root / part)
        env = {**os.environ, "PYTHONPATH": str(root)}  # the copy, not the editable install
        for name, (path, old, new) in MUTATIONS.items():
            f = root / path
            orig = f.read_text()
            assert orig.count(old) == 1, f"{name}: the code to mutate has changed"
            f.write_text(orig.replace(old, new))
            try:
                r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p",
                                    "no:cacheprovider", *TESTS], cwd=root, env=env,
                                   capture_output=True, text=True, timeout=1800)
            finally:
                f.write_text(orig)
            failed = [line for line in r.stdout.splitlines() if line.startswith("FAILED")]
            survived += r.returncode == 0
            print(f"{'killed  ' if r.returncode else 'SURVIVED'} {name}"
                  + (f"  <- {failed[0][7:]}" if failed else ""), flush=True)
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
