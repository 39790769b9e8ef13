"""Input column names used by the reconciliation, looked up in ``oshakit.schema``.

Looking each name up (instead of spelling it in every module) means a typo or a
renamed column fails at import, not silently as an all-NA column.
"""

from __future__ import annotations

from oshakit.schema import KINDS, LINE  # noqa: F401  (re-exported)


def _c(kind: str, name: str) -> str:
    return KINDS[kind].column(name).name


def filename(kind: str) -> str:
    return KINDS[kind].filename


#: The column of a child kind that names its encounter.
def encounter_link(kind: str) -> str:
    return next(col for col, target in KINDS[kind].links.items() if target == "encounters")


E_ID = _c("encounters", "encounters.ext_id")
E_PAT = _c("encounters", "encounters.pat_id")
E_PAT_TYPE = _c("encounters", "encounters.pat_id_type")
SERV_DATE = _c("encounters", "encounters.serv_date")
INC = _c("encounters", "incidents.inc_datetime")
CASE_NO = _c("encounters", "incidents.case_number")
CASE_TYPE = _c("encounters", "incidents.case_type")
WORK_REL = _c("encounters", "incidents.osha_work_related")
RECORDABLE = _c("encounters", "incidents.osha_completed_dt")
ITYPE = _c("encounters", "incidents.osha_itype")
PRIVACY = _c("encounters", "incidents.privacy_case")
PRIVACY_REASON = _c("encounters", "incidents.privacy_reason")
DIED = _c("encounters", "incidents.employee_died")
DEATH_DATE = _c("encounters", "incidents.employee_deathdate")
FACILITY = _c("encounters", "incidents.facility_code")
LOCATION = _c("encounters", "incidents.loc_description")
START_TIME = _c("encounters", "incidents.employee_starttime")
ACTIVITY = _c("encounters", "incidents.comment_activity")
EXPLANATION = _c("encounters", "incidents.comment_explanation")
CAUSE = _c("encounters", "incidents.comment_cause")
ER = _c("encounters", "incidents.emergency_room")
HOSPITALIZED = _c("encounters", "incidents.hospitalized")
PHYSICIAN = _c("encounters", "incidents.primary_physician")
HOSP_NAME = _c("encounters", "incidents.hospital_name")
HOSP_STREET = _c("encounters", "incidents.hospital_address")
HOSP_CITY = _c("encounters", "incidents.hospital_city")
HOSP_STATE = _c("encounters", "incidents.hospital_state")
HOSP_ZIP = _c("encounters", "incidents.hospital_zip")
LEGACY_AWAY = _c("encounters", "incidents.days_away")
LEGACY_RESTRICTED = _c("encounters", "incidents.days_restricted")
TIME_KNOWN = "incidents.inc_time_known"  # added by the loader (schema.INC_TIME_KNOWN)

EMP_PAT = _c("employees", "employees.pat_id")
EMP_PAT_TYPE = _c("employees", "employees.pat_id_type")
EMP_FIRST = _c("employees", "employees.first_name")
EMP_LAST = _c("employees", "employees.last_name")
EMP_BIRTH = _c("employees", "employees.birth_date")
EMP_HIRE = _c("employees", "employees.hire_date")
EMP_SEX = _c("employees", "employees.sex")
EMP_JOB = _c("employees", "employees.job_title")
EMP_STREET = _c("employees", "employees.street")
EMP_CITY = _c("employees", "employees.city")
EMP_STATE = _c("employees", "employees.state")
EMP_ZIP = _c("employees", "employees.zip")
EMP_EST = _c("employees", "employees.establishment_code")
EMP_TERM_DATE = _c("employees", "employees.termination_date")
EMP_TERM_REASON = _c("employees", "employees.termination_reason")

EST_CODE = _c("establishments", "establishments.establishment_code")

R_ID = _c("restrictions", "patient_clinical_restriction.ext_id")
R_TYPE = _c("restrictions", "patient_clinical_restriction.description")
R_START = _c("restrictions", "patient_clinical_restriction.start_date")
R_END = _c("restrictions", "patient_clinical_restriction.end_date")
R_PERMANENT = _c("restrictions", "patient_clinical_restriction.permanent")
R_EST_END = _c("restrictions", "patient_clinical_restriction.est_end_date")
R_ACTIVE = _c("restrictions", "patient_clinical_restriction.active")
R_AFFECT = _c("restrictions", "patient_clinical_restriction.affect_work")

A_ID = _c("accommodations", "accommodations.ext_id")
A_TYPE = _c("accommodations", "accommodations.accom_type")
A_START = _c("accommodations", "accommodations.start_date")
A_END = _c("accommodations", "accommodations.end_date")
A_STATUS = _c("accommodations", "accommodations.status")

N_NATURE = _c("nibp", "incident_nibp.nature_injury")
N_PART = _c("nibp", "incident_nibp.body_part")
N_COMMENT = _c("nibp", "incident_nibp.comment")
N_LACERATION = _c("nibp", "incident_nibp.laceration")
N_SIZE = _c("nibp", "incident_nibp.size")
N_MAKER = _c("nibp", "incident_nibp.manufacturer")

C_DESC = _c("conditions", "patient_conditions.description")
C_ICD10 = _c("conditions", "patient_conditions.icd10")

#: Child kinds that attach to a case through their encounter, in report order.
CHILD_KINDS = ("conditions", "restrictions", "accommodations", "nibp")
