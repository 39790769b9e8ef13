"""The recordkeeping choices of a run, as one frozen value passed whole to every stage
(recordkeeping.md §3, §5).

A :class:`Policy` is built once at the edge — from CLI options, notebook parameters or
Python — with :meth:`Policy.parse`, validated there, and recorded whole in every output
(:meth:`Policy.to_dict`), so any PDF or CSV says under which reading it was computed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from oshakit.errors import PolicyError

#: Cap policies for the 180-day limit of 1904.7(b)(3)(vii); the first is the default.
CAPS = ("combined", "per_column", "none")
#: The day limit of the cap.
CAP_DAYS = 180
#: The on/off choices of a policy.
FLAGS = ("privacy_auto", "stop_at_termination", "eh_compat")
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


def parse_date(value: object, what: str = "as_of") -> dt.date | None:
    """A date from a ``date``/``datetime`` or ``YYYY-MM-DD`` text; None stays None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise PolicyError(f"{what} must be a date written YYYY-MM-DD, such as 2024-12-31, "
                      f"not {value!r}")


def _parse_bool(value: object, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise PolicyError(f"{what} must be true or false, not {value!r}")


@dataclass(frozen=True)
class Policy:
    """How to read the choices the regulation leaves open, and the dates of the run.

    ``cap``: ``combined`` (default: K = min(away, 180), L = min(restricted, 180 - K)),
    ``per_column`` (each column capped at 180) or ``none``.
    ``as_of``: the records as they stood on that date — injuries, deaths, follow-ups and
    spans after it do not exist yet, and open spans run to it. None: the end of each
    case's log year, or the run date when that is earlier.
    ``today``: the run date (default: the day the policy is built); no day after it counts.
    ``privacy_auto``: apply the privacy treatment to a case the data shows is one of the
    kinds of 1904.29(b)(7) even when the employer did not flag it (default, as the rule
    says "must"); off only reports it.
    ``stop_at_termination``: stop counting days when the employee leaves the company for a
    reason unrelated to the injury (``employees.termination_date`` / ``termination_reason``;
    1904.7(b)(3)(viii) says the employer *may*; default on). Off counts on as if employed.
    ``eh_compat``: reproduce Enterprise Health's own OSHA 300 report (no restricted days
    once a case has lost time, each column capped at 180, days counted to the run date;
    no expected ends, no physician-over-employer rule, no stop at termination).
    """

    cap: str = CAPS[0]
    as_of: dt.date | None = None
    today: dt.date | None = None
    privacy_auto: bool = True
    stop_at_termination: bool = True
    eh_compat: bool = False

    def __post_init__(self) -> None:
        if self.cap not in CAPS:
            raise PolicyError(f"cap must be one of {', '.join(CAPS)}, not {self.cap!r}")
        for name in FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise PolicyError(f"{name} must be True or False, not {getattr(self, name)!r}")
        object.__setattr__(self, "as_of", parse_date(self.as_of, "as_of"))
        today = parse_date(self.today, "today") or dt.date.today()
        object.__setattr__(self, "today", today)
        if self.as_of is not None and self.as_of > today:
            raise PolicyError(f"as_of {self.as_of.isoformat()} is after the run date "
                              f"{today.isoformat()}: the records cannot be known as they "
                              "will stand; give a date up to today")

    @classmethod
    def parse(cls, **options: Any) -> Policy:
        """A policy from loose options as a CLI or notebook gives them: text dates, text
        flags, and None for "the default". Unknown option names are an error."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise PolicyError(f"unknown policy option(s): {', '.join(unknown)}; "
                              f"known: {', '.join(sorted(names))}")
        given = {k: v for k, v in options.items() if v is not None}
        for flag in FLAGS:
            if flag in given:
                given[flag] = _parse_bool(given[flag], flag)
        return cls(**given)

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON-ready values (dates as ``YYYY-MM-DD``)."""
        return {k: v.isoformat() if isinstance(v, dt.date) else v
                for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Policy:
        return cls.parse(**data)

    @property
    def effective_cap(self) -> str:
        """The cap actually applied: EH's report caps each column on its own."""
        return "per_column" if self.eh_compat else self.cap

    def with_eh_compat(self, on: bool) -> Policy:
        return replace(self, eh_compat=on)

    def describe(self) -> str:
        as_of = self.as_of.isoformat() if self.as_of else "end of log year (or the run date)"
        return (
            f"cap={self.effective_cap}, as_of={as_of}, run date={self.today.isoformat()}, "
            f"privacy_auto={self.privacy_auto}, "
            f"stop_at_termination={self.stop_at_termination}, eh_compat={self.eh_compat}"
        )
