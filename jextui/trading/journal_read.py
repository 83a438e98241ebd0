"""Reading an order journal file without writing to it (``jextui journal``, the
portfolio's costs, tests): every intent and every replace, newest first, from
a journal written by this console or an earlier one."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from jextui.trading import journal_replaces as _replaces
from jextui.trading.journal import JournalEntry, JournalError, column_names, entry_from_row
from jextui.trading.journal_replaces import ReplaceRecord
from jextui.trading.journal_schema import COLUMNS

__all__ = ["read_entries", "read_replaces"]

_T = TypeVar("_T")


def read_entries(path: str | os.PathLike[str], *, limit: int | None = None) -> list[JournalEntry]:
    """Every intent in the file at ``path``, newest first, without writing to it.

    Raises :class:`FileNotFoundError` when there is no journal yet and
    :class:`JournalError` when the file cannot be read as one.
    """

    def query(db: sqlite3.Connection) -> list[JournalEntry]:
        sql = f"SELECT {_readable_columns(db)} FROM journal ORDER BY created_ms DESC, rowid DESC"
        params = () if limit is None else (max(0, int(limit)),)
        # pragma: no mutate below: SQLite ignores the case of keywords (" limit ?" is the same query).
        rows = db.execute(sql + (" LIMIT ?" if params else ""), params).fetchall()  # pragma: no mutate
        return [entry_from_row(row) for row in rows]

    return _read_only(path, query)


def read_replaces(path: str | os.PathLike[str], *, limit: int | None = None) -> list[ReplaceRecord]:
    """Every replace in the file at ``path``, newest first (as :func:`read_entries` reads intents)."""
    return _read_only(path, functools.partial(_replaces.read_replaces, limit=limit))


def _read_only(path: str | os.PathLike[str], query: Callable[[sqlite3.Connection], list[_T]]) -> list[_T]:
    location = Path(path)
    if not location.is_file():
        raise FileNotFoundError(str(location))
    try:
        db = _connect_read_only(location)
        try:
            return query(db)
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise JournalError(f"cannot read the order journal {location}: {exc}") from exc


def _readable_columns(db: sqlite3.Connection) -> str:
    """The select list for a journal written by this or an earlier version (missing columns as NULL)."""
    present = column_names(db)
    return ", ".join(
        name if name in present else f"NULL AS {name}" for name in (column.strip() for column in COLUMNS.split(","))
    )


def _connect_read_only(location: Path) -> sqlite3.Connection:
    uri = location.resolve().as_uri()
    # pragma: no mutate below: SQLite built with SQLITE_USE_URI (as here) reads a 'file:' name as a URI
    # without the flag, so dropping it cannot be noticed on this build; other builds need it.
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True)  # pragma: no mutate
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        # A WAL file without its shared-memory index needs write access to open.  pragma: no mutate
        # below: this SQLite build opens such a file read-only all the same, so no test can reach it.
        db.close()
        return sqlite3.connect(f"{uri}?mode=rw", uri=True)  # pragma: no mutate
