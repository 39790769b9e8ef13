"""Hand-written cases that every sample bundle holds, whatever its scale or seed.

Random cases give realistic ratios; these give certainty that each rule of
recordkeeping.md has at least one case to bite on (a death, a span over 180
days, a restriction only on the injury day, a permanent restriction...).
Each entry: where and when, the scenario, the category, overrides of case
fields, follow-up visit offsets (days after the injury) and spans
``(table, description, start, end, slot, extras)`` with offsets in days from
the injury date (``end`` None = open-ended).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oshakit.sample.catalog import SCENARIOS
from oshakit.sample.model import SPAN_COLS, day

# (est, year index, (month, day), "HH:MM" or None, scenario, category, overrides,
#  follow-ups, spans)
L = "Lost Time/Occ"
SPECIALS: tuple[tuple, ...] = (
    # G: death after two days away (days before death are not counted)
    (0, 0, (3, 14), "10:20", "crane_crush", "death",
     {"death_off": 2, "er": True, "hosp": True, "starttime": "06:00"}, (),
     (("A", L, 1, 2, 0, {}),)),
    # H then L: days away, then transitional duty; name with non-ASCII letters
    (0, 0, (4, 9), "13:45", "lift_back", "away", {"emp": 0, "facility_blank": True}, (15, 30),
     (("A", L, 1, 14, 0, {"comments": "Off work per physician"}),
      ("A", "Transitional Duty", 15, 30, 1, {}),
      ("A", "Housing", 1, 14, 0, {"comments": "Temporary lodging near clinic"}),
      ("R", "Lifting", 15, 30, 1, {"option": "No lifting over", "weight": "15 lbs",
                                   "link_cond": True}))),
    # H: days away via a restriction typed Lost Time
    (2, 1, (6, 3), "09:05", "box_lift", "away", {"emp": 0}, (6,),
     (("R", "Lost Time", 1, 5, 0, {"option": "Off work"}),
      ("R", "Lifting", 6, 12, 1, {"option": "No lifting over", "weight": "25 lbs"}))),
    # I: restriction starting on the injury day (day 0 not counted)
    (1, 0, (2, 20), "02:30", "patient_lift", "restricted", {"emp": 0, "starttime": "7:00 PM"},
     (5, 10),
     (("R", "Lifting", 0, 9, 0, {"option": "No lifting over", "weight": "10 lbs"}),)),
    # J: a restriction only on the injury day is not restricted work
    (0, 1, (5, 11), "11:00", "slip_knee", "other", {}, (7,),
     (("R", "Standing/Walking", 0, 0, 0, {"option": "Limit to", "weight": "Seated work"}),)),
    # I: overlapping restrictions and a work-location transfer (union counted once)
    (0, 1, (8, 22), "14:10", "shoulder_mfg", "restricted", {}, (10, 30),
     (("R", "Overhead Work", 1, 20, 0, {"option": "No"}),
      ("R", "Lifting", 10, 30, 1, {"option": "No lifting over", "weight": "20 lbs"}),
      ("A", "Work Location", 5, 15, 0, {"comments": "Moved to parts kitting"}))),
    # I: TDP-Work Area transfer
    (2, 2, (3, 2), "16:40", "forklift_foot", "restricted", {}, (12,),
     (("A", "TDP-Work Area", 1, 12, 0, {}),
      ("R", "Standing/Walking", 1, 12, 0, {"option": "Limit to", "weight": "1 hour"}))),
    # H, open-ended: still off work at export (estimated count)
    (0, -1, (12, 1), "08:15", "lift_back", "away", {}, (20,),
     (("A", L, 1, None, 0, {}),)),
    # I, restriction still running at export: planned end after the export date
    (1, -1, (11, 20), "19:30", "slip_hosp", "restricted", {}, (10, 24),
     (("R", "Use of Hand", 1, 70, 0, {"option": "No use of", "weight": "right hand"}),)),
    # H: cross-year, injury in December, days away into January
    (0, 0, (12, 18), "22:50", "pinch_finger", "away", {"starttime": "3:00 PM"}, (14, 34, 54),
     (("A", L, 1, 33, 0, {}),
      ("R", "Use of Hand", 34, 54, 2, {"option": "No use of", "weight": "right hand"}))),
    # H: more than 180 days away (cap)
    (1, 0, (3, 3), "06:20", "slip_hosp", "away", {"hosp": True}, (30, 90, 221),
     (("A", L, 1, 220, 0, {}), ("R", "Lifting", 221, 240, 3, {"option": "No lifting over",
                                                               "weight": "10 lbs"}))),
    # I: permanent restriction (no end date): counts its first countable day
    (0, 1, (2, 6), None, "carpal_mfg", "restricted", {}, (14,),
     (("R", "Use of Hand", 1, None, 1, {"option": "No repetitive use of", "weight": "right hand",
                                        "permanent": "1"}),)),
    # H and I with deleted and revised rows that must not count
    (2, 1, (9, 17), "12:00", "dock_fall", "away", {}, (11, 18),
     (("A", L, 1, 30, 0, {"state": "0"}), ("A", L, 1, 20, 0, {"state": "2"}),
      ("A", L, 1, 10, 0, {}),
      ("R", "Standing/Walking", 11, 25, 1, {"state": "2", "option": "Limit to"}),
      ("R", "Standing/Walking", 11, 20, 1, {"state": "0", "option": "Limit to"}),
      ("R", "Standing/Walking", 11, 18, 1, {"option": "Limit to", "weight": "2 hours"}))),
    # J: a restriction that does not affect work
    (0, 2, (1, 25), "10:00", "eye_fb", "other", {}, (3,),
     (("R", "Eye Protection", 0, 7, 0, {"option": "Must wear", "affect": "0"}),)),
    # not work-related, lost time that does not count
    (2, 1, (10, 5), "17:30", "box_lift", "nwr", {}, (),
     (("A", "Lost Time/Non-Occ", 1, 14, 0, {"comments": "Injured moving at home"}),)),
    # privacy: needlestick with device and size
    (1, 0, (5, 28), "03:15", "needlestick", "other", {"starttime": "23:00"}, (42, 90), ()),
    # privacy: mental illness, days away
    (1, 1, (7, 4), "01:40", "ptsd", "away", {}, (22,), (("A", L, 1, 21, 0, {}),)),
    # privacy: tuberculosis (M3)
    (1, 2, (4, 15), None, "tb", "other", {}, (30,), ()),
    # M5 hearing loss, date of audiogram (no time)
    (0, 1, (10, 2), None, "hearing_mfg", "other", {}, (30,), ()),
    # M2 skin, M4 poisoning, M3 respiratory, M6 other illness
    (0, 0, (6, 12), "09:30", "dermatitis_mfg", "other", {}, (7,), ()),
    (2, 1, (1, 30), "05:50", "co_exposure", "other", {}, (2,), ()),
    (0, 2, (3, 19), "13:00", "fumes_mfg", "other", {}, (4,), ()),
    (2, 2, (7, 21), "15:20", "heat_whse", "restricted", {}, (3,),
     (("R", "Heat Exposure", 1, 5, 0, {"option": "No work in", "weight": "hot areas"}),)),
    # first aid only: not recordable; and a case with no case number
    (0, 0, (9, 8), "10:45", "sheet_cut", "nonrec", {}, (), ()),
    (0, 1, (4, 27), "07:35", "eye_fb", "nonrec", {"no_casenum": True}, (), ()),
    # non-OSHA case types and an undetermined case
    (1, 1, (11, 3), "20:00", "slip_hosp", "nonosha", {"case_type": "Injury NO"}, (), ()),
    (0, 2, (5, 5), None, "hearing_mfg", "nonosha",
     {"case_type": "Medical Surveillance", "work_related": "N/A", "itype": ""}, (), ()),
    (2, 2, (2, 14), "18:25", "shelf_head", "undet", {}, (10,), ()),
    # legacy migrated totals: only totals, matching totals, and -1 "compute"
    (0, 0, (2, 2), "08:00", "lift_back", "away", {"legacy_away": "12", "legacy_restr": "0"},
     (), ()),
    (2, 2, (4, 4), "10:10", "box_cutter", "restricted",
     {"legacy_away": "0", "legacy_restr": "7"}, (), ()),
    (1, 1, (3, 9), "14:00", "slip_hosp", "away", {"legacy_away": "10", "legacy_restr": "0"},
     (11,), (("A", L, 1, 10, 0, {}),)),
    (1, 2, (8, 8), "11:11", "violence", "restricted", {"legacy_away": "-1", "legacy_restr": "-1"},
     (9,), (("R", "Lifting", 1, 8, 0, {"option": "No lifting over", "weight": "20 lbs"}),)),
    # H via Lost Time/ER LAT Approved, and via a plain Lost Time accommodation
    (2, 2, (10, 10), "21:00", "dock_fall", "away", {}, (9,),
     (("A", "Lost Time/ER LAT Approved", 1, 8, 0, {}),)),
    (1, 2, (6, 6), "16:00", "patient_lift", "away", {}, (5,), (("A", "Lost Time", 1, 4, 0, {}),)),
    # --- who decides the days away (1904.7(b)(3)(ii)-(iii)) ------------------------------
    # H: the physician releases the employee after day 5, the employer's absence runs to
    # day 12 (stayed home): days 6-12 are not days away
    (2, 1, (5, 6), "14:30", "box_lift", "away", {}, (6,),
     (("R", "Lost Time", 1, 5, 0, {"option": "Off work"}),
      ("A", L, 1, 12, 0, {"comments": "Stayed home after release to full duty"}))),
    # H: days 1-3 off work on the physician's word count although the employee came in
    # on transitional duty from day 2
    (1, 2, (9, 9), "07:50", "patient_lift", "away", {}, (4,),
     (("R", "Lost Time", 1, 3, 0, {"option": "Off work"}),
      ("A", "Transitional Duty", 2, 10, 0, {"comments": "Came in against medical advice"}))),
    # H: retired (a reason unrelated to the injury) on day 20 while off work: the count
    # stops there (1904.7(b)(3)(viii))
    (0, 2, (9, 3), "08:40", "lift_back", "away", {"term_off": 20, "term_reason": "Retired"},
     (10,), (("A", L, 1, 40, 0, {}),)),
    # --- privacy (1904.29(b)(7)-(8)) -------------------------------------------------------
    # a mental illness the employer did not flag: privacy_auto makes it private
    (1, 1, (10, 14), "22:10", "ptsd", "other", {"privacy": False}, (14,), ()),
    # an ordinary laceration flagged private: no basis, kept private with a warning
    (2, 1, (8, 19), "11:25", "box_cutter", "other", {"privacy": True}, (5,), ()),
    # --- severe events (1904.39): an amputation; the loss of an eye with an in-patient stay
    (0, 1, (6, 17), "09:40", "press_amputation", "away", {"er": True}, (7, 21),
     (("R", "Lost Time", 1, 20, 0, {"option": "Off work"}),
      ("R", "Use of Hand", 21, 45, 2, {"option": "No use of", "weight": "right hand"}))),
    (0, 2, (4, 23), "13:15", "eye_enucleation", "away", {"er": True, "hosp": True}, (10, 40),
     (("R", "Lost Time", 1, 39, 0, {"option": "Off work"}),
      ("R", "Climbing", 40, 70, 2, {"option": "No", "weight": "ladders"}))),
)

CASE_DEFAULTS = {
    "privacy": None, "case_type": "Injury", "work_related": None, "itype": None,
    "completed_off": 3, "completed_sec": 10 * 3600, "died": False, "death_off": -1,
    "facility_blank": False, "legacy_away": "", "legacy_restr": "", "er": False, "hosp": False,
    "starttime": "07:00", "multiline": -1, "no_casenum": False, "status_created": False,
    "term_off": -1, "term_reason": "",
}
SPAN_DEFAULTS = {"option": "", "weight": "", "state": "1", "affect": "1", "permanent": "",
                 "link_cond": False, "comments": "", "est_end": np.nan}
WORK_RELATED = {"nwr": "No", "undet": "Undetermined", "nonosha": "N/A"}


def build(est: pd.DataFrame, employees: pd.DataFrame, years: tuple[int, ...],
          zero_year: tuple[int, int] | None, scen_index: dict[str, int]):
    """The special cases as (cases, follow-ups, spans) frames, case ids from 0."""
    emp_est = employees["est"].to_numpy()
    emp_lo = np.searchsorted(emp_est, np.arange(len(est)))
    emp_n = np.bincount(emp_est, minlength=len(est))
    rows, fus, spans = [], [], []
    for i, (e, yi, (mo, d), hm, scen, cat, over, fu, sp) in enumerate(SPECIALS):
        e = min(e, len(est) - 1)
        y = years[max(-len(years), min(yi, len(years) - 1))]  # fewer years: clip
        rec = cat in ("death", "away", "restricted", "other")
        if rec and (e, y) == zero_year:  # keep that establishment-year free of cases
            if e:
                e = 0
            else:
                y = years[1]
        s = SCENARIOS[scen_index[scen]]
        row = {**CASE_DEFAULTS, **over}
        emp = row.pop("emp", None)
        row.update(
            est=e, year=y, inc=day(y, mo, d), cat=cat, scen=scen_index[scen],
            emp=emp_lo[e] + ((3 + i) % emp_n[e] if emp is None else emp),
            tsec=-1 if hm is None else int(hm[:2]) * 3600 + int(hm[3:]) * 60,
        )
        if row["privacy"] is None:
            row["privacy"] = bool(s["privacy"])
        if row["work_related"] is None:
            row["work_related"] = WORK_RELATED.get(cat, "Yes")
        if row["itype"] is None:
            row["itype"] = s["itype"] if rec or cat == "nonrec" else ""
        if not rec:
            row["completed_off"] = -1
        row["died"] = cat == "death"
        rows.append(row)
        fus += [{"case": i, "k": k, "off": off} for k, off in enumerate(fu, start=1)]
        for table, desc, start, end, slot, extra in sp:
            spans.append({**SPAN_DEFAULTS, **extra, "case": i, "table": table, "desc": desc,
                          "start": start, "end": np.nan if end is None else float(end),
                          "slot": slot})
    fu_frame = pd.DataFrame(fus, columns=["case", "k", "off"])
    span_frame = pd.DataFrame(spans, columns=list(SPAN_COLS))
    return pd.DataFrame(rows), fu_frame, span_frame
