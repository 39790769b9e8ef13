"""What each target holds per establishment for a year, according to the ledger."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oshakit.ita.ledger import Ledger

STATUS_COLUMNS = ["target", "establishment_name", "establishment_id", "form300A_id", "cases",
                  "submissions", "last_submitted", "state", "pending", "last_error"]


def status(out_dir: str | Path, year: int, target: str | None = None) -> pd.DataFrame:
    """One row per target and establishment the ledger under ``out_dir`` mentions for ``year``.

    ``state`` is ``submitted`` (the last completed submission matches what was sent since),
    ``changed since submission``, ``in progress`` (not submitted yet) or ``interrupted``
    (requests whose answer never came: the next run checks them with the server).
    """
    ledger = Ledger(out_dir)
    rows = []
    for t in ledger.targets():
        if target is not None and t != target:
            continue
        for name in ledger.establishments(t, year):
            st = ledger.state(t, year, name)
            if st.pending:
                state = "interrupted"
            elif not st.submissions:
                state = "in progress"
            else:
                state = "changed since submission" if st.dirty else "submitted"
            rows.append({
                "target": t, "establishment_name": name,
                "establishment_id": st.establishment_id, "form300A_id": st.form300a_id,
                "cases": len(st.cases), "submissions": len(st.submissions),
                "last_submitted": st.submissions[-1]["time"] if st.submissions else None,
                "state": state, "pending": len(st.pending), "last_error": st.last_error,
            })
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)
