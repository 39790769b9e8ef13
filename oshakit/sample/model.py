"""The sample world before it becomes files: establishments, people, cases, spans.

Everything is drawn from one ``numpy.random.Generator`` in a fixed order, in
vectorised blocks, so the same seed gives the same world at any scale. Dates
are whole days since 1970-01-01 (``int64``); span and follow-up dates are
offsets in days from the case's injury date.

Case categories (``cat``): ``death``, ``away``, ``restricted``, ``other`` are
recordable (columns G, H, I, J); ``nonrec`` (work-related, first aid only),
``nwr`` (not work-related), ``undet`` (work-relatedness undetermined) and
``nonosha`` (non-OSHA case types) are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oshakit.sample import catalog

RECORDABLE = ("death", "away", "restricted", "other")
CATEGORIES = ("death", "away", "restricted", "other", "nonrec", "nwr", "undet", "nonosha")
CAT_P = (0.0005, 0.14, 0.16, 0.22, 0.2895, 0.10, 0.03, 0.06)
CAT_P_ZERO_YEAR = (0, 0, 0, 0, 0.6, 0.25, 0.05, 0.10)
#: Non-case encounters per establishment-year at scale 1.
VISITS_PER_YEAR = 32
SCEN = pd.DataFrame(catalog.SCENARIOS)
SCEN_INDEX = {k: i for i, k in enumerate(SCEN["key"])}


def day(y: int, m: int = 1, d: int = 1) -> int:
    """Days since 1970-01-01."""
    return int(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype("int64"))


@dataclass
class World:
    years: tuple[int, ...]
    export_day: int  # the day the "export" was taken: later dates are unknown
    zero_year: tuple[int, int] | None  # (establishment index, year) with no recordable case
    est: pd.DataFrame
    employees: pd.DataFrame
    employment: pd.DataFrame
    cases: pd.DataFrame
    followups: pd.DataFrame  # case, k (1..), off
    spans: pd.DataFrame
    visits: pd.DataFrame  # encounters that open no case


def build(establishments: int, years: tuple[int, ...], seed: int, scale: float) -> World:
    rng = np.random.default_rng(seed)
    years = tuple(int(y) for y in years)
    est = _establishments(establishments)
    n_est = len(est)
    zero_year = (n_est - 1, years[0]) if n_est * len(years) > 1 else None
    employees = _employees(rng, est, years, scale)
    employment = _employment(rng, est, years, scale, zero_year)
    export_day = day(years[-1] + 1, 1, 15)
    cases, fu, spans = _bulk_cases(rng, est, employees, years, scale, zero_year)
    from oshakit.sample import specials

    sc, sfu, ssp = specials.build(est, employees, years, zero_year, SCEN_INDEX)
    sc["case"] = np.arange(len(cases), len(cases) + len(sc))
    cases["special"], sc["special"] = False, True
    cases["term_off"], cases["term_reason"] = -1, ""
    sfu["case"] = sfu["case"] + len(cases)
    ssp["case"] = ssp["case"] + len(cases)
    cases = pd.concat([cases, sc[cases.columns]], ignore_index=True)
    fu = pd.concat([fu, sfu], ignore_index=True)
    spans = pd.concat([spans, ssp[spans.columns]], ignore_index=True)
    cases, fu, spans = _as_exported(cases, fu, spans, export_day)
    visits = _visits(rng, est, employees, years, scale)
    cases, visits = _tidy_people(cases, visits, employees)
    employees = _terminations(employees, cases)
    return World(years, export_day, zero_year, est, employees, employment, cases, fu, spans,
                 visits)


# --- establishments, people, employment ------------------------------------------------


def _establishments(n: int) -> pd.DataFrame:
    if n < 1:
        raise ValueError("establishments must be at least 1")
    rows = []
    templates = catalog.ESTABLISHMENTS
    for i in range(n):
        t = dict(templates[i % len(templates)])
        rnd = i // len(templates)
        if rnd:  # more establishments than templates: unique names and codes
            t["name"] = f"{t['name']} #{rnd + 1}"
            t["ein"] = f"{(int(t['ein']) + 7919 * rnd) % 10**9:09d}"
        t["code"] = f"PLT{i + 1:02d}"
        t["staff"] = round(0.4 * t["avg_employees"])
        rows.append(t)
    return pd.DataFrame(rows)


def _employees(rng: np.random.Generator, est: pd.DataFrame, years: tuple[int, ...],
               scale: float) -> pd.DataFrame:
    sizes = np.maximum(12, np.round(est["staff"].to_numpy() * scale)).astype(int)
    n = int(sizes.sum())
    e = np.repeat(np.arange(len(est)), sizes)
    first_i = rng.integers(0, len(catalog.FIRST_NAMES), n)
    last_i = rng.integers(0, len(catalog.LAST_NAMES), n)
    firsts = np.array([f for _, f in catalog.FIRST_NAMES], dtype=object)
    sexes = np.array([s for s, _ in catalog.FIRST_NAMES], dtype=object)
    first = firsts[first_i]
    sex = sexes[first_i].copy()
    u = rng.random(n)
    sex[u < 0.015] = "U"
    sex[u < 0.004] = "X"
    last = np.array(catalog.LAST_NAMES, dtype=object)[last_i]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for j, (f, la, s) in enumerate(catalog.SHOWCASE_NAMES):
        if j < len(est):
            first[starts[j]], last[starts[j]], sex[starts[j]] = f, la, s
    birth = rng.integers(day(1958), day(years[0] - 19), n)
    hire_lo = np.maximum(birth + 18 * 365 + 5, day(1988))
    hire_hi = day(years[0]) - 1
    hire = hire_lo + (rng.random(n) * np.maximum(hire_hi - hire_lo, 1)).astype(np.int64)
    sector = est["sector"].to_numpy()[e]
    job = np.empty(n, dtype=object)
    for s, titles in catalog.JOB_TITLES.items():
        m = sector == s
        job[m] = np.array(titles, dtype=object)[rng.integers(0, len(titles), int(m.sum()))]
    street = (pd.Series(rng.integers(1, 9900, n)).astype(str) + " "
              + pd.Series(np.array(catalog.STREETS, dtype=object)[
                  rng.integers(0, len(catalog.STREETS), n)]).astype(str))
    town_pick = rng.integers(0, 1 << 30, n)
    city, state, zipc = (np.empty(n, dtype=object) for _ in range(3))
    for i, towns in enumerate(est["towns"]):
        m = e == i
        k = town_pick[m] % len(towns)
        t = np.array(towns, dtype=object)
        city[m], state[m], zipc[m] = t[k, 0], t[k, 1], t[k, 2]
    id_type = np.where(rng.random(n) < 0.9, "id:ext_id", "id:username")
    seq = pd.Series(np.arange(1, n + 1))
    pat_id = np.where(id_type == "id:ext_id", "E" + seq.astype(str).str.zfill(6),
                      "u" + (seq + 40000).astype(str))
    return pd.DataFrame({
        "est": e, "pat_id": pat_id, "pat_id_type": id_type, "first": first, "last": last,
        "birth": birth, "hire": hire, "sex": sex, "job": job, "street": street.to_numpy(),
        "city": city, "state": state, "zip": zipc,
    })


def _employment(rng: np.random.Generator, est: pd.DataFrame, years: tuple[int, ...],
                scale: float, zero_year: tuple[int, int] | None) -> pd.DataFrame:
    rows = []
    for i, avg0 in enumerate(est["avg_employees"]):
        for y in years:
            factor = 0.15 if (i, y) == zero_year else rng.uniform(0.92, 1.08)
            avg = max(30, round(avg0 * scale * factor))
            rows.append({
                "est": i, "year": y, "avg": avg,
                "hours": round(avg * rng.uniform(1850, 2100)),
                "peak": round(avg * (2.5 if (i, y) == zero_year else rng.uniform(1.05, 1.3))),
            })
    return pd.DataFrame(rows)


# --- cases ---------------------------------------------------------------------------


def _bulk_cases(rng, est, employees, years, scale, zero_year):
    """Random cases at realistic ratios: the case table, follow-ups and spans."""
    emp_est = employees["est"].to_numpy()
    emp_lo = np.searchsorted(emp_est, np.arange(len(est)))
    emp_n = np.bincount(emp_est, minlength=len(est))
    parts = []
    for i in range(len(est)):
        for y in years:
            zero = (i, y) == zero_year
            lam = est["base_cases"].iloc[i] * scale * (0.25 if zero else 1.0)
            n = int(rng.poisson(lam))
            ndays = day(y + 1) - day(y)
            parts.append(pd.DataFrame({
                "est": i, "year": y,
                "inc": day(y) + rng.integers(0, ndays, n),
                "cat": rng.choice(CATEGORIES, n, p=CAT_P_ZERO_YEAR if zero else CAT_P),
                "emp": emp_lo[i] + rng.integers(0, emp_n[i], n),
            }))
    c = pd.concat(parts, ignore_index=True)
    n = len(c)
    c["case"] = np.arange(n)
    sector = est["sector"].to_numpy()[c["est"].to_numpy()]
    scen = np.zeros(n, dtype=np.int64)
    for s in ("mfg", "hosp", "whse"):
        m = sector == s
        idx = np.flatnonzero(SCEN["sector"].to_numpy() == s)
        w = SCEN["weight"].to_numpy()[idx].astype(float)
        scen[m] = rng.choice(idx, int(m.sum()), p=w / w.sum())
    c["scen"] = scen
    itype = SCEN["itype"].to_numpy()[scen]
    cat = c["cat"].to_numpy().copy()
    cat[(itype == "H") & np.isin(cat, ("death", "away", "restricted"))] = "other"
    cat[(itype != "I") & (cat == "death")] = "away"
    c["cat"] = cat
    rec = np.isin(cat, RECORDABLE)
    u = rng.random((n, 12))  # one column per independent draw below
    c["tsec"] = np.where(u[:, 0] < 0.15, -1, rng.integers(5 * 60, 23 * 60 + 30, n) * 60)
    scen_priv = SCEN["privacy"].to_numpy()[scen] == 1
    c["privacy"] = scen_priv | ((itype != "I") & (u[:, 1] < 0.1))
    case_type = np.full(n, "Injury", dtype=object)
    nonosha = cat == "nonosha"
    case_type[nonosha] = rng.choice(["Injury NO", "Medical Surveillance", "Absence management"],
                                    int(nonosha.sum()), p=[0.6, 0.3, 0.1])
    c["case_type"] = case_type
    wr = np.full(n, "Yes", dtype=object)
    wr[cat == "nwr"] = "No"
    wr[cat == "undet"] = "Undetermined"
    wr[nonosha] = np.where(u[nonosha, 2] < 0.5, "N/A", "Yes")
    c["work_related"] = wr
    c["itype"] = np.where(rec | ((cat == "nonrec") & (u[:, 3] < 0.5)), itype, "")
    c["completed_off"] = np.where(rec, rng.integers(1, 15, n), -1)
    c["completed_sec"] = rng.integers(9 * 3600, 17 * 3600, n)
    c["died"] = cat == "death"
    c["death_off"] = np.where(cat == "death", rng.integers(0, 4, n), -1)
    c["facility_blank"] = u[:, 4] < 0.1
    c["legacy_away"] = np.where(u[:, 5] < 0.08, "-1", "")
    c["legacy_restr"] = c["legacy_away"]
    c["er"] = np.select(
        [cat == "death", cat == "away", rec], [True, u[:, 6] < 0.5, u[:, 6] < 0.15], False)
    c["hosp"] = (cat == "death") | ((cat == "away") & (u[:, 7] < 0.1))
    c["starttime"] = rng.choice(catalog.START_TIMES, n, p=catalog.START_TIME_WEIGHTS)
    c["multiline"] = np.where(u[:, 8] < 0.06,
                              rng.integers(0, len(catalog.NARRATIVE_SECOND_LINES), n), -1)
    c["no_casenum"] = u[:, 9] < 0.03
    c["status_created"] = (cat == "nonrec") & (u[:, 10] < 0.05)
    # follow-ups: recordable cases 1-3, others 0-1
    nfu = np.where(rec, rng.integers(1, 4, n), rng.integers(0, 2, n))
    nfu[cat == "death"] = 0
    gaps = rng.integers(3, 16, (n, 3))
    gaps[:, 0] = np.where(cat == "away", rng.integers(5, 31, n), gaps[:, 0])
    long_away = (cat == "away") & (u[:, 11] < 0.03)
    gaps[long_away, 0] = rng.integers(181, 300, int(long_away.sum()))
    F = np.zeros((n, 4), dtype=np.int64)
    F[:, 1:] = np.cumsum(gaps, axis=1)
    k = np.arange(4)
    fmask = (k[None, :] >= 1) & (k[None, :] <= nfu[:, None])
    ci, ki = np.nonzero(fmask)
    fu = pd.DataFrame({"case": ci, "k": ki, "off": F[ci, ki]})
    spans = _bulk_spans(rng, c, F, nfu)
    return c, fu, spans


SPAN_COLS = ("case", "table", "desc", "option", "weight", "start", "end", "slot", "state",
             "affect", "permanent", "link_cond", "comments", "est_end")


def _block(case, table, desc, start, end, slot, option="", weight="", state="1", affect="1",
           permanent="", link_cond=False, comments="") -> pd.DataFrame:
    case = np.asarray(case)
    d = {"case": case, "table": table, "desc": desc, "option": option, "weight": weight,
         "start": np.asarray(start, dtype=np.int64) if np.ndim(start) else start,
         "end": np.asarray(end, dtype=float) if np.ndim(end) else float(end),
         "slot": slot, "state": state, "affect": affect, "permanent": permanent,
         "link_cond": link_cond, "comments": comments, "est_end": np.nan}
    return pd.DataFrame(d, index=np.arange(len(case)))[list(SPAN_COLS)]


def _restriction_kind(rng, n):
    r = np.array(catalog.RESTRICTION_TYPES, dtype=object)[
        rng.integers(0, len(catalog.RESTRICTION_TYPES), n)]
    return r[:, 0], r[:, 1], r[:, 2]


def _bulk_spans(rng, c, F, nfu) -> pd.DataFrame:
    cat = c["cat"].to_numpy()
    cases = c["case"].to_numpy()
    n = len(c)
    u = rng.random((n, 8))
    blocks = []
    # --- days away: Lost Time at the first visit, then a restriction chain ------------
    away = np.flatnonzero(cat == "away")
    a_end = np.where(nfu[away] >= 1, F[away, 1] - 1, rng.integers(3, 21, len(away)))
    by_restr = u[away, 0] < 0.3
    ua = u[away, 1]
    accom_type = np.where(ua < 0.05, "Lost Time/ER LAT Approved",
                          np.where(ua < 0.1, "Lost Time", "Lost Time/Occ"))
    m = ~by_restr
    blocks.append(_block(cases[away[m]], "A", accom_type[m], 1, a_end[m], 0))
    blocks.append(_block(cases[away[by_restr]], "R", "Lost Time", 1, a_end[by_restr], 0,
                         option="Off work", link_cond=True))
    td = away[(nfu[away] >= 1) & (u[away, 2] < 0.6)]
    blocks.append(_block(cases[td], "A", "Transitional Duty", F[td, 1],
                         F[td, nfu[td]] + rng.integers(3, 15, len(td)), 1))
    # --- restriction chains: one restriction per visit -------------------------------
    chain_cases = np.flatnonzero((cat == "restricted") | ((cat == "away") & (nfu >= 1)))
    kmin = np.where(cat[chain_cases] == "away", 1, 0)
    reps = nfu[chain_cases] + 1 - kmin
    ci = np.repeat(chain_cases, reps)
    k = np.repeat(kmin, reps) + (np.arange(len(ci)) - np.repeat(np.cumsum(reps) - reps, reps))
    first_day = np.where(u[ci, 3] < 0.4, 0, 1)
    start = np.where(k == 0, first_day, F[ci, k])
    last = k == nfu[ci]
    end = np.where(last, F[ci, k] + rng.integers(3, 26, len(ci)),
                   F[ci, np.minimum(k + 1, 3)] - 1)
    desc, opt, wt = _restriction_kind(rng, len(ci))
    perm = last & (cat[ci] == "restricted") & (u[ci, 4] < 0.01)
    blocks.append(_block(cases[ci], "R", desc, start, np.where(perm, np.nan, end), k,
                         option=opt, weight=wt, permanent=np.where(perm, "1", ""),
                         link_cond=u[ci, 5] < 0.5))
    rs = np.flatnonzero(cat == "restricted")
    acc = rs[u[rs, 6] < 0.5]
    blocks.append(_block(cases[acc], "A",
                         rng.choice(["Transitional Duty", "Work Location", "TDP-Work Area"],
                                    len(acc), p=[0.5, 0.3, 0.2]),
                         1, F[acc, nfu[acc]] + rng.integers(1, 10, len(acc)), 0))
    ov = rs[u[rs, 7] < 0.15]
    d2, o2, w2 = _restriction_kind(rng, len(ov))
    blocks.append(_block(cases[ov], "R", d2, 1, rng.integers(5, 16, len(ov)), 0, option=o2,
                         weight=w2))
    # --- other recordable: restrictions that do not count -----------------------------
    oth = np.flatnonzero(cat == "other")
    v = rng.random(len(oth))
    aw0 = oth[v < 0.25]
    blocks.append(_block(cases[aw0], "R", "Splint", rng.integers(0, 2, len(aw0)),
                         rng.integers(3, 15, len(aw0)), 0, option="Must wear", affect="0"))
    inj_day = oth[(v >= 0.25) & (v < 0.35)]
    blocks.append(_block(cases[inj_day], "R", "Standing/Walking", 0, 0, 0,
                         option="Limit to", weight="Seated work only"))
    # --- death: days away before death (not counted) -----------------------------------
    de = np.flatnonzero((cat == "death") & (c["death_off"].to_numpy() >= 1))
    blocks.append(_block(cases[de], "A", "Lost Time/Occ", 1, c["death_off"].to_numpy()[de], 0))
    # --- not recordable ---------------------------------------------------------------
    nr = np.flatnonzero((cat == "nonrec") & (u[:, 0] < 0.15))
    blocks.append(_block(cases[nr], "R", "Eye Protection", 0, rng.integers(1, 8, len(nr)), 0,
                         option="Must wear", affect="0"))
    nw = np.flatnonzero((cat == "nwr") & (u[:, 0] < 0.5))
    blocks.append(_block(cases[nw], "A", "Lost Time/Non-Occ", 1,
                         rng.integers(3, 31, len(nw)), 0, comments="Personal medical leave"))
    spans = pd.concat(blocks, ignore_index=True)
    # restriction active blank sometimes (counts as active)
    w = rng.random(len(spans))
    spans.loc[(spans["table"] == "R").to_numpy() & (w < 0.1), "state"] = ""
    # deleted or revised earlier versions of some spans
    old = spans[w > 0.94].copy()
    old["state"] = np.where(rng.random(len(old)) < 0.5, "0", "2")
    old["end"] = old["end"] + rng.integers(3, 20, len(old))
    return pd.concat([spans, old], ignore_index=True).sort_values(
        ["case", "slot", "start"], kind="stable", ignore_index=True)


def _as_exported(cases, fu, spans, export_day):
    """Cut the world at the export day: later visits and span starts do not exist yet.

    An accommodation still running has a blank end date; a restriction keeps its
    planned (future) end date, also given as ``est_end_date``, because the input
    contract requires an end date on every restriction that is not permanent.
    Cases with a running span stay open.
    """
    inc = cases["inc"].to_numpy()
    fu = fu[(inc[fu["case"].to_numpy()] + fu["off"].to_numpy()) <= export_day]
    sp_inc = inc[spans["case"].to_numpy()]
    spans = spans[(sp_inc + spans["start"].to_numpy()) <= export_day].copy()
    running = (sp_inc[spans.index] + spans["end"].to_numpy()) > export_day
    is_r = (spans["table"] == "R").to_numpy()
    spans["est_end"] = np.where(running & is_r, spans["end"], spans["est_end"])
    spans.loc[running & ~is_r, "end"] = np.nan
    spans["running"] = running | spans["end"].isna().to_numpy()
    spans = spans.reset_index(drop=True)
    nfu = np.bincount(fu["case"].to_numpy(), minlength=len(cases))
    cases = cases.copy()
    cases["nfu"] = nfu
    open_case = np.zeros(len(cases), dtype=bool)
    live = spans["running"] & ~spans["state"].isin(["0", "2"]) & (spans["permanent"] != "1")
    open_case[spans.loc[live, "case"].to_numpy()] = True
    last_seen = inc + np.maximum(
        0, pd.Series(fu["off"].to_numpy()).groupby(fu["case"].to_numpy()).max()
        .reindex(range(len(cases)), fill_value=0).to_numpy())
    recent = last_seen > export_day - 45
    cases["status"] = np.where(open_case | recent, "1", "2")
    cases.loc[cases["status_created"].to_numpy(), "status"] = "0"
    cases["no_casenum"] = cases["no_casenum"].to_numpy() & (nfu == 0)
    cases["completed_off"] = np.where(
        cases["completed_off"].to_numpy() >= 0,
        np.minimum(cases["completed_off"].to_numpy(), np.maximum(export_day - inc, 0)), -1)
    return cases, fu.reset_index(drop=True), spans


def _colleague(employees: pd.DataFrame) -> np.ndarray:
    """For each employee, the next one of the same establishment (wrapping around)."""
    emp_est = employees["est"].to_numpy()
    lo = np.searchsorted(emp_est, emp_est, side="left")
    size = np.bincount(emp_est)[emp_est]
    return lo + (np.arange(len(employees)) - lo + 1) % size


def _tidy_people(cases: pd.DataFrame, visits: pd.DataFrame, employees: pd.DataFrame):
    """No employee has two cases opened on one day (the kit warns: one injury logged
    twice?); the other cases and visits of an employee who died go to a colleague, and so
    do those after the day an employee left the company (``term_off``)."""
    colleague = _colleague(employees)
    cases, visits = cases.copy(), visits.copy()
    dead = cases.loc[cases["died"], "emp"].to_numpy()
    for _ in range(5):  # a colleague may have died too, or have a case that day
        move = np.isin(cases["emp"].to_numpy(), dead) & ~cases["died"].to_numpy()
        move |= cases.duplicated(["emp", "inc"], keep="first").to_numpy()
        gone = _gone(cases)
        move |= (cases["inc"].to_numpy() > gone.reindex(cases["emp"].to_numpy())
                 .fillna(np.inf).to_numpy())
        if not move.any():
            break
        cases.loc[move, "emp"] = colleague[cases.loc[move, "emp"].to_numpy()]
    gone = _gone(cases)
    for _ in range(5):
        move = np.isin(visits["emp"].to_numpy(), dead)
        move |= (visits["date"].to_numpy() > gone.reindex(visits["emp"].to_numpy())
                 .fillna(np.inf).to_numpy())
        visits.loc[move, "emp"] = colleague[visits.loc[move, "emp"].to_numpy()]
    return cases, visits


def _gone(cases: pd.DataFrame) -> pd.Series:
    """Employee -> the day they left the company (from the cases that say so)."""
    left = cases[cases["term_off"].to_numpy() >= 0]
    return pd.Series((left["inc"] + left["term_off"]).to_numpy(dtype=float),
                     index=left["emp"].to_numpy()).groupby(level=0).min()


def _terminations(employees: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """``term`` (day, -1 for none) and ``term_reason`` of each employee."""
    gone = _gone(cases)
    left = cases[cases["term_off"].to_numpy() >= 0].drop_duplicates("emp")
    reason = pd.Series(left["term_reason"].to_numpy(), index=left["emp"].to_numpy())
    idx = np.arange(len(employees))
    return employees.assign(
        term=gone.reindex(idx).fillna(-1).to_numpy(dtype=np.int64),
        term_reason=reason.reindex(idx).fillna("").to_numpy(dtype=object),
    )


def _visits(rng, est, employees, years, scale) -> pd.DataFrame:
    emp_est = employees["est"].to_numpy()
    emp_lo = np.searchsorted(emp_est, np.arange(len(est)))
    emp_n = np.bincount(emp_est, minlength=len(est))
    parts = []
    for i in range(len(est)):
        for y in years:
            n = max(8, int(rng.poisson(VISITS_PER_YEAR * scale)))
            parts.append(pd.DataFrame({
                "emp": emp_lo[i] + rng.integers(0, emp_n[i], n),
                "date": day(y) + rng.integers(0, day(y + 1) - day(y), n),
                "sec": rng.integers(7 * 60, 17 * 60, n) * 60,
                "visit_type": rng.choice(catalog.VISIT_TYPES_OTHER, n),
            }))
    return pd.concat(parts, ignore_index=True)
