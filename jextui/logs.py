"""File logging with secret redaction.

:func:`setup_logging` sends every record of every logger to one rotating file
(1 MiB x 3 backups, created with mode 0600) and to nothing else: the terminal
belongs to the TUI, so no record ever reaches stderr, and Python warnings are
routed into the log too.

A filter on that file handler replaces every registered secret (API secret and
API key) with ``***`` in the message, its arguments, the exception text and
the stack text of each record, before anything is written.  Register more
secrets at any time with :func:`register_secret` (e.g. when the user switches
profile).  Strings shorter than :data:`MIN_SECRET_LENGTH` are not registered:
masking every occurrence of a two-letter string would make the log unreadable
and a real key or secret is far longer.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from jextui.locations import ensure_private_dir
from jextui.secret import Secret

__all__ = [
    "MASK",
    "MIN_SECRET_LENGTH",
    "LOG_LEVELS",
    "LOG_FORMAT",
    "setup_logging",
    "register_secret",
    "current_log_path",
    "redact",
    "RedactingFilter",
]

MASK = "***"
MIN_SECRET_LENGTH = 4
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MAX_LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 3

# Libraries that log every request at INFO with full URLs: keep them quiet
# unless the user asks for DEBUG (our own client logs one line per request).
_CHATTY_LOGGERS = ("httpx", "httpcore", "asyncio", "markdown_it")

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_handler: logging.Handler | None = None


def register_secret(value: str | Secret | None) -> None:
    """Mask ``value`` (and its URL-encoded form) in every later log record."""
    if value is None:
        return
    text = value.reveal() if isinstance(value, Secret) else str(value)
    if len(text) < MIN_SECRET_LENGTH:
        return
    with _secrets_lock:
        _secrets.add(text)
        _secrets.add(urllib.parse.quote(text, safe=""))
        _secrets.add(urllib.parse.quote_plus(text))


def _forget_secrets() -> None:
    """Tests only: start again with no registered secrets."""
    with _secrets_lock:
        _secrets.clear()


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    with _secrets_lock:
        ordered = sorted(_secrets, key=len, reverse=True)  # longest first: no half-masked overlap
    for secret in ordered:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record so that no registered secret survives in it."""

    def __init__(self) -> None:
        super().__init__()
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose files are created readable by the owner only."""

    def _open(self):  # type: ignore[no-untyped-def]  # overrides the handler's untyped _open
        return open(
            self.baseFilename,
            self.mode,
            encoding=self.encoding,
            errors=self.errors,
            opener=lambda path, flags: os.open(path, flags, 0o600),
        )


def current_log_path() -> Path | None:
    """The file :func:`setup_logging` is writing to, if it is still in use."""
    if _handler is None or _handler not in logging.getLogger().handlers:
        return None
    return Path(_handler.baseFilename)  # type: ignore[attr-defined]  # the handler set up here is a file handler


def setup_logging(level: str, log_path: Path, secrets: Iterable[str | Secret | None] = ()) -> None:
    """Log everything at ``level`` and above to ``log_path`` (only there).

    Replaces the handlers of the root logger, so calling it again (another
    level or path) does not duplicate lines.  Raises ``OSError`` when the log
    file cannot be created; the caller decides whether that is fatal.
    """
    global _handler
    for secret in secrets:
        register_secret(secret)
    numeric_level = logging.getLevelName(level.upper())
    if not isinstance(numeric_level, int):
        raise ValueError(f"unknown log level {level!r}; use one of {', '.join(LOG_LEVELS)}")
    ensure_private_dir(log_path.parent)
    handler = _PrivateRotatingFileHandler(
        log_path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=False
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        if old is _handler:
            old.close()
    root.addHandler(handler)
    root.setLevel(numeric_level)
    chatty_level = numeric_level if numeric_level <= logging.DEBUG else logging.WARNING
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(chatty_level)
    logging.captureWarnings(True)
    _handler = handler
