"""Row accounting: every encounter and child row, and where it went.

A tidy table ``stage, kind, item, rows, establishment_code, year``. Invariants (tested):
rows read = rejected by the loader + rows in, per file; encounters in = the sum of their
roles; cases built = cases in other years (when a year
is chosen) + cases not on the log + cases on each establishment-year's log; child rows
in = attached to a case + attached to an encounter with no case + orphaned, per kind.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oshakit.cases.build import CHILD_LABELS, ROLE_LABELS, Built

COLUMNS = ["stage", "kind", "item", "rows", "establishment_code", "year"]


def account(built: Built, cases: pd.DataFrame, year: int | None,
            loaded: pd.DataFrame | None = None) -> pd.DataFrame:
    """``cases``: the reconciled case table of every year (with ``on_log``); ``loaded``:
    the bundle's own accounting (rows read and rejected per file), when there is one."""
    rows: list[dict] = []
    read = {}
    if loaded is not None and len(loaded):
        read = loaded.groupby("kind")[["rows_read", "rejected"]].sum().to_dict("index")

    def add(stage, kind, item, count, est=None, yr=None):
        rows.append({"stage": stage, "kind": kind, "item": item, "rows": int(count),
                     "establishment_code": est, "year": yr})

    def add_read(kind):
        if kind in read:
            add("input", kind, "rows read", read[kind]["rows_read"])
            add("input", kind, "rejected by the loader", read[kind]["rejected"])

    add_read("encounters")
    add("input", "encounters", "rows in", len(built.enc_role))
    roles = np.bincount(built.enc_role, minlength=len(ROLE_LABELS))
    for role, label in ROLE_LABELS.items():
        add("encounters", "encounters", label, roles[role])
    add("cases", "cases", "cases built", len(cases))
    chosen = np.ones(len(cases), bool) if year is None else cases["year"].to_numpy() == year
    if year is not None:
        add("cases", "cases", "cases of other years", (~chosen).sum())
    add("cases", "cases", "not on the log", (chosen & ~cases["on_log"].to_numpy(bool)).sum())
    log = cases[chosen & cases["on_log"].to_numpy(bool)]
    per = log.groupby(["establishment_code", "year"], sort=True).size()
    for (est, yr), count in per.items():
        add("log", "cases", "on the log", count, est, int(yr))
    for kind, frame in built.children.items():
        add_read(kind)
        add("input", kind, "rows in", len(frame))
        fates = np.bincount(frame["_fate"].to_numpy(), minlength=len(CHILD_LABELS))
        for fate, label in CHILD_LABELS.items():
            add("children", kind, label, fates[fate])
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["rows"] = out["rows"].astype("int64")
    out["establishment_code"] = out["establishment_code"].astype("str")
    out["year"] = out["year"].astype("Int64")
    return out
