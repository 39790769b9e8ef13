"""One exception hierarchy for the kit.

Every error a user can act on derives from :class:`OshakitError`; the CLI turns
them into one-line messages and exit code 2 (never a traceback).
"""

from __future__ import annotations

from collections.abc import Iterable


class OshakitError(Exception):
    """Base class of every error the kit raises on purpose."""


class InputError(OshakitError):
    """A problem with an input file, located by file, line and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        rule: str | None = None,
    ) -> None:
        self.file, self.line, self.column, self.rule = file, line, column, rule
        where = ":".join(str(p) for p in (file, line) if p is not None)
        if column:
            where = f"{where} [{column}]" if where else f"[{column}]"
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message


class BundleError(InputError):
    """The bundle as a whole cannot be read (missing folder, duplicate kinds...)."""


class StrictModeError(InputError):
    """Raised by ``strict=True`` loads: lists every problem found, one per line."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the bundle:\n{lines}")


class PolicyError(OshakitError):
    """A recordkeeping policy parameter has an invalid value."""


class KernelError(OshakitError):
    """No Jupyter kernel can run the notebooks."""


class ITAError(OshakitError):
    """A problem talking to OSHA's Injury Tracking Application."""


class GateRefused(ITAError):
    """A pre-submission gate refused to send data; ``reasons`` says why."""

    def __init__(self, reasons: Iterable[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("submission refused:\n" + "\n".join(f"  - {r}" for r in self.reasons))
