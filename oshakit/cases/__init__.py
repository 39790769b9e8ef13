"""Cases: encounters -> the cases of the OSHA 300 log, with days, outcome, type, privacy,
exceptions, row accounting and a plain-language explanation of every value.

    from oshakit.cases import reconcile, Policy
    rec = reconcile(bundle, policy=Policy(cap="combined"), year=2024)
    rec.log, rec.exceptions, rec.accounting, rec.eh_diff
"""

from oshakit.cases.policy import CAPS, Policy
from oshakit.cases.reconciliation import CASE_COLUMNS, Reconciliation, reconcile

__all__ = ["CAPS", "CASE_COLUMNS", "Policy", "Reconciliation", "reconcile"]
