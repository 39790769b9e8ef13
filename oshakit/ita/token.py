"""The ITA API token: read from the environment, never from an argument, never shown.

The token comes from ``OSHAKIT_ITA_TOKEN`` or from the file named by
``OSHAKIT_ITA_TOKEN_FILE``. It is held in a :class:`Token` whose ``repr`` and ``str``
hide it, and :class:`RedactingFilter` scrubs it (and any ``Bearer`` credential) from log
records, so that it cannot end up in a log, the ledger or an output file by accident.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path

from oshakit.errors import ITAError

ENV_TOKEN = "OSHAKIT_ITA_TOKEN"
ENV_TOKEN_FILE = "OSHAKIT_ITA_TOKEN_FILE"
REDACTED = "***"
_BEARER = re.compile(r"(Bearer\s+)[^\s'\",}]+", re.IGNORECASE)


class Token:
    """A secret string that never prints itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        value = value.strip()
        if not value:
            raise ITAError("the ITA API token is empty")
        self._value = value

    def reveal(self) -> str:
        """The token itself: only for the Authorization header."""
        return self._value

    def __repr__(self) -> str:
        return f"Token({REDACTED})"

    __str__ = __repr__


def load_token(environ: Mapping[str, str] | None = None) -> Token:
    """The token from ``OSHAKIT_ITA_TOKEN`` or the file named by ``OSHAKIT_ITA_TOKEN_FILE``."""
    env = os.environ if environ is None else environ
    if env.get(ENV_TOKEN, "").strip():
        return Token(env[ENV_TOKEN])
    path = env.get(ENV_TOKEN_FILE, "").strip()
    if path:
        try:
            return Token(Path(path).expanduser().read_text(encoding="utf-8"))
        except OSError as exc:
            raise ITAError(f"cannot read the ITA token file named by {ENV_TOKEN_FILE}: "
                           f"{exc.strerror}") from None
    raise ITAError(
        f"no ITA API token: set {ENV_TOKEN}, or {ENV_TOKEN_FILE} to a file holding it "
        "(the token is never taken as an argument or a notebook parameter)"
    )


def redact(text: str, token: Token | None = None) -> str:
    """``text`` with every Bearer credential and the token's value replaced by ``***``."""
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    if token is not None:
        text = text.replace(token.reveal(), REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Scrub the token from every record passing through the handler or logger."""

    def __init__(self, token: Token | None = None) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self.token)
        if clean != message:
            record.msg, record.args = clean, None
        return True
