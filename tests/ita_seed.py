"""OSHA's own samples, copied by hand from the "DOL OSHA ITA Case Data API Specifications"
v1.3 (shared/seeds/002_c35b67659da3a503.txt), each under the section it comes from.

They are kept as printed, comment lines (``// Refer the data dictionary``) included;
:func:`load` removes those comments, which is all the fixing the parseable samples need.
Where the document's sample is not JSON even then, a ``*_FIXED`` text beside it says what
was changed by hand and why. Tests use these as known answers from OSHA's document, never
from the kit's own lists.
"""

from __future__ import annotations

import json
import re
from typing import Any

_COMMENT = re.compile(r"\s*//[^\n\"]*$", re.MULTILINE)


def load(text: str) -> Any:
    """The JSON of a sample once its ``//`` comments are removed."""
    return json.loads(_COMMENT.sub("", text))

#: Seed section "API Endpoint - Add Case Data, Sample Request".
ADD_CASE_REQUEST = """\
{
  "establishment": {
    "id": "1234567",
    "establishment_name": "Store 1"
  },
  "case_number": "CS-1617",
  "job_title": "Manager",
  "date_of_incident": "07-18-2022",
  "incident_location": "Location",
  "incident_description": "Brief description",
  "incident_outcome": "1", // Refer the data dictionary
  "dafw_num_away": "1",
  "djtr_num_tr": "2",
  "type_of_incident": "1", // Refer the data dictionary
  "date_of_birth": "06-23-1998",
  "date_of_hire": "03-15-2022", "sex":
  "F", "treatment_facility_type": "0",
  "treatment_in_patient": "0",
  "time_started_work": "08:00",
  "time_of_incident": "09:20",
  "time_unknown": "0",
  "nar_before_incident": "Lorem ipsum dolor sit amet.",
  "nar_what_happened": "Lorem ipsum dolor sit amet.",
  "nar_injury_illness": "Lorem ipsum dolor sit amet.",
  "nar_object_substance": "Lorem ipsum dolor sit amet.",
  "date_of_death": "07-22-2022"
}
"""

#: Seed section "API Endpoint - Add Case Data, Sample Response".
ADD_CASE_RESPONSE = """\
{
  "results": [
    {
      "id": "987654",
      "establishment_id": "1234567",
      "year_filing_for": "2023",
      "case_number": "CS-1617",
      "job_title": "Manager",
      "date_of_incident": "07-18-2022",
      "incident_location": "Location",
      "incident_description": "Brief description",
      "incident_outcome": "1", // Refer the data dictionary
      "dafw_num_away": "1",
      "djtr_num_tr": "2",
      "type_of_incident": "1", // Refer the data dictionary
      "date_of_birth": "06-23-1998",
      "date_of_hire": "03-15-2022", "sex":
      "F", "treatment_facility_type": "0",
      "treatment_in_patient": "0",
      "time_started_work": "08:00",
      "time_of_incident": "09:20",
      "time_unknown": "0",
      "nar_before_incident": "Lorem ipsum dolor sit amet.",
      "nar_what_happened": "Lorem ipsum dolor sit amet.",
      "nar_injury_illness": "Lorem ipsum dolor sit amet.",
      "nar_object_substance": "Lorem ipsum dolor sit amet.",
      "date_of_death": "07-22-2022",
      "links": {
        "self": "/oshaApi/v1/forms/caseData/987654",
        "establishment": "/oshaApi/v1/establishments/1234567"
      }
    }
  ],
  "success": true
}
"""

#: Seed section "API Endpoint - Get Case Data By ID, Sample Response".
GET_CASE_RESPONSE = """\
{
  "results": [
    {
      "id": "456789",
      "establishment_id": "2345678",
      "year_filing_for": "2016",
      "case_number": "CS-1617",
      "job_title": "Manager",
      "date_of_incident": "07-18-2022",
      "incident_location": "Location",
      "incident_description": "Brief description",
      "incident_outcome": "1", // Refer the data dictionary
      "dafw_num_away": "1",
      "djtr_num_tr": "2",
      "type_of_incident": "1", // Refer the data dictionary
      "date_of_birth": "06-23-1998",
      "date_of_hire": "03-15-2022", "sex":
      "F", "treatment_facility_type": "0",
      "treatment_in_patient": "0",
      "time_started_work": "08:00",
      "time_of_incident": "09:20",
      "time_unknown": "0",
      "nar_before_incident": "Lorem ipsum dolor sit amet.",
      "nar_what_happened": "Lorem ipsum dolor sit amet.",
      "nar_injury_illness": "Lorem ipsum dolor sit amet.",
      "nar_object_substance": "Lorem ipsum dolor sit amet.",
      "date_of_death": "07-22-2022",
      "links": {
        "self": "/oshaApi/v1/forms/caseData/987654",
        "establishment": "/oshaApi/v1/establishments/2345678"
      }
    }
  ],
  "success": true
}
"""

#: Seed section "API Endpoint - Get Case Data by Establishment ID, Sample Response (printed across
#: two code blocks; joined here)".
LIST_CASES_RESPONSE = """\
{
  "results": [
    {
      "id": "456789",
      "case_number": "CS-1617",
      "job_title": "Manager",
      "date_of_incident": "07-18-2022",
      "incident_location": "Location",
      "incident_description": "Brief description",
      "incident_outcome": "1", // Refer the data dictionary
      "dafw_num_away": "1",
      "djtr_num_tr": "2",
      "type_of_incident": "1", // Refer the data dictionary
      "date_of_birth": "06-23-1998",
      "date_of_hire": "03-15-2022", "sex":
      "F", "treatment_facility_type": "0",
      "treatment_in_patient": "0",
      "time_started_work": "08:00",
      "time_of_incident": "09:20",
      "time_unknown": "0",
      "nar_before_incident": "Lorem ipsum dolor sit amet.",
      "nar_what_happened": "Lorem ipsum dolor sit amet.",
      "nar_injury_illness": "Lorem ipsum dolor sit amet.",
      "nar_object_substance": "Lorem ipsum dolor sit amet.",
      "date_of_death": "07-22-2022",
      "links": {
        "self": "/oshaApi/v1/forms/caseData/456789",
        "establishment": "/oshaApi/v1/establishments/2345678"
      }
    },
    {
      "id": "456790",
      "case_number": "CS-1617",
      "job_title": "Manager",
      "date_of_incident": "07-18-2022",
      "incident_location": "Location",
      "incident_description": "Brief description",
      "incident_outcome": "1", // Refer the data dictionary
      "dafw_num_away": "1",
      "djtr_num_tr": "2",
      "type_of_incident": "1", // Refer the data dictionary
      "date_of_birth": "06-23-1998",
"date_of_hire": "03-15-2022", "sex":
"F", "treatment_facility_type": "0",
"treatment_in_patient": "0",
"time_started_work": "08:00",
"time_of_incident": "09:20",
"time_unknown": "0",
"nar_before_incident": "Lorem ipsum dolor sit amet.",
"nar_what_happened": "Lorem ipsum dolor sit amet.",
"nar_injury_illness": "Lorem ipsum dolor sit amet.",
"nar_object_substance": "Lorem ipsum dolor sit amet.",
"date_of_death": "07-22-2022",
"links": {
  "self": "/oshaApi/v1/forms/caseData/456790",
  "establishment": "/oshaApi/v1/establishments/2345678"
}
}],
"success": true
}
"""

#: Seed section "API Endpoint - Edit Case Data, Sample Request (note its key "id ")".
EDIT_CASE_REQUEST = """\
{
  "id ": "456790",
  "case_number": "CS-1617",
  "job_title": "Manager",
  "date_of_incident": "07-18-2022",
  "incident_location": "Location",
  "incident_description": "Brief description",
  "incident_outcome": "1", // Refer the data dictionary
  "dafw_num_away": "1",
  "djtr_num_tr": "2",
  "type_of_incident": "1", // Refer the data dictionary
  "date_of_birth": "06-23-1998",
  "date_of_hire": "03-15-2022", "sex":
  "F", "treatment_facility_type": "0",
  "treatment_in_patient": "0",
  "time_started_work": "08:00",
  "time_of_incident": "09:20",
  "time_unknown": "0",
  "nar_before_incident": "Lorem ipsum dolor sit amet.",
  "nar_what_happened": "Lorem ipsum dolor sit amet.",
  "nar_injury_illness": "Lorem ipsum dolor sit amet.",
  "nar_object_substance": "Lorem ipsum dolor sit amet.",
  "date_of_death": "07-22-2022"
}
"""

#: Seed section "API Endpoint - Edit Case Data, Sample Response (a comma is missing after
#: "date_of_death": see EDIT_CASE_RESPONSE_FIXED)".
EDIT_CASE_RESPONSE = """\
{
  "results": [
    {
      "id": "456790",
      "establishment_id": "1234567",
      "year_filing_for": "2023",
      "case_number": "CS-1617",
      "job_title": "Manager",
      "date_of_incident": "07-18-2022",
      "incident_location": "Location",
      "incident_description": "Brief description",
      "incident_outcome": "1", // Refer the data dictionary
      "dafw_num_away": "1",
      "djtr_num_tr": "2",
      "type_of_incident": "1", // Refer the data dictionary
      "date_of_birth": "06-23-1998",
      "date_of_hire": "03-15-2022", "sex":
      "F", "treatment_facility_type": "0",
      "treatment_in_patient": "0",
      "time_started_work": "08:00",
      "time_of_incident": "09:20",
      "time_unknown": "0",
      "nar_before_incident": "Lorem ipsum dolor sit amet.",
      "nar_what_happened": "Lorem ipsum dolor sit amet.",
      "nar_injury_illness": "Lorem ipsum dolor sit amet.",
      "nar_object_substance": "Lorem ipsum dolor sit amet.",
      "date_of_death": "07-22-2022"
      "links": {
        "self": "/oshaApi/v1/forms/caseData/987654",
        "establishment": "/oshaApi/v1/establishments/1234567"
      }
    }
  ],
  "success": true
}
"""

#: Seed section "API Endpoint - Complete Submission, Sample Request".
SUBMISSION_REQUEST = """\
{
  "establishment_id": "2345678",
  "year_filing_for": "2016",
  "change_reason": "Reason for resubmission, if applicable"
}
"""

#: Seed section "API Endpoint - Complete Submission, Sample Response (elides objects with '...':
#: not JSON as printed)".
SUBMISSION_RESPONSE = """\
{
  "results": [
    {
      "id": "900800",
      "year_filing_for": "2016",
      "establishment": {
        ... see results field of Establishment response object.
      },
      "form300A": {
        ... see results field of Form 300A response object.
      },
      "caseData": [
        "/oshaApi/v1/forms/caseData/{caseDataId}",
        "/oshaApi/v1/forms/caseData/{caseDataId}",
        .
        .
        .
        "/oshaApi/v1/forms/caseData/{caseDataId}"
      ],
      "created_username": "joesample",
      "time_stamp": 1687595329,
      "links": {
        "self": "/oshaApi/v1/submissions/1",
        "establishment": "/oshaApi/v1/establishments/2345678",
        "form300A": "/oshaApi/v1/forms/form300A/1"
      }
    }
  ],
}
"""

#: Seed section "API Endpoint - Get Case Data by Submission Id, Sample Response (elides objects;
#: caseData printed with braces; key "year_filing_for ")".
GET_SUBMISSION_RESPONSE = """\
{
  "results": [
    {
      "id": "900800",
      "year_filing_for ": "2016",
      "establishment": {
        ... see results field of Establishment response object
      },
      "form300A": {
        ... see results field of Form 300A Response Object
      },
      "caseData": {
        "/oshaApi/v1/forms/caseData/{caseDataId}",
        "/oshaApi/v1/forms/caseData/{caseDataId}",
        .
        .
        .
        "/oshaApi/v1/forms/caseData/{caseDataId}"
      },
      "created_username": "joesample",
      "time_stamp": 1487125329,
      "links": {
        "self": "/oshaApi/v1/submissions/1",
        "establishment": "/oshaApi/v1/establishments/2345678",
        "form300A": "/oshaApi/v1/forms/form300A/1"
      }
    }
  ],
  "success": true
}
"""

#: EDIT_CASE_RESPONSE with the one comma the printed sample lacks (after
#: ``"date_of_death": "07-22-2022"``) added by hand.
EDIT_CASE_RESPONSE_FIXED = """\
{
  "results": [
    {
      "id": "456790",
      "establishment_id": "1234567",
      "year_filing_for": "2023",
      "case_number": "CS-1617",
      "job_title": "Manager",
      "date_of_incident": "07-18-2022",
      "incident_location": "Location",
      "incident_description": "Brief description",
      "incident_outcome": "1", // Refer the data dictionary
      "dafw_num_away": "1",
      "djtr_num_tr": "2",
      "type_of_incident": "1", // Refer the data dictionary
      "date_of_birth": "06-23-1998",
      "date_of_hire": "03-15-2022", "sex":
      "F", "treatment_facility_type": "0",
      "treatment_in_patient": "0",
      "time_started_work": "08:00",
      "time_of_incident": "09:20",
      "time_unknown": "0",
      "nar_before_incident": "Lorem ipsum dolor sit amet.",
      "nar_what_happened": "Lorem ipsum dolor sit amet.",
      "nar_injury_illness": "Lorem ipsum dolor sit amet.",
      "nar_object_substance": "Lorem ipsum dolor sit amet.",
      "date_of_death": "07-22-2022",
      "links": {
        "self": "/oshaApi/v1/forms/caseData/987654",
        "establishment": "/oshaApi/v1/establishments/1234567"
      }
    }
  ],
  "success": true
}
"""

#: GET_SUBMISSION_RESPONSE with its elisions filled by hand: the establishment and
#: 300A objects reduced to their ids, ``caseData`` as a list of two links (the Complete
#: Submission sample prints it as a list, this one with braces). The key
#: ``"year_filing_for "`` keeps the sample's trailing space.
GET_SUBMISSION_RESPONSE_FIXED = """\
{
  "results": [
    {
      "id": "900800",
      "year_filing_for ": "2016",
      "establishment": {
        "id": "2345678"
      },
      "form300A": {
        "id": "1",
        "year_filing_for": "2016"
      },
      "caseData": [
        "/oshaApi/v1/forms/caseData/456789",
        "/oshaApi/v1/forms/caseData/456790"
      ],
      "created_username": "joesample",
      "time_stamp": 1487125329,
      "links": {
        "self": "/oshaApi/v1/submissions/1",
        "establishment": "/oshaApi/v1/establishments/2345678",
        "form300A": "/oshaApi/v1/forms/form300A/1"
      }
    }
  ],
  "success": true
}
"""
