"""Privacy cases (1904.29(b)(6)-(9); recordkeeping.md §5): which cases are private, why,
and keeping the person's name out of every text that leaves the confidential files.

**Which cases.** 1904.29(b)(7) lists the privacy concern cases, and the list is complete
(1904.29(b)(8)): (i) an injury or illness to an intimate body part or the reproductive
system; (ii) a sexual assault; (iii) a mental illness; (iv) HIV, hepatitis or tuberculosis;
(v) a needlestick or cut from a sharp contaminated with another person's blood or other
potentially infectious material; (vi) another illness, when the employee independently and
voluntarily asks that the name not be entered. A case is private when

- any encounter of the case flags it (``incidents.privacy_case`` true) — or holds a flag the
  loader could not read (a cell reject): any value that is not clearly "no" keeps the case
  private (fail safe);
- the employer states a reason (``incidents.privacy_reason``, one of the kinds above);
- the data show one of the kinds (i)-(v) (:func:`suspected`) and ``Policy.privacy_auto`` is
  on (the default: the rule says these cases *must* be privacy cases).

A flagged injury (type M1) that matches none of (i)-(v) keeps its flag but is an exception
(``PRIVACY_NO_BASIS``): the data show no basis, and (vi) covers illnesses only.

**Looks like one.** A body-part row, a condition or the incident text names an intimate body
part or the reproductive system, a sexual assault, a needlestick or contaminated sharp
(``Puncture``, a needle size or manufacturer), or a condition's ICD-10 code is a mental
illness (F01–F99), HIV (B20, Z21), hepatitis (B15–B19) or tuberculosis (A15–A19).
Vectorised with ``str.contains`` per file.

**Names.** :func:`scrub_names` removes the employee's first and last names (either order,
any case, accents folded, possessive included) from a text; :func:`scrub_fields` applies it
to every free-text field of a privacy case that leaves the confidential set
(:data:`SCRUBBED_FIELDS`: log columns C, E, F and the four ITA narratives).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oshakit.cases import names as N
from oshakit.cases.text import clean, column, join_per_case, obj, per_unique

#: Whole words with their endings spelled out: a stem (``breast\w*``) would also take a
#: "breastbone" (the sternum) and make it private, which 1904.29(b)(8) forbids.
INTIMATE = (r"\b(?:intimate|genital(?:s|ia)?|reproductive|penis|penile|testic(?:le|les|ular)|"
            r"testes|scrot(?:um|al)|vagina[ls]?|vulva[lr]?|uter(?:us|ine)|ovar(?:y|ies|ian)|"
            r"breasts?|buttocks?|anus|anal|rect(?:um|al)|perine(?:um|al))\b")
SEXUAL_ASSAULT = r"\bsexual(?:ly)?\s+(?:assault\w*|abuse\w*|attack\w*|harass\w*)|\brap(?:e|ed)\b"
SHARPS = r"needle|contaminated\s+sharp|\bsharps?\s+injur"
#: What shows that a sharp was contaminated with another person's blood or other
#: potentially infectious material (1904.29(b)(7)(v)): without it a puncture or a
#: needlestick is not a privacy case, and 1904.29(b)(8) forbids treating it as one.
CONTAMINATED = (r"contaminat|\bused\s+(?:needle|syringe|sharp|lancet)|\bblood|"
                r"body\s+fluid|\bOPIM\b|infectious|patient'?s?\s+(?:needle|syringe|sharp)")
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
LABEL_SHARPS_UNSURE = ("needlestick or sharps injury, but the data does not show the sharp "
                       "was contaminated")
#: ``incidents.privacy_reason`` -> what it means, and its paragraph of 1904.29(b)(7).
REASONS = {
    "intimate": (LABEL_INTIMATE, "(i)"),
    "sexual_assault": (LABEL_ASSAULT, "(ii)"),
    "mental_illness": ("mental illness", "(iii)"),
    "infectious_disease": ("HIV, hepatitis or tuberculosis", "(iv)"),
    "needlestick": (LABEL_SHARPS, "(v)"),
    "employee_request": ("an illness the employee asked to keep private", "(vi)"),
}
#: The kinds that make a case private whatever it is, (i)-(v).
MANDATORY = ("intimate", "sexual_assault", "mental_illness", "infectious_disease",
             "needlestick")
#: Case table fields that leave the confidential files and so never name a privacy case's
#: employee: column C, E, F of the log and the ITA narratives (Form 301 items 14-17).
SCRUBBED_FIELDS = ("job_title", "location", "description", "nar_before_incident",
                   "nar_what_happened", "nar_injury_illness", "nar_object_substance")


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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per case: (looks like a privacy case, shown to be one of the kinds (i)-(v), the
    reasons as text). A sharps injury is shown to be (v) only when something in its data
    says the sharp was contaminated; otherwise it is only suspected."""
    n = len(cases)
    found: list[tuple[np.ndarray, np.ndarray]] = []  # (case, reason)
    sharps: list[np.ndarray] = []  # cases with a sharps injury
    dirty: list[np.ndarray] = []  # cases whose data shows contamination

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
        sharps.append(case[sharp])
        dirty.append(case[_any(nibp, cols, CONTAMINATED)])
    cond = children.get("conditions")
    if cond is not None:
        cond = cond[cond["_case"] >= 0]
        case = cond["_case"].to_numpy()
        add(case, _any(cond, [N.C_DESC], INTIMATE), LABEL_INTIMATE)
        add(case, _any(cond, [N.C_DESC], SEXUAL_ASSAULT), LABEL_ASSAULT)
        sharps.append(case[_any(cond, [N.C_DESC], SHARPS)])
        dirty.append(case[_any(cond, [N.C_DESC], CONTAMINATED)])
        if N.C_ICD10 in cond:
            icd = cond[N.C_ICD10].astype("str").str.upper()
            for pattern, label in ICD10:
                add(case, _has(icd, pattern), label)
    cols = [N.ACTIVITY, N.EXPLANATION, N.CAUSE]
    case = np.arange(n)
    add(case, _any(cases, cols, SEXUAL_ASSAULT), LABEL_ASSAULT)
    sharps.append(case[_any(cases, cols, SHARPS)])
    dirty.append(case[_any(cases, cols, CONTAMINATED)])
    shown = np.zeros(n, bool)  # one of (i)-(iv) so far: every other finding shows its kind
    for c, _ in found:
        shown[c] = True
    sharp, contaminated = np.zeros(n, bool), np.zeros(n, bool)
    for c in sharps:
        sharp[c] = True
    for c in dirty:
        contaminated[c] = True
    add(case, sharp & contaminated, LABEL_SHARPS)
    add(case, sharp & ~contaminated, LABEL_SHARPS_UNSURE)
    shown |= sharp & contaminated
    if not found:
        return np.zeros(n, bool), shown, np.full(n, "", dtype=object)
    c = np.concatenate([f[0] for f in found])
    r = pd.Series(np.concatenate([f[1] for f in found]), dtype="str")
    reasons = join_per_case(c, r, n)
    return reasons != "", shown, reasons


@dataclass
class Marks:
    """What the employer's data say about privacy, per case."""

    flagged: np.ndarray  # some encounter of the case has incidents.privacy_case true
    unreadable: np.ndarray  # some encounter's privacy_case cell was rejected by the loader
    reason: np.ndarray  # incidents.privacy_reason ('' when blank)
    rejects: pd.DataFrame  # the rejected cells: _case, line, value


def marks(cases: pd.DataFrame, encounters: pd.DataFrame, enc_case: np.ndarray,
          rejects: pd.DataFrame | None, file: str) -> Marks:
    """The privacy flags of every encounter of each case (openings, follow-ups, even those
    after the as-of date: a flag only ever hides a name) and the flag cells the loader
    rejected (matched on ``file``, the encounter's line and the column)."""
    n = len(cases)
    in_case = enc_case >= 0
    flag = column(encounters, N.PRIVACY, "boolean").astype("boolean").fillna(False)
    flagged = np.bincount(enc_case[in_case & flag.to_numpy(bool)], minlength=n) > 0
    bad = pd.DataFrame({"_case": pd.Series(dtype="int64"), "line": pd.Series(dtype="int64"),
                        "value": pd.Series(dtype="str")})
    if rejects is not None and len(rejects) and {"file", "line", "column"} <= set(rejects):
        hit = rejects[(rejects["file"].astype("str") == file)
                      & (rejects["column"].astype("str") == N.PRIVACY)]
        if len(hit):
            from oshakit.cases.build import lines

            where = pd.Index(lines(encounters)).get_indexer(
                pd.to_numeric(hit["line"], errors="coerce").fillna(-1).astype("int64"))
            ok = where >= 0
            case = np.where(ok, enc_case[np.where(ok, where, 0)], -1)
            value = hit["value"] if "value" in hit else pd.Series("", index=hit.index)
            bad = pd.DataFrame({
                "_case": case, "line": hit["line"].to_numpy(dtype="int64"),
                "value": value.astype("str").fillna("").to_numpy(dtype=object),
            })
            bad = bad[bad["_case"] >= 0].reset_index(drop=True)
    unreadable = np.bincount(bad["_case"].to_numpy(dtype="int64"), minlength=n) > 0
    reason = obj(clean(column(cases, N.PRIVACY_REASON)))
    return Marks(flagged, unreadable, reason, bad)


def why_private(m: Marks, auto: np.ndarray, suspected_reasons: np.ndarray) -> np.ndarray:
    """Per case: why it is a privacy case, in words ('' for a public case)."""
    n = len(m.flagged)
    unread = np.full(n, "", dtype=object)
    if len(m.rejects):
        first = m.rejects.drop_duplicates("_case")
        unread[first["_case"].to_numpy()] = first["value"].to_numpy(dtype=object)
    out = np.full(n, "", dtype=object)
    for i in np.flatnonzero(m.flagged | m.unreadable | (m.reason != "") | auto):
        parts = []
        if m.flagged[i]:
            parts.append("flagged by the employer (incidents.privacy_case)")
        if m.unreadable[i]:
            parts.append(f"incidents.privacy_case '{unread[i]}' could not be read: kept "
                         "private (fail safe)")
        if m.reason[i]:
            label, para = REASONS.get(m.reason[i], (m.reason[i], ""))
            parts.append(f"the employer's reason: {label} (incidents.privacy_reason, "
                         f"1904.29(b)(7){para})")
        if auto[i]:
            parts.append(f"privacy_auto: the data show {suspected_reasons[i]} "
                         "(1904.29(b)(7))")
        out[i] = "; ".join(parts)
    return out


# --- names --------------------------------------------------------------------------------

#: Letters NFKD does not decompose into a base letter.
_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                        "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i",
                        "ħ": "h", "þ": "th", "ð": "d"})
#: Particles of a multi-word name that are not a name on their own.
_PARTICLES = {"de", "del", "della", "der", "den", "di", "da", "das", "do", "dos", "du", "la",
              "le", "van", "von", "st", "ste", "san", "bin", "ibn", "al", "el", "y", "e"}
_APOSTROPHES = "'’"


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch.translate(_EXTRA))
    return "".join(b for b in base if not unicodedata.combining(b)).casefold()


def _fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` without accents, case-folded, and for each of its characters the position of
    the original character it came from (None when it is the same position: ASCII text)."""
    if text.isascii():
        return text.lower(), None
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for b in _fold_char(ch):
            chars.append(b)
            where.append(i)
    return "".join(chars), where


@functools.lru_cache(maxsize=4096)
def _name_words(first: str | None, last: str | None) -> tuple[str, ...]:
    """Every folded word of the names (a text that holds none of them names no one)."""
    return tuple(w for name in (first, last) if isinstance(name, str)
                 for w in re.findall(r"\w+", _fold(name)[0]))


@functools.lru_cache(maxsize=4096)
def _name_regex(first: str | None, last: str | None) -> re.Pattern | None:
    """The regex (on folded text) of a person's names: each name as a whole and each word of
    a name of several words (not particles such as 'van' or 'de', nor words of one or two
    letters), with a possessive; None when there is no name to look for."""
    out = []
    for name in (first, last):
        if not isinstance(name, str):
            continue
        words = re.findall(r"\w+", _fold(name)[0])
        if not words or (len(words) == 1 and len(words[0]) < 2):
            continue
        out.append(r"[\W_]*".join(re.escape(w) for w in words))
        if len(words) > 1:
            out += [re.escape(w) for w in words if len(w) > 2 and w not in _PARTICLES]
    if not out:
        return None
    alternatives = "|".join(sorted(set(out), key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?:[" + _APOSTROPHES + r"]s)?(?!\w)")


def scrub_names(text: str, first: str | None, last: str | None) -> str:
    """``text`` without the employee's first and last names: whole words, any case, accents
    folded ('Jose Nunez' matches José Núñez), either order, with a possessive ('s); then
    spaces and separators tidied. The one function every privacy text goes through."""
    if not isinstance(text, str) or not text:
        return text
    first = first if isinstance(first, str) else None
    last = last if isinstance(last, str) else None
    words = _name_words(first, last)
    if not words:
        return text
    folded, where = _fold(text)
    if not any(w in folded for w in words):  # cheap test first: most texts name no one
        return text
    rx = _name_regex(first, last)
    if rx is None:
        return text
    found = [m for m in rx.finditer(folded) if m.end() > m.start()]
    if not found:
        return text
    if where is None:
        spans = [(m.start(), m.end()) for m in found]
    else:
        spans = [(where[m.start()], where[m.end() - 1] + 1) for m in found]
    for a, b in reversed(spans):
        text = text[:a] + " " + text[b:]
    text = re.sub(r"[(\[]\s*[)\]]", "", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([,;.:])", r"\1", text)
    text = re.sub(r"([,;])(?:\s*[,;])+", r"\1", text)
    return re.sub(r"[ \t]+\n", "\n", text).strip(" ,;:\t")


def scrub_fields(frame: pd.DataFrame, private: np.ndarray, first, last,
                 fields=SCRUBBED_FIELDS) -> pd.DataFrame:
    """``frame`` with :func:`scrub_names` applied to ``fields`` of the ``private`` rows
    (``first``/``last``: per row). Blank results become NA.

    Vectorised first: a text of a private row is looked at one by one only when its folded
    form holds a word of some private case's names (a superset of the texts that name
    their own employee)."""
    rows = np.flatnonzero(private)
    if not len(rows):
        return frame
    first, last = obj(first), obj(last)
    words = {w for i in rows for w in _name_words(first[i], last[i])}
    if not words:
        return frame
    pattern = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    for col in fields:
        if col not in frame:
            continue
        texts = frame[col].iloc[rows].astype("str")
        folded = texts.str.lower()
        odd = texts.notna() & ~texts.str.isascii().fillna(True).astype(bool)
        if odd.any():
            folded[odd] = [_fold(t)[0] for t in texts[odd]]
        hit = folded.str.contains(pattern, regex=True).fillna(False).to_numpy(bool)
        if not hit.any():
            continue
        values = frame[col].to_numpy(dtype=object, na_value=None).copy()
        for i in rows[hit]:
            values[i] = scrub_names(values[i], first[i], last[i]) or None
        frame[col] = pd.Series(values, index=frame.index, dtype=frame[col].dtype)
    return frame
