"""The recordkeeping choices of a run, as one value passed down (recordkeeping.md §3, §5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from oshakit.errors import PolicyError

#: Cap policies for the 180-day limit of 1904.7(b)(3)(vii).
CAPS = ("combined", "per_column", "none")
#: The day limit of the cap.
CAP_DAYS = 180


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return pd.Timestamp(value.strip()).date()
        except (ValueError, TypeError) as exc:
            raise PolicyError(
                f"as_of must be a date such as 2024-12-31, not {value!r}"
            ) from exc
    raise PolicyError(f"as_of must be a date or a 'YYYY-MM-DD' string, not {type(value).__name__}")


@dataclass(frozen=True)
class Policy:
    """How to read the choices the regulation leaves open.

    ``cap``: ``combined`` (default: K = min(away, 180), L = min(restricted, 180 - K)),
    ``per_column`` (each column capped at 180) or ``none``.
    ``privacy_auto``: apply a suspected privacy case instead of only reporting it.
    ``as_of``: the date open spans run to (a date or ``YYYY-MM-DD``); default the end of
    the case's log year, or today when that is earlier (and no day after today counts,
    even on a span whose planned end is later). When given, every span stops there.
    ``eh_compat``: reproduce Enterprise Health's own OSHA 300 report (no restricted days
    once a case has lost time, each column capped at 180, days counted to the run date).
    """

    cap: str = "combined"
    privacy_auto: bool = False
    as_of: dt.date | str | None = None
    eh_compat: bool = False

    def __post_init__(self) -> None:
        if self.cap not in CAPS:
            raise PolicyError(f"cap must be one of {', '.join(CAPS)}, not {self.cap!r}")
        for name in ("privacy_auto", "eh_compat"):
            if not isinstance(getattr(self, name), bool):
                raise PolicyError(f"{name} must be True or False, not {getattr(self, name)!r}")
        object.__setattr__(self, "as_of", _as_date(self.as_of))

    @property
    def effective_cap(self) -> str:
        """The cap actually applied: EH's report caps each column on its own."""
        return "per_column" if self.eh_compat else self.cap

    def with_eh_compat(self, on: bool) -> Policy:
        return replace(self, eh_compat=on)

    def describe(self) -> str:
        as_of = self.as_of.isoformat() if self.as_of else "end of log year (or today)"
        return (
            f"cap={self.effective_cap}, privacy_auto={self.privacy_auto}, as_of={as_of}, "
            f"eh_compat={self.eh_compat}"
        )
