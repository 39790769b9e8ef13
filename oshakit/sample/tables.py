"""Turn the sample world into the eight canonical files, as frames of text.

Every cell is a ``str`` ("" for blank) so that writing is a plain
``DataFrame.to_csv`` and the bytes depend on nothing but the world. Column
names and order come from :data:`oshakit.schema.KINDS`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oshakit.sample import catalog
from oshakit.sample.model import SCEN, World
from oshakit.schema import KINDS

DAY = 86400
#: Hidden column of the encounters text frame: the world's case id (-1 for none).
CASE = "_case"


def date_str(days: np.ndarray, blank: np.ndarray | None = None) -> np.ndarray:
    """``YYYY-MM-DD`` for whole days since the epoch; "" where ``blank``."""
    days = np.asarray(days)
    out = np.datetime_as_string(np.nan_to_num(days).astype("int64").astype("datetime64[D]"))
    out = out.astype(object)
    if blank is not None:
        out[blank] = ""
    return out


def datetime_str(secs: np.ndarray, blank: np.ndarray | None = None) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` (MIE standard) for seconds since the epoch."""
    s = np.datetime_as_string(np.asarray(secs, dtype="int64").astype("datetime64[s]"), unit="s")
    s = np.ascontiguousarray(s)
    v = s.view(np.uint32).reshape(len(s), -1)
    v[:, 10] = ord(" ")
    out = v.view(s.dtype).ravel().astype(object)
    if blank is not None:
        out[blank] = ""
    return out


def flag(x: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(x, dtype=bool), "1", "0").astype(object)


def ids(prefix: str, n: int, width: int = 7) -> np.ndarray:
    """``prefix`` + 1..n zero-padded to ``width`` digits (more when n needs them)."""
    width = max(width, len(str(n)))
    chars = np.empty((n, len(prefix) + width), dtype=np.uint32)
    chars[:, : len(prefix)] = [ord(ch) for ch in prefix]
    num = np.arange(1, n + 1, dtype=np.int64)
    for i in range(width):
        chars[:, len(prefix) + width - 1 - i] = ord("0") + (num // 10**i) % 10
    return chars.view(f"<U{chars.shape[1]}").ravel().astype(object)


def frame(kind: str, data: dict[str, object], n: int) -> pd.DataFrame:
    """A text frame with the kind's canonical columns, in order; missing columns blank."""
    cols = {}
    for name in KINDS[kind].column_names:
        v = data.get(name, "")
        cols[name] = np.full(n, v, dtype=object) if np.ndim(v) == 0 else np.asarray(v, object)
    return pd.DataFrame(cols)


def tables(w: World, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Kind name -> text frame, for all eight kinds."""
    out: dict[str, pd.DataFrame] = {}
    enc, enc_key = _encounters(w, rng)
    out["encounters"] = enc
    out["conditions"], cond_of_case = _conditions(w, enc, enc_key, rng)
    out["restrictions"], out["accommodations"] = _spans(w, enc_key, cond_of_case)
    out["nibp"] = _nibp(w, enc_key, rng)
    out["employees"] = _employees(w)
    out["establishments"] = _establishments(w)
    out["employment"] = _employment(w)
    return out


def _enc_lookup(enc_key: pd.Series, case: np.ndarray, k: np.ndarray) -> np.ndarray:
    return enc_key.reindex(np.asarray(case, dtype=np.int64) * 8
                           + np.asarray(k, dtype=np.int64)).to_numpy(dtype=object)


def _encounters(w: World, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.Series]:
    c, fu, v, emp = w.cases, w.followups, w.visits, w.employees
    nc, nf, nv = len(c), len(fu), len(v)
    inc = c["inc"].to_numpy()
    tsec = c["tsec"].to_numpy()
    known = tsec >= 0
    open_sec = inc * DAY + np.where(
        known, np.minimum(tsec + rng.integers(1800, 10800, nc), DAY - 60),
        rng.integers(10 * 3600, 16 * 3600, nc))
    fcase = fu["case"].to_numpy()
    fu_sec = (inc[fcase] + fu["off"].to_numpy()) * DAY + rng.integers(8 * 3600, 17 * 3600, nf)
    serv = np.concatenate([open_sec, fu_sec, v["date"].to_numpy() * DAY + v["sec"].to_numpy()])
    src = np.concatenate([np.zeros(nc, int), np.ones(nf, int), np.full(nv, 2)])
    case = np.concatenate([c["case"].to_numpy(), fcase, np.full(nv, -1)])
    k = np.concatenate([np.zeros(nc, int), fu["k"].to_numpy(), np.zeros(nv, int)])
    who = np.concatenate([c["emp"].to_numpy(), c["emp"].to_numpy()[fcase], v["emp"].to_numpy()])
    order = np.lexsort((np.arange(len(serv)), k, case, src, serv))
    serv, src, case, k, who = serv[order], src[order], case[order], k[order], who[order]
    n = len(serv)
    ext = ids("ENC", n)
    is_case = src < 2
    enc_key = pd.Series(ext[is_case], index=case[is_case] * 8 + k[is_case])

    opening = src == 0
    ci = case[opening]  # case ids of the opening rows, in file order
    cc = c.iloc[ci]
    sc = SCEN.iloc[cc["scen"].to_numpy()]
    est = w.est.iloc[cc["est"].to_numpy()]
    cat = cc["cat"].to_numpy()
    rec = np.isin(cat, ("death", "away", "restricted", "other"))
    m = len(ci)
    cinc, ctsec = inc[ci], tsec[ci]
    cknown = ctsec >= 0
    u = rng.random((m, 6))

    # case numbers: YYYY-PLTnn-NNNN, numbered by establishment-year in order of injury
    by = pd.DataFrame({"est": cc["est"].to_numpy(), "year": cc["year"].to_numpy(),
                       "inc": cinc, "case": ci})
    seq = by.sort_values(["est", "year", "inc", "case"]).groupby(["est", "year"]).cumcount() + 1
    seq = seq.reindex(by.index).to_numpy()
    width = max(4, len(str(int(seq.max()) if m else 0)))
    casenum = (by["year"].astype(str) + "-" + est["code"].to_numpy() + "-"
               + pd.Series(seq).astype(str).str.zfill(width)).to_numpy(dtype=object)
    casenum[cc["no_casenum"].to_numpy()] = ""
    casenum_by_case = pd.Series(casenum, index=ci)

    expl = sc["explanation"].to_numpy(dtype=object).copy()
    ml = cc["multiline"].to_numpy()
    lines = np.array(catalog.NARRATIVE_SECOND_LINES, dtype=object)
    expl[ml >= 0] = expl[ml >= 0] + "\n" + lines[ml[ml >= 0]]
    locs = np.empty(m, dtype=object)
    sectors = est["sector"].to_numpy()
    for s, names in catalog.LOCATIONS.items():
        sel = sectors == s
        locs[sel] = np.array(names, dtype=object)[rng.integers(0, len(names), int(sel.sum()))]
    died = cc["died"].to_numpy()
    er, hosp = cc["er"].to_numpy(), cc["hosp"].to_numpy()
    treated = er | hosp
    hospital = np.array([catalog.HOSPITALS[s] for s in est["state"]], dtype=object).reshape(m, 5)
    hospital[~treated] = ""
    comp_off = cc["completed_off"].to_numpy()
    inc_txt = np.where(cknown, datetime_str(cinc * DAY + np.maximum(ctsec, 0)),
                       date_str(cinc))
    away_like = np.isin(cat, ("away", "death"))
    wc = rec & (u[:, 0] < 0.7)
    inc_fields = {
        "incidents.inc_datetime": inc_txt,
        "incidents.case_number": casenum,
        "incidents.case_type": cc["case_type"].to_numpy(),
        "incidents.osha_work_related": cc["work_related"].to_numpy(),
        "incidents.osha_completed_dt": datetime_str(
            (cinc + np.maximum(comp_off, 0)) * DAY + cc["completed_sec"].to_numpy(),
            comp_off < 0),
        "incidents.osha_itype": cc["itype"].to_numpy(),
        "incidents.privacy_case": flag(cc["privacy"].to_numpy()),
        "incidents.privacy_reason": _privacy_reasons(cc),
        "incidents.employee_died": flag(died),
        "incidents.employee_deathdate": date_str(cinc + cc["death_off"].to_numpy(), ~died),
        "incidents.facility_code": np.where(cc["facility_blank"].to_numpy(), "",
                                            est["code"].to_numpy()),
        "incidents.loc_description": locs,
        "incidents.employee_starttime": cc["starttime"].to_numpy(),
        "incidents.date_last_worked": date_str(cinc, ~away_like),
        "incidents.reported_super_datetime": datetime_str(
            cinc * DAY + np.where(cknown, ctsec + rng.integers(0, 7200, m), 12 * 3600)),
        "incidents.comment_activity": sc["activity"].to_numpy(),
        "incidents.comment_explanation": expl,
        "incidents.comment_cause": sc["cause"].to_numpy(),
        "incidents.status": np.asarray(cc["status"].to_numpy(), dtype=object),
        "incidents.emergency_room": flag(er),
        "incidents.hospitalized": flag(hosp),
        "incidents.primary_physician": np.where(
            rec | (u[:, 1] < 0.5),
            np.array(catalog.PHYSICIANS, dtype=object)[rng.integers(0, 4, m)], ""),
        "incidents.hospital_name": hospital[:, 0],
        "incidents.hospital_address": hospital[:, 1],
        "incidents.hospital_city": hospital[:, 2],
        "incidents.hospital_state": hospital[:, 3],
        "incidents.hospital_zip": hospital[:, 4],
        "incidents.days_away": cc["legacy_away"].to_numpy(),
        "incidents.days_restricted": cc["legacy_restr"].to_numpy(),
        "incidents.workcomp_completed_dt": date_str(cinc + rng.integers(2, 11, m), ~wc),
    }
    clin = np.array(catalog.CLINICIANS, dtype=object)[rng.integers(0, len(catalog.CLINICIANS), n)]
    no_user = rng.random(n) < 0.05
    clin[no_user] = ""
    visit = np.where(src == 0, "INJ", np.where(rng.random(n) < 0.2, "PHONE", "CMWR"))
    visit = visit.astype(object)
    visit[src == 2] = v["visit_type"].to_numpy()[order[src == 2] - nc - nf]
    data: dict[str, object] = {
        "encounters.ext_id": ext,
        "encounters.pat_id": emp["pat_id"].to_numpy()[who],
        "encounters.pat_id_type": emp["pat_id_type"].to_numpy()[who],
        "encounters.performing_user_id": clin[:, 0],
        "encounters.performing_user_id_type": clin[:, 1],
        "encounters.visit_type": visit,
        "encounters.serv_date": datetime_str(serv),
        "encounters.closed": flag(serv < (w.export_day - 30) * DAY),
    }
    for col, vals in inc_fields.items():
        full = np.full(n, "", dtype=object)
        full[opening] = vals
        data[col] = full
    fu_rows = src == 1
    data["incidents.case_number"][fu_rows] = casenum_by_case.reindex(case[fu_rows]).to_numpy()
    out = frame("encounters", data, n)
    out[CASE] = case  # hidden: the case id of each row (-1: no case), dropped before writing
    return out, enc_key


def _privacy_reasons(cc: pd.DataFrame) -> np.ndarray:
    """``incidents.privacy_reason`` of the flagged cases: the scenario's kind, else (an
    illness) the employee's request; a flagged injury of no kind gets none."""
    key = SCEN["key"].to_numpy()[cc["scen"].to_numpy()]
    kind = pd.Series(key).map(catalog.PRIVACY_REASONS).to_numpy(dtype=object)
    illness = cc["itype"].to_numpy() != "I"
    reason = np.where(pd.isna(kind), np.where(illness, "employee_request", ""), kind)
    return np.where(cc["privacy"].to_numpy(dtype=bool), reason, "").astype(object)


def _conditions(w, enc, enc_key, rng):
    """One condition per case, on the encounter that opened it, in encounter order."""
    c = w.cases
    enc_of_case = _enc_lookup(enc_key, c["case"].to_numpy(), np.zeros(len(c), int))
    order = np.argsort(pd.Index(enc["encounters.ext_id"]).get_indexer(enc_of_case),
                       kind="stable")
    cc = c.iloc[order]
    case = cc["case"].to_numpy()
    sc = SCEN.iloc[cc["scen"].to_numpy()]
    emp = w.employees.iloc[cc["emp"].to_numpy()]
    inc = cc["inc"].to_numpy()
    closed = cc["status"].to_numpy() == "2"
    last = pd.concat([w.followups.groupby("case")["off"].max(),
                      w.spans.groupby("case")["end"].max()], axis=1).max(axis=1)
    last = last.reindex(case, fill_value=0).fillna(0).to_numpy(dtype=np.int64)
    m = len(case)
    cond_ids = ids("PC", m)
    out = frame("conditions", {
        "patient_conditions.ext_id": cond_ids,
        "encounters.ext_id": enc_of_case[order],
        "patient_conditions.pat_id": emp["pat_id"].to_numpy(),
        "patient_conditions.pat_id_type": emp["pat_id_type"].to_numpy(),
        "patient_conditions.description": sc["condition"].to_numpy(),
        "patient_conditions.status": np.where(closed, "Resolved", "Active"),
        "patient_conditions.icd10": sc["icd10"].to_numpy(),
        "patient_conditions.onset_date": date_str(inc),
        "patient_conditions.conclusion_date": date_str(inc + last + 1, ~closed),
        "patient_conditions.severity": rng.choice(["Mild", "Moderate", "Severe"], m,
                                                  p=[0.5, 0.4, 0.1]),
    }, m)
    return out, pd.Series(cond_ids, index=case)


def _spans(w, enc_key, cond_of_case):
    sp = w.spans
    c = w.cases
    case = sp["case"].to_numpy()
    inc = c["inc"].to_numpy()[case]
    nfu = c["nfu"].to_numpy()[case]
    slot = np.minimum(sp["slot"].to_numpy(), nfu)
    start = inc + sp["start"].to_numpy()
    end = inc + np.nan_to_num(sp["end"].to_numpy())
    sp = sp.assign(enc=_enc_lookup(enc_key, case, slot), start_day=start, slot=slot)
    order = np.lexsort((np.arange(len(sp)), case, start))
    sp = sp.iloc[order].reset_index(drop=True)
    start, end = start[order], end[order]
    no_end = sp["end"].isna().to_numpy()
    wr = c["work_related"].to_numpy()[sp["case"].to_numpy()] == "Yes"
    is_r = (sp["table"] == "R").to_numpy()
    r, a = sp[is_r], sp[~is_r]
    r_ids = ids("PCR", len(r))
    est_end = r["est_end"].to_numpy()
    r_inc = c["inc"].to_numpy()[r["case"].to_numpy()]
    restrictions = frame("restrictions", {
        "patient_clinical_restriction.ext_id": r_ids,
        "encounters.ext_id": r["enc"].to_numpy(),
        "patient_conditions.ext_id": np.where(
            r["link_cond"].to_numpy(dtype=bool),
            cond_of_case.reindex(r["case"].to_numpy()).to_numpy(dtype=object), ""),
        "patient_clinical_restriction.description": r["desc"].to_numpy(),
        "patient_clinical_restriction.type_option": r["option"].to_numpy(),
        "patient_clinical_restriction.allowed_weight": r["weight"].to_numpy(),
        "patient_clinical_restriction.start_date": date_str(start[is_r]),
        "patient_clinical_restriction.end_date": date_str(end[is_r], no_end[is_r]),
        "patient_clinical_restriction.permanent": np.where(r["permanent"] == "1", "1", "0"),
        "patient_clinical_restriction.est_end_date": date_str(
            r_inc + np.nan_to_num(est_end), np.isnan(est_end)),
        "patient_clinical_restriction.active": r["state"].to_numpy(),
        "patient_clinical_restriction.affect_work": r["affect"].to_numpy(),
        "patient_clinical_restriction.occ_wc": flag(wr[is_r]),
    }, len(r))
    # transfers point at the live restriction issued at the same visit
    live = r[r["state"].isin(["1", ""]).to_numpy()]
    first_r = pd.Series(r_ids[r["state"].isin(["1", ""]).to_numpy()],
                        index=live["case"].to_numpy() * 8 + live["slot"].to_numpy())
    first_r = first_r[~first_r.index.duplicated()]
    transfer = a["desc"].isin(["Transitional Duty", "Work Location", "TDP-Work Area"]).to_numpy()
    link = first_r.reindex(a["case"].to_numpy() * 8 + a["slot"].to_numpy()).to_numpy(object)
    link = np.where(transfer & pd.notna(link), link, "")
    accommodations = frame("accommodations", {
        "accommodations.ext_id": ids("ACC", len(a)),
        "encounters.ext_id": a["enc"].to_numpy(),
        "patient_clinical_restriction.ext_id": link,
        "accommodations.accom_type": a["desc"].to_numpy(),
        "accommodations.start_date": date_str(start[~is_r]),
        "accommodations.end_date": date_str(end[~is_r], no_end[~is_r]),
        "accommodations.status": a["state"].to_numpy(),
        "accommodations.comments": a["comments"].to_numpy(),
    }, len(a))
    return restrictions, accommodations


def _nibp(w, enc_key, rng):
    c = w.cases
    n = len(c)
    sc = SCEN.iloc[c["scen"].to_numpy()]
    body2 = sc["body2"].to_numpy(dtype=object)
    extra = (body2 != "") | (rng.random(n) < 0.4)
    second_nature = np.array(["Swelling", "Abrasion", "Pain"], dtype=object)[
        rng.integers(0, 3, n)]
    case = np.concatenate([c["case"].to_numpy(), c["case"].to_numpy()[extra]])
    row2 = np.concatenate([np.zeros(n, bool), np.ones(int(extra.sum()), bool)])
    nat = np.concatenate([sc["nature"].to_numpy(),
                          np.where(body2 != "", sc["nature"].to_numpy(), second_nature)[extra]])
    body = np.concatenate([sc["body"].to_numpy(),
                           np.where(body2 != "", body2, sc["body"].to_numpy())[extra]])
    lac = np.concatenate([sc["laceration"].to_numpy(), np.full(int(extra.sum()), "")])
    size = np.concatenate([sc["size"].to_numpy(), np.full(int(extra.sum()), "")])
    man = np.concatenate([sc["manufacturer"].to_numpy(), np.full(int(extra.sum()), "")])
    enc = _enc_lookup(enc_key, case, np.zeros(len(case), int))
    order = np.lexsort((row2, enc))
    return frame("nibp", {
        "incident_nibp.ext_id": ids("NIBP", len(case)),
        "encounters.ext_id": enc[order],
        "incident_nibp.nature_injury": nat[order],
        "incident_nibp.body_part": body[order],
        "incident_nibp.laceration": lac[order],
        "incident_nibp.size": size[order],
        "incident_nibp.manufacturer": man[order],
    }, len(case))


def _employees(w: World) -> pd.DataFrame:
    e = w.employees
    return frame("employees", {
        "employees.pat_id": e["pat_id"].to_numpy(),
        "employees.pat_id_type": e["pat_id_type"].to_numpy(),
        "employees.first_name": e["first"].to_numpy(),
        "employees.last_name": e["last"].to_numpy(),
        "employees.birth_date": date_str(e["birth"].to_numpy()),
        "employees.hire_date": date_str(e["hire"].to_numpy()),
        "employees.sex": e["sex"].to_numpy(),
        "employees.job_title": e["job"].to_numpy(),
        "employees.street": e["street"].to_numpy(),
        "employees.city": e["city"].to_numpy(),
        "employees.state": e["state"].to_numpy(),
        "employees.zip": e["zip"].to_numpy(),
        "employees.establishment_code": w.est["code"].to_numpy()[e["est"].to_numpy()],
        "employees.termination_date": date_str(e["term"].to_numpy(), e["term"].to_numpy() < 0),
        "employees.termination_reason": e["term_reason"].to_numpy(),
    }, len(e))


def _establishments(w: World) -> pd.DataFrame:
    e = w.est
    return frame("establishments", {
        "establishments.establishment_code": e["code"].to_numpy(),
        "establishments.establishment_name": e["name"].to_numpy(),
        "establishments.company_name": e["company"].to_numpy(),
        "establishments.ein": e["ein"].to_numpy(),
        "establishments.street_address": e["street"].to_numpy(),
        "establishments.city": e["city"].to_numpy(),
        "establishments.state": e["state"].to_numpy(),
        "establishments.zip": e["zip"].to_numpy(),
        "establishments.naics_code": e["naics"].to_numpy(),
        "establishments.industry_description": e["industry"].to_numpy(),
        "establishments.establishment_type": e["type"].to_numpy(),
    }, len(e))


def _employment(w: World) -> pd.DataFrame:
    e = w.employment
    return frame("employment", {
        "employment.establishment_code": w.est["code"].to_numpy()[e["est"].to_numpy()],
        "employment.year": e["year"].astype(str).to_numpy(),
        "employment.annual_average_employees": e["avg"].astype(str).to_numpy(),
        "employment.total_hours_worked": e["hours"].astype(str).to_numpy(),
        "employment.peak_employees": e["peak"].astype(str).to_numpy(),
    }, len(e))
