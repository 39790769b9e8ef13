"""Privacy cases (1904.29(b)(6)-(9)): what looks like one, and keeping names off the log.

A case looks like a privacy case when a body-part row, a condition or the incident text
names an intimate body part or the reproductive system, a sexual assault, a needlestick
or contaminated sharp (``Puncture``, a needle size or manufacturer), or a condition's
ICD-10 code is a mental illness (F01–F99), HIV (B20, Z21), hepatitis (B15–B19) or
tuberculosis (A15–A19). Vectorised with ``str.contains`` per file.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from oshakit.cases import names as N
from oshakit.cases.text import clean, join_per_case, per_unique

INTIMATE = (r"\b(?:intimate|genital\w*|reproductive|penis|penile|testic\w*|testes|scrot\w*|"
            r"vagin\w*|vulva\w*|uter\w*|ovar\w*|breast\w*|buttock\w*|anus|anal|rect(?:um|al)|"
            r"perine\w*)\b")
SEXUAL_ASSAULT = r"\bsexual(?:ly)?\s+(?:assault\w*|abuse\w*|attack\w*|harass\w*)|\brap(?:e|ed)\b"
SHARPS = r"needle|contaminated\s+sharp|\bsharps?\s+injur"
#: ICD-10 code -> label; the first match names the reason.
ICD10 = (
    (r"(?<![A-Z0-9])(?:F0[1-9]|F[1-9]\d)", "mental illness (ICD-10 F01-F99)"),
    (r"(?<![A-Z0-9])(?:B20|Z21)", "HIV (ICD-10 B20/Z21)"),
    (r"(?<![A-Z0-9])B1[5-9]", "hepatitis (ICD-10 B15-B19)"),
    (r"(?<![A-Z0-9])A1[5-9]", "tuberculosis (ICD-10 A15-A19)"),
)
LABEL_INTIMATE = "intimate body part or reproductive system"
LABEL_ASSAULT = "sexual assault"
LABEL_SHARPS = "needlestick or cut from a contaminated sharp"


def _has(s: pd.Series, pattern: str) -> np.ndarray:
    def contains(u: pd.Series) -> pd.Series:
        return u.str.contains(pattern, flags=re.IGNORECASE, regex=True).fillna(False).astype(bool)

    return per_unique(s, contains).to_numpy(dtype=bool)


def _any(frame: pd.DataFrame, cols: list[str], pattern: str) -> np.ndarray:
    """Rows where any of ``cols`` matches ``pattern``."""
    hit = np.zeros(len(frame), bool)
    for col in cols:
        if col in frame:
            hit = hit | _has(frame[col], pattern)
    return hit


def suspected(
    cases: pd.DataFrame, children: dict[str, pd.DataFrame]
) -> tuple[np.ndarray, np.ndarray]:
    """Per case: (looks like a privacy case, the reasons as text)."""
    n = len(cases)
    found: list[tuple[np.ndarray, np.ndarray]] = []  # (case, reason)

    def add(case: np.ndarray, mask: np.ndarray, reason) -> None:
        if mask.any():
            found.append((case[mask], np.full(mask.sum(), reason, dtype=object)))

    nibp = children.get("nibp")
    if nibp is not None:
        nibp = nibp[nibp["_case"] >= 0]
        case = nibp["_case"].to_numpy()
        cols = [N.N_NATURE, N.N_PART, N.N_COMMENT]
        add(case, _any(nibp, cols, INTIMATE), LABEL_INTIMATE)
        add(case, _any(nibp, cols, SEXUAL_ASSAULT), LABEL_ASSAULT)
        sharp = _any(nibp, cols, SHARPS)
        if N.N_LACERATION in nibp:
            sharp = sharp | nibp[N.N_LACERATION].astype("str").eq("Puncture").to_numpy(bool)
        for col in (N.N_SIZE, N.N_MAKER):
            if col in nibp:
                sharp = sharp | clean(nibp[col]).notna().to_numpy()
        add(case, sharp, LABEL_SHARPS)
    cond = children.get("conditions")
    if cond is not None:
        cond = cond[cond["_case"] >= 0]
        case = cond["_case"].to_numpy()
        add(case, _any(cond, [N.C_DESC], INTIMATE), LABEL_INTIMATE)
        add(case, _any(cond, [N.C_DESC], SEXUAL_ASSAULT), LABEL_ASSAULT)
        add(case, _any(cond, [N.C_DESC], SHARPS), LABEL_SHARPS)
        if N.C_ICD10 in cond:
            icd = cond[N.C_ICD10].astype("str").str.upper()
            for pattern, label in ICD10:
                add(case, _has(icd, pattern), label)
    cols = [N.ACTIVITY, N.EXPLANATION, N.CAUSE]
    case = np.arange(n)
    add(case, _any(cases, cols, SEXUAL_ASSAULT), LABEL_ASSAULT)
    add(case, _any(cases, cols, SHARPS), LABEL_SHARPS)
    if not found:
        return np.zeros(n, bool), np.full(n, "", dtype=object)
    c = np.concatenate([f[0] for f in found])
    r = pd.Series(np.concatenate([f[1] for f in found]), dtype="str")
    reasons = join_per_case(c, r, n)
    return reasons != "", reasons


def mask_names(text: str, first: str | None, last: str | None) -> str:
    """Remove the employee's first and last name from a description (whole words)."""
    for name in (first, last):
        if isinstance(name, str) and name.strip():
            text = re.sub(rf"\b{re.escape(name.strip())}(?:'s)?\b", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"\s+([,;.])", r"\1", text)
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return text.strip(" ,;")
