"""The input contract of a case bundle, as data.

Every other module reads kinds, columns, types and code sets from here; nothing
else in the kit spells out a column of the input files. The prose version for
users is ``docs/input-format.md``.

Column names are the canonical ``table.column`` headers of the Enterprise
Health Case Management CSV API (and of the kit's own three files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: MIE header processing options that may precede a column name in a header cell.
HEADER_PREFIXES = frozenset(
    {
        "INSERT",
        "REVISE",
        "UPDATE",
        "ALLOW_BLANK",
        "IGNORE_BLANK",
        "DELETE_BLANK",
        "DISTINCT",
        "DELETE",
        "KEY",
        "NO_UPDATE",
    }
)

#: Alternative header spellings -> canonical name.
ALIASES = {
    "incident_extended_fields.ca_dwc1_form": "incident_extended_fields.ca_dwc_1_form",
    "incident.nibp.ext_id": "incident_nibp.ext_id",
}

#: Accepted datetime formats, tried in order (all vectorised).
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)
#: Values that mean "no date".
NULL_DATES = frozenset({"", "0000-00-00", "0000-00-00 00:00:00"})

FLAG_TRUE = frozenset({"1", "y", "yes", "true"})
FLAG_FALSE = frozenset({"0", "n", "no", "false"})

# --- code sets -----------------------------------------------------------------
PAT_ID_TYPES = ("id:username", "id:ext_id", "id:ssn", "id:sin", "id:email", "id:pat_id")
USER_ID_TYPES = ("id:username", "id:uid", "id:npi", "id:user_id")
CASE_TYPES = (
    "Injury",
    "Injury NO",
    "Hospital",
    "Billing",
    "Absence management",
    "MSEA",
    "Medical Surveillance",
)
#: Case types that belong on the OSHA log (blank counts too).
OSHA_CASE_TYPES = ("Injury",)
#: Work-related values; numeric codes are normalised to the words.
WORK_RELATED = {
    "yes": "Yes", "no": "No", "undetermined": "Undetermined", "n/a": "N/A",
    "1": "Yes", "0": "No", "2": "Undetermined",
}
#: ``incidents.osha_itype`` -> Form 300 column M.
ITYPES = {"I": "M1", "S": "M2", "R": "M3", "P": "M4", "H": "M5", "A": "M6"}
ITYPE_LABELS = {
    "M1": "Injury",
    "M2": "Skin disorder",
    "M3": "Respiratory condition",
    "M4": "Poisoning",
    "M5": "Hearing loss",
    "M6": "All other illnesses",
}
#: ``incident_nibp.nature_injury`` spellings that name one nature of injury (lower case,
#: trimmed) -> the label every chart and table counts them under. Values not listed keep
#: their own text. The log's column F keeps the text as recorded.
NATURE_LABELS = {
    "sprain": "Sprain or strain",
    "strain": "Sprain or strain",
    "sprains": "Sprain or strain",
    "strains": "Sprain or strain",
    "sprain/strain": "Sprain or strain",
    "strain/sprain": "Sprain or strain",
    "sprain or strain": "Sprain or strain",
    "sprain and strain": "Sprain or strain",
    "sprains, strains": "Sprain or strain",
    "sprains, strains, tears": "Sprain or strain",
    "bruise": "Contusion",
    "contusion": "Contusion",
    "contusion/bruise": "Contusion",
    "cut": "Laceration",
    "laceration": "Laceration",
    "cut/laceration": "Laceration",
    "scrape": "Abrasion",
    "abrasion": "Abrasion",
    "broken bone": "Fracture",
    "fracture": "Fracture",
}


def nature_label(value: str) -> str:
    """The label a nature of injury is counted under (:data:`NATURE_LABELS`)."""
    text = " ".join(str(value).split())
    return NATURE_LABELS.get(text.lower(), text)


STATUS_CODES = ("0", "1", "2")  # incidents.status: created, open, closed
#: accommodations.status and restriction `active`: deleted (no), active, revised
ROW_STATUS = ("0", "1", "2")
ACCOM_TYPES = (
    "Work Location",
    "Transitional Duty",
    "TDP-Work Area",
    "Housing",
    "Lost Time/Occ",
    "Lost Time/Non-Occ",
    "Lost Time/Maternity (CA)",
    "Lost Time/ER LAT Approved",
    "Lost Time",
)
LOST_TIME_PREFIX = "Lost Time"
NOT_WORK_RELATED_LOST_TIME = ("Lost Time/Non-Occ", "Lost Time/Maternity (CA)")
TRANSFER_ACCOM_TYPES = ("Work Location", "Transitional Duty", "TDP-Work Area")
LACERATION_TYPES = ("Laceration", "Puncture")
#: ``incidents.privacy_reason``: the kinds of privacy case of 1904.29(b)(7)(i)-(vi).
PRIVACY_REASONS = (
    "intimate",  # (i) intimate body part or the reproductive system
    "sexual_assault",  # (ii)
    "mental_illness",  # (iii)
    "infectious_disease",  # (iv) HIV, hepatitis, tuberculosis
    "needlestick",  # (v) needlestick or cut from a contaminated sharp
    "employee_request",  # (vi) another illness the employee asked to keep private
)
ESTABLISHMENT_TYPES = ("1", "2", "3")
SEXES = ("M", "F")
US_STATES = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "UM",
)


@dataclass(frozen=True)
class Column:
    """One column of an input file.

    ``type`` is one of: ``text`` (kept as text, leading zeros survive), ``code``
    (text from ``codes``; case-insensitive, normalised to the canonical
    spelling), ``flag`` (boolean), ``datetime``, ``time`` (``HH:MM`` 24-hour
    text), ``int`` and ``number``.
    """

    name: str
    type: str = "text"
    required: bool = False
    codes: tuple[str, ...] | dict[str, str] | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of file in a bundle."""

    name: str
    filename: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    required: bool = False
    links: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _cols(table: str, spec: list[tuple]) -> tuple[Column, ...]:
    out = []
    for item in spec:
        name, *rest = item
        full = name if "." in name else f"{table}.{name}"
        out.append(Column(full, *rest))
    return tuple(out)


T, C, F, D, TM, INT, NUM = "text", "code", "flag", "datetime", "time", "int", "number"

ENCOUNTERS = Kind(
    name="encounters",
    filename="encounters_incidents.csv",
    key=("encounters.ext_id",),
    required=True,
    columns=_cols(
        "encounters",
        [
            ("ext_id", T, True, None, 100),
            ("pat_id", T, True),
            ("pat_id_type", C, True, PAT_ID_TYPES),
            ("performing_user_id", T),
            ("performing_user_id_type", C, False, USER_ID_TYPES),
            ("visit_type", T),
            ("serv_date", D),
            ("closed", F),
            ("incidents.inc_datetime", D),
            ("incidents.case_number", T, False, None, 30),
            ("incidents.case_type", C, False, CASE_TYPES),
            ("incidents.osha_work_related", C, False, WORK_RELATED),
            ("incidents.osha_completed_dt", D),
            ("incidents.osha_itype", C, False, tuple(ITYPES)),
            ("incidents.privacy_case", F),
            ("incidents.privacy_reason", C, False, PRIVACY_REASONS),
            ("incidents.employee_died", F),
            ("incidents.employee_deathdate", D),
            ("incidents.facility_code", T),
            ("incidents.loc_description", T),
            ("incidents.employee_starttime", TM),
            ("incidents.date_last_worked", D),
            ("incidents.reported_super_datetime", D),
            ("incidents.comment_activity", T),
            ("incidents.comment_explanation", T),
            ("incidents.comment_cause", T),
            ("incidents.status", C, False, STATUS_CODES),
            ("incidents.emergency_room", F),
            ("incidents.hospitalized", F),
            ("incidents.primary_physician", T),
            ("incidents.hospital_name", T),
            ("incidents.hospital_address", T),
            ("incidents.hospital_city", T),
            ("incidents.hospital_state", T),
            ("incidents.hospital_zip", T),
            ("incidents.days_away", INT),
            ("incidents.days_restricted", INT),
            ("incidents.workcomp_completed_dt", D),
            ("incident_extended_fields.ca_dwc_1_form", D),
        ],
    ),
)

CONDITIONS = Kind(
    name="conditions",
    filename="patient_conditions.csv",
    key=("patient_conditions.ext_id",),
    links={"encounters.ext_id": "encounters"},
    columns=_cols(
        "patient_conditions",
        [
            ("ext_id", T, True, None, 100),
            ("encounters.ext_id", T, True),
            ("pat_id", T),
            ("pat_id_type", C, False, PAT_ID_TYPES),
            ("description", T, True),
            ("status", T),
            ("icd10", T),
            ("icd9", T),
            ("onset_date", D),
            ("conclusion_date", D),
            ("concept_id", T),
            ("severity", T),
        ],
    ),
)

RESTRICTIONS = Kind(
    name="restrictions",
    filename="patient_clinical_restriction.csv",
    key=("patient_clinical_restriction.ext_id",),
    links={"encounters.ext_id": "encounters", "patient_conditions.ext_id": "conditions"},
    columns=_cols(
        "patient_clinical_restriction",
        [
            ("ext_id", T, True, None, 100),
            ("encounters.ext_id", T, True),
            ("patient_conditions.ext_id", T),
            ("description", T, True),
            ("type_option", T),
            ("allowed_weight", T),
            ("start_date", D),
            ("end_date", D),
            ("permanent", F),
            ("est_end_date", D),
            ("active", C, False, ROW_STATUS),
            ("affect_work", F),
            ("occ_wc", F),
        ],
    ),
)

ACCOMMODATIONS = Kind(
    name="accommodations",
    filename="accommodations.csv",
    key=("accommodations.ext_id",),
    links={
        "encounters.ext_id": "encounters",
        "patient_clinical_restriction.ext_id": "restrictions",
    },
    columns=_cols(
        "accommodations",
        [
            ("ext_id", T, True, None, 100),
            ("encounters.ext_id", T, True),
            ("patient_clinical_restriction.ext_id", T),
            ("accom_type", C, True, ACCOM_TYPES),
            ("start_date", D),
            ("end_date", D),
            ("status", C, False, ROW_STATUS),
            ("comments", T),
        ],
    ),
)

NIBP = Kind(
    name="nibp",
    filename="incident_nibp.csv",
    key=("incident_nibp.ext_id",),
    links={"encounters.ext_id": "encounters"},
    columns=_cols(
        "incident_nibp",
        [
            ("ext_id", T, True, None, 100),
            ("encounters.ext_id", T, True),
            ("nature_injury", T),
            ("body_part", T),
            ("comment", T),
            ("laceration", C, False, LACERATION_TYPES),
            ("size", T),
            ("manufacturer", T),
        ],
    ),
)

EMPLOYEES = Kind(
    name="employees",
    filename="employees.csv",
    key=("employees.pat_id", "employees.pat_id_type"),
    links={"employees.establishment_code": "establishments"},
    columns=_cols(
        "employees",
        [
            ("pat_id", T, True),
            ("pat_id_type", C, True, PAT_ID_TYPES),
            ("first_name", T),
            ("last_name", T),
            ("birth_date", D),
            ("hire_date", D),
            ("sex", T),
            ("job_title", T),
            ("street", T),
            ("city", T),
            ("state", T),
            ("zip", T),
            ("establishment_code", T),
            ("termination_date", D),
            ("termination_reason", T),
        ],
    ),
)

ESTABLISHMENTS = Kind(
    name="establishments",
    filename="establishments.csv",
    key=("establishments.establishment_code",),
    columns=_cols(
        "establishments",
        [
            ("establishment_code", T, True),
            ("establishment_name", T, True, None, 100),
            ("company_name", T),
            ("ein", T),
            ("street_address", T),
            ("city", T),
            ("state", T),
            ("zip", T),
            ("naics_code", T),
            ("industry_description", T),
            ("establishment_type", C, False, ESTABLISHMENT_TYPES),
        ],
    ),
)

EMPLOYMENT = Kind(
    name="employment",
    filename="employment.csv",
    key=("employment.establishment_code", "employment.year"),
    links={"employment.establishment_code": "establishments"},
    columns=_cols(
        "employment",
        [
            ("establishment_code", T, True),
            ("year", INT, True),
            ("annual_average_employees", NUM),
            ("total_hours_worked", NUM),
            ("peak_employees", INT),
        ],
    ),
)

#: Every kind, in the order files are reported.
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        ENCOUNTERS,
        CONDITIONS,
        RESTRICTIONS,
        ACCOMMODATIONS,
        NIBP,
        EMPLOYEES,
        ESTABLISHMENTS,
        EMPLOYMENT,
    )
}

#: Name of the column every loaded frame carries: the line of the input file on
#: which the row starts (header = line 1).
LINE = "_line"
#: Extra column on the encounters frame: False when ``incidents.inc_datetime``
#: was given as a date with no time (Form 301: time cannot be determined).
INC_TIME_KNOWN = "incidents.inc_time_known"


def kind_of_header(columns: list[str]) -> Kind | None:
    """The kind whose key columns are all in ``columns`` (canonical names).

    Child files carry their parents' keys as links (a restriction row names its
    encounter and condition), so when several kinds match, a kind whose key is
    a link of another matching kind gives way to that kind.
    """
    cols = set(columns)
    matches = [k for k in KINDS.values() if set(k.key) <= cols]
    linked = {link for k in matches for link in k.links}
    best = [k for k in matches if not set(k.key) <= linked]
    return best[0] if len(best) == 1 else None
