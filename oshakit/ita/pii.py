"""The PII gate: nothing that identifies an employee or their health care provider is sent.

OSHA's ITA specification asks that no personally identifiable information be sent: names,
Social Security numbers, addresses, telephone numbers, e-mail addresses, health care
provider information, family members; 29 CFR 1904.41(b) leaves the employee's name and
address, the health care professional's name and the treatment facility out of case data.
:func:`pii_scan` looks in every text field of every case-data body
(:data:`SCANNED_FIELDS`) for:

- **employee name**: the full name of any employee of the bundle (either order, with or
  without a comma or a middle initial), and any single first or last name of *that case's*
  employee, whatever its case and accents ("jose perez", "PEREZ" and "Pérez" for
  "José Pérez"; "obrien" for "O'Brien");
- **address**: the employee's street address (house number and street name);
- **date of birth**: the employee's, written as ``1980-06-23``, ``6/23/1980``,
  ``06-23-80``, ``23.06.1980``, ``June 23, 1980`` or ``23 Jun 1980``;
- **physician** and **treatment facility**: the names (and the facility's street) in the
  bundle's physician and hospital fields;
- **ssn**, **phone** (10 digits, or a 7-digit local number: NNN-NNNN, or after call,
  phone, tel, cell, ext...), **email** by their patterns.

False positives are kept low: a name that is also a common English word (``Black``,
``Young``, ``Rose``, ``Burns``; :data:`COMMON_WORDS`) or shorter than three letters only
counts in a name-like position: after a title or a word such as "employee" or "coworker",
capitalised with a possessive ("Young's"), or capitalised inside a sentence and not part of
a longer proper name ("Black & Decker", "Rose Hill Road"); next to the employee's other
name it is a full name anyway. Each hit says what matched and why (``why``), so the user
can find and fix it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SCANNED_FIELDS = ("job_title", "incident_location", "incident_description",
                  "nar_before_incident", "nar_what_happened", "nar_injury_illness",
                  "nar_object_substance")
PII_COLUMNS = ["establishment_name", "case_number", "field", "kind", "found", "why"]
PATTERNS = {
    "ssn": re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)|(?<!\d)\d{9}(?!\d)"),
    "phone": re.compile(r"(?<![\d-])(?:\+?1[-.\s]?)?(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}"
                        r"(?![\d-])|(?<!\d)\d{10}(?!\d)"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
}
#: A 7-digit local number (group ``num``): NNN-NNNN anywhere ("call 555-1234", "x 555-1234"),
#: or NNN.NNNN, NNN NNNN, NNNNNNN after call/phone/tel/cell/mobile/fax/ext. Not an ISO date
#: (2024-06-23), a case number such as 2024-0001 or 2024-001, or a time.
PHONE7 = re.compile(
    r"(?:\b(?:call(?:ed)?|phone|ph|tel|telephone|cell|mobile|fax|ext|extension)\b[.:#]?\s*"
    r"(?:(?:at|is|no\.?|number|#)\s*)?(?P<num>(?<![\d-])\d{3}[-.\s]?\d{4}(?![\d-]))"
    r"|(?P<bare>(?<![\d\-./:])\d{3}-\d{4}(?![\d\-/:])))",
    re.IGNORECASE,
)
#: Columns of the case-level facts (``ITAInputs.case_pii``) the scan reads.
CASE_PII_COLUMNS = ["establishment_name", "case_number", "first_name", "last_name",
                    "street", "date_of_birth", "physician", "facility_name",
                    "facility_street"]



def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: Names that are also everyday English words (and words of injury reports): alone they
#: count only in a name-like position.
COMMON_WORDS = _set("""
abbott ash april august baker ball banks bass bell berry best bill bird bishop black bond
booth brand bright brook brooks brown buck bull burns bush butcher card carpenter case cash
chance chase cherry church clay cook cross crystal cutter daisy dawn day dean doe drake drew
early east english fair faith fall falls field fields fine fisher ford forest fox frank free
frost gale gay glass gold good grace grant gray green grey guy hall hand hardy hart hawk
hazel head heath hill hills holly honey hope house hunt hunter hurt iris ivy jack jade joy
judge june just key king kind knight lake lamb lane law lee light lily little long love
major mark marsh mason may mills moon moss new noble north oak olive page park parks pearl
penny pine pool porter post power price pride rain ray reed rice rich rivers rob rock rose
ruby rush salt sand sharp shepherd short silver sky small snow spring steel stone storm
strong summer sun swift tanner turner walker wall ward waters way webb wells west white will
winter wise wolf wood woods young
""")
#: Words that, written just before a name, make it a name.
TITLES = _set("""
mr mrs ms miss mx dr doctor employee employees ee coworker coworkers co-worker co-workers
worker iw supervisor nurse named called
""")
#: Parts of names that are never a name alone.
PARTICLES = _set("van von der den de del della da di du la le los las st bin ibn al el "
                      "ben mac jr sr ii iii iv")
#: Credentials written after a provider's name ("Dr. S. Iyer, MD").
CREDENTIALS = _set("md do np pa pa-c rn lpn fnp dnp aprn crnp phd dpm dc od mbbs atc pt "
                        "dpt emt paramedic doctor dr mr mrs ms")
#: Words of facility names that say what it is, not which one.
GENERIC = _set("hospital hospitals medical center centre clinic clinics health healthcare "
                    "care urgent emergency general regional community memorial university "
                    "east west north south of the and at occupational")

_SPECIAL = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "t", "ħ": "h", "ı": "i", "ß": "s",
            "æ": "a", "œ": "o", "’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"}
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
_MONTHS = {m: i for i, ms in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for m in ms}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("mdy", re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})(?!\d)")),
    ("Mdy", re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b")),
    ("dMy", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+"
                       rf"(\d{{4}})\b")),
)


def fold(text: str) -> str:
    """``text`` lower-cased and without accents, *one character for one*, so a match in the
    folded text is the same span of the original ("José Pérez" -> "jose perez")."""
    out = []
    for ch in text:
        low = ch.lower()
        if len(low) != 1:
            low = ch
        if low in _SPECIAL:
            out.append(_SPECIAL[low])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", low)
                       if not unicodedata.combining(c))
        out.append(base if len(base) == 1 else low)
    return "".join(out)


def name_words(value: Any) -> list[str]:
    """The folded words of a name ("O'Brien-Smith" -> o'brien-smith, obrien-smith, o'brien,
    obrien, smith), particles left out."""
    if not isinstance(value, str) or not value.strip():
        return []
    words: list[str] = []
    for m in _WORD.finditer(fold(value)):
        w = m.group(0)
        forms = [w, *w.split("-")] if "-" in w else [w]
        for f in forms:
            for g in (f, f.replace("'", "")):
                if g and g not in PARTICLES and g not in words:
                    words.append(g)
    return words


def _core(value: Any) -> list[str]:
    """The main words of a name, in order, for full-name pairs (no particles or initials)."""
    if not isinstance(value, str):
        return []
    return [w for w in (m.group(0) for m in _WORD.finditer(fold(value)))
            if w not in PARTICLES and len(w) > 1]


def _weak(word: str) -> bool:
    """A name word that alone is no evidence: a common word or shorter than 3 letters."""
    return word in COMMON_WORDS or len(word.replace("'", "")) < 3


@dataclass
class _Token:
    word: str  # folded
    start: int
    end: int
    capital: bool
    sentence_start: bool


def _tokens(text: str, folded: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(folded):
        w, s, e = m.group(0), m.start(), m.end()
        if len(w) > 2 and w[-2:] == "'s":  # a possessive 's is not part of the word
            w, e = w[:-2], e - 2
        before = text[:s].rstrip()
        out.append(_Token(w, s, e, text[s].isupper(),
                          not before or before[-1] in ".!?;:\n\"(" or before.endswith("--")))
    return out


def _name_like(text: str, tokens: list[_Token], i: int) -> bool:
    """Whether token ``i`` sits where a name sits: after a title, capitalised with a
    possessive, or capitalised inside a sentence and not part of a longer proper name."""
    t = tokens[i]
    if i > 0 and tokens[i - 1].word.rstrip(".") in TITLES and \
            text[tokens[i - 1].end:t.start].strip() in ("", "."):
        return True
    if not t.capital:
        return False
    if text[t.end:t.end + 2] in ("'s", "’s"):
        return True
    if t.sentence_start:
        return False
    after = text[t.end:].lstrip()
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    joined_next = nxt is not None and nxt.capital and text[t.end:nxt.start].strip() in ("", "&")
    prev = tokens[i - 1] if i > 0 else None
    joined_prev = prev is not None and prev.capital and not prev.sentence_start and \
        text[prev.end:t.start].strip() in ("", "&")
    return not (joined_next or joined_prev or after.startswith("&"))


@dataclass
class _Person:
    """Names of one employee (folded)."""

    first: list[str]
    last: list[str]
    label: str

    @property
    def pairs(self) -> set[tuple[str, str]]:
        out = set()
        f, lw = self.first, self.last
        if f and lw:
            for a in {f[0], f[-1]}:
                for b in {lw[0], lw[-1]}:
                    for x in {a, a.replace("'", "")}:
                        for y in {b, b.replace("'", "")}:
                            out |= {(x, y), (y, x)}
        return out


@dataclass
class _Case:
    person: _Person | None = None
    street: re.Pattern[str] | None = None
    street_text: str = ""
    birth: pd.Timestamp | None = None


@dataclass
class PIIFacts:
    """What the scan looks for, built once per submission: every employee's full name,
    each case's own employee, address and date of birth, and the providers of the bundle."""

    pairs: dict[tuple[str, str], str] = field(default_factory=dict)  # pair -> whose
    cases: dict[tuple[str | None, str], _Case] = field(default_factory=dict)
    everyone: dict[str, str] = field(default_factory=dict)  # single -> whose (no case facts)
    providers: list[tuple[str, re.Pattern[str], str, bool]] = field(default_factory=list)

    @classmethod
    def build(cls, employees: pd.DataFrame | None = None,
              case_pii: pd.DataFrame | None = None) -> PIIFacts:
        facts = cls()
        for first, last in _people(employees):
            p = _Person(_core(first), _core(last), f"{first} {last}".strip())
            for pair in p.pairs:
                facts.pairs.setdefault(pair, f"full name of employee {p.label}")
            for w in name_words(first) + name_words(last):
                facts.everyone.setdefault(w, f"name of employee {p.label}")
        if case_pii is not None and len(case_pii):
            providers: dict[tuple[str, str], tuple[str, re.Pattern[str], str, bool]] = {}
            for row in case_pii.to_dict("records"):
                c = _Case()
                first, last = _text(row.get("first_name")), _text(row.get("last_name"))
                if first or last:
                    c.person = _Person(name_words(first), name_words(last),
                                       f"{first} {last}".strip())
                    for pair in _Person(_core(first), _core(last), "").pairs:
                        facts.pairs.setdefault(pair, f"full name of employee {c.person.label}")
                c.street_text = _text(row.get("street"))
                c.street = _street(c.street_text)
                dob = pd.to_datetime(row.get("date_of_birth"), errors="coerce")
                c.birth = None if pd.isna(dob) else pd.Timestamp(dob)
                key = (_text(row.get("establishment_name")) or None, _text(row.get("case_number")))
                facts.cases[key] = c
                facts.cases.setdefault((None, key[1]), c)
                for kind, rx, label, weak in _provider_patterns(row):
                    providers.setdefault((kind, rx.pattern), (kind, rx, label, weak))
            facts.providers = list(providers.values())
        return facts

    def case(self, establishment: str | None, number: Any) -> _Case | None:
        number = _text(number)
        return self.cases.get((establishment, number)) or self.cases.get((None, number))

    def find(self, text: str, case: _Case | None = None) -> list[tuple[str, str, str]]:
        """(kind, found, why) of every PII hit in ``text``; ``case``: that case's facts
        (None: single names of every employee count, capitalised)."""
        folded = fold(text)
        hits: list[tuple[int, int, str, str]] = []  # start, end, kind, why
        for kind, rx in PATTERNS.items():
            hits += [(m.start(), m.end(), kind, f"{kind} pattern") for m in rx.finditer(text)]
        for m in PHONE7.finditer(text):
            group = "num" if m.group("num") else "bare"
            hits.append((*m.span(group), "phone", "phone pattern (7-digit local number)"))
        tokens = _tokens(text, folded)
        used: set[int] = set()
        for i in range(len(tokens) - 1):
            j = i + 1
            if len(tokens[j].word) == 1 and j + 1 < len(tokens) and \
                    _initial(text[tokens[i].end:tokens[j + 1].start]):  # "Maria J. Kowalski"
                j += 1
            elif text[tokens[i].end:tokens[j].start].strip() not in ("", ","):
                continue
            who = self.pairs.get((tokens[i].word, tokens[j].word))
            if who is not None:
                hits.append((tokens[i].start, tokens[j].end, "employee name", who))
                used |= {i, j}
        for i, t in enumerate(tokens):
            if i in used:
                continue
            parts = [t.word, t.word.replace("'", "")] + (t.word.split("-") if "-" in t.word
                                                         else [])
            if case is not None and case.person is not None:
                p = case.person
                w = next((w for w in parts if w in p.first or w in p.last), None)
                if w is not None and (not _weak(w) or _name_like(text, tokens, i)):
                    which = "first" if w in p.first else "last"
                    hits.append((t.start, t.end, "employee name",
                                 f"{which} name of this case's employee ({p.label})"))
            elif case is None:
                w = next((w for w in parts if w in self.everyone), None)
                if w is not None and t.capital and (not _weak(w) or _name_like(text, tokens, i)):
                    hits.append((t.start, t.end, "employee name", self.everyone[w]))
        if case is not None:
            if case.street is not None:
                hits += [(m.start(), m.end(), "address",
                          f"street address of this case's employee ({case.street_text})")
                         for m in case.street.finditer(folded)]
            if case.birth is not None:
                hits += [(s, e, "date of birth",
                          f"date of birth of this case's employee ({case.birth:%Y-%m-%d})")
                         for s, e in _dates(folded, case.birth)]
        for kind, rx, label, weak in self.providers:
            for m in rx.finditer(folded):
                if weak and not _name_like(text, tokens, _token_at(tokens, m.start())):
                    continue
                hits.append((m.start(), m.end(), kind, label))
        return [(kind, text[s:e], why) for s, e, kind, why in _outermost(hits)]


def _outermost(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Hits in text order, without those inside a longer hit of the same kind."""
    out: list[tuple[int, int, str, str]] = []
    for h in sorted(hits, key=lambda h: (h[0], -h[1])):
        if not any(o[2] == h[2] and o[0] <= h[0] and h[1] <= o[1] for o in out):
            out.append(h)
    return out


def _token_at(tokens: list[_Token], start: int) -> int:
    return next((i for i, t in enumerate(tokens) if t.start == start), 0)


def _initial(between: str) -> bool:
    """``between`` is a middle initial between two words (" J. ")."""
    return re.fullmatch(r"\s+[^\W\d_]\.?\s+", between) is not None


def _text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return "" if text in ("nan", "<NA>", "None", "NaT") else text


def _people(employees: pd.DataFrame | None) -> Iterable[tuple[str, str]]:
    if employees is None or not len(employees):
        return []
    cols = {}
    for name in ("first_name", "last_name"):
        for c in (f"employees.{name}", name):
            if c in employees.columns:
                cols[name] = employees[c]
                break
    if len(cols) < 2:
        return []
    return zip(cols["first_name"].map(_text), cols["last_name"].map(_text), strict=True)


def _street(street: str) -> re.Pattern[str] | None:
    """House number and the first word of the street name ("4028 Lincoln Road" ->
    4028 lincoln), or the whole name when it has no number."""
    words = [m.group(0) for m in re.finditer(r"[^\W_]+", fold(street))]
    if not words:
        return None
    if words[0].isdigit() and len(words) >= 2:
        return re.compile(rf"(?<![\w]){re.escape(words[0])}\W+{re.escape(words[1])}\b")
    if len(words) >= 2 and sum(len(w) for w in words) >= 8:
        return re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b")
    return None


def _provider_patterns(row: Mapping[str, Any]) -> list[tuple[str, re.Pattern[str], str, bool]]:
    """Patterns of the physician's and the treatment facility's names in a case's facts:
    (kind, pattern, why, weak: counts only in a name-like position)."""
    out: list[tuple[str, re.Pattern[str], str, bool]] = []

    def phrase(words: list[str]) -> re.Pattern[str]:
        return re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b")

    doctor = _text(row.get("physician"))
    words = [w for w in _core(doctor.split(",")[0]) if w.rstrip(".") not in CREDENTIALS]
    if words:
        out.append(("physician", phrase(words[-1:]),
                    f"name of a physician in the bundle ({doctor})", _weak(words[-1])))
    facility = _text(row.get("facility_name"))
    words = [m.group(0) for m in re.finditer(r"[^\W_]+", fold(facility))]
    if words:
        why = f"treatment facility in the bundle ({facility})"
        out.append(("treatment facility", phrase(words), why, False))
        core = [w for w in words if w not in GENERIC]
        if len(core) >= 2 and core != words:  # "Mount Auburn" of "Mount Auburn Hospital"
            out.append(("treatment facility", phrase(core), why, False))
    street = _text(row.get("facility_street"))
    rx = _street(street) if street else None
    if rx is not None:
        out.append(("treatment facility", rx,
                    f"street address of a treatment facility in the bundle ({street})", False))
    return out


def _dates(folded: str, birth: pd.Timestamp) -> list[tuple[int, int]]:
    """The spans of ``folded`` text that write the date ``birth``."""
    found = []
    y, m, d = birth.year, birth.month, birth.day
    for form, rx in _DATES:
        for hit in rx.finditer(folded):
            a, b, c = hit.groups()
            if form == "ymd":
                ok = int(a) == y and int(b) == m and int(c) == d
            elif form == "mdy":
                same_year = int(c) == (y if len(c) == 4 else y % 100)
                ok = same_year and (int(a), int(b)) in ((m, d), (d, m))
            elif form == "Mdy":
                ok = _MONTHS[a] == m and int(b) == d and int(c) == y
            else:
                ok = int(a) == d and _MONTHS[b] == m and int(c) == y
            if ok:
                found.append((hit.start(), hit.end()))
    return found


def pii_scan(cases: list[dict[str, Any]], employees: pd.DataFrame | None = None,
             case_pii: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every PII hit in the text fields of ``cases`` (case-data bodies): one row per hit,
    with the establishment, case number, field, kind, what was found and why it counts.
    ``employees``: the bundle's employee names (full names of anyone count);
    ``case_pii``: per case (:data:`CASE_PII_COLUMNS`), its employee, address, date of
    birth, physician and facility. A case without facts is scanned for every employee's
    capitalised single names instead."""
    facts = PIIFacts.build(employees, case_pii)
    rows = []
    for case in cases:
        name = (case.get("establishment") or {}).get("establishment_name") \
            or case.get("establishment_name")
        facts_of = facts.case(name, case.get("case_number")) if facts.cases else None
        for fld in SCANNED_FIELDS:
            text = case.get(fld)
            if not isinstance(text, str) or not text:
                continue
            for kind, found, why in facts.find(text, facts_of):
                rows.append({"establishment_name": name, "case_number": case.get("case_number"),
                             "field": fld, "kind": kind, "found": found, "why": why})
    return pd.DataFrame(rows, columns=PII_COLUMNS)


def refusal(hit: Mapping[str, Any]) -> str:
    """The gate's refusal for one hit: where, what matched and why."""
    return (f"case {hit['case_number']} {hit['field']}: {hit['kind']} {hit['found']!r} "
            f"({hit['why']}; PII must not be sent)")


def case_facts(cases: pd.DataFrame, names: Mapping[str, str] | None = None,
               people: pd.DataFrame | None = None) -> pd.DataFrame:
    """:data:`CASE_PII_COLUMNS` of ``rec.cases``/``rec.log`` rows; ``names``: establishment
    code -> ITA establishment name; ``people``: ``Result.people`` (first and last names by
    ``pat_id``; without it the names come from ``employee_name``, "Last, First")."""
    n = len(cases)

    def col(name: str) -> pd.Series:
        return cases[name] if name in cases else pd.Series(pd.NA, index=cases.index)

    employee = col("employee_name").map(_text)
    parts = employee.str.split(",", n=1)
    # object first: with no comma in any name, .str[1] is all-NaN float64
    first = parts.str[1].astype("object").fillna("").str.strip()
    last = parts.str[0].astype("object").fillna("").str.strip()
    if people is not None and len(people) and {"pat_id", "first_name", "last_name"} <= set(
            people.columns):
        by_id = people.drop_duplicates("pat_id").set_index("pat_id")
        ids = col("employee_pat_id").astype("str")
        known = ids.isin(by_id.index)
        first = first.where(~known, ids.map(by_id["first_name"]).map(_text))
        last = last.where(~known, ids.map(by_id["last_name"]).map(_text))
    out = pd.DataFrame({
        "establishment_name": col("establishment_code").astype("str").map(dict(names or {})),
        "case_number": col("case_number").astype("str"),
        "first_name": first, "last_name": last,
        "street": col("employee_street"), "date_of_birth": col("date_of_birth"),
        "physician": col("physician"), "facility_name": col("facility_name"),
        "facility_street": col("facility_street"),
    }, index=cases.index)
    assert len(out) == n
    return out.reset_index(drop=True)[CASE_PII_COLUMNS]
