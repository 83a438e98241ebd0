"""The linked replace in the order journal: one record per replace (amend).

A replace is two requests, the cancel of the old order and the new order;
each is an intent of its own in the ``journal`` table, as any cancel or
order is, and names its replace in its ``replace_id`` column.  The
``replaces`` table holds one row per replace linking the two: the old
order's id, the cancel's and the new order's journal rows, the new order's
exchange id once known, the new price and quantity, and the replace's state
(:class:`~jextui.trading.replace.ReplaceState`) with a sentence saying how it
stands.

An intent is linked to its replace in the same transaction that writes it,
so a crash never leaves a cancel or a new order its replace does not know
of.  A replace in a final state never changes again, and a new order can only
be linked to a replace still open (otherwise its intent is refused and
nothing is sent).

The functions here work on the journal's open connection, inside the
journal's own transactions (:class:`~jextui.trading.journal.OrderJournal`
calls them); :func:`read_replaces` reads a file opened read-only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from jextui.amount_text import amount_text
from jextui.trading.journal_errors import JournalError

__all__ = [
    "ReplaceState",
    "FINAL_STATES",
    "SCHEMA",
    "ReplaceRecord",
    "insert",
    "link",
    "change",
    "fetch",
    "in_scope",
    "read_replaces",
]


class ReplaceState(StrEnum):
    """What the journal says of a replace (the one record linking its cancel and its new order)."""

    CANCEL_SENT = "CANCEL_SENT"  # the cancel of the old order is (about to be) sent
    CANCEL_UNKNOWN = "CANCEL_UNKNOWN"  # the cancel's outcome is not known: nothing placed until it is
    CANCELLED = "CANCELLED"  # the old order is cancelled; the new order goes out next
    REMAINDER_OFFERED = "REMAINDER_OFFERED"  # partly filled during the replace: the remainder is offered
    PLACING = "PLACING"  # the new order's intent is written and the order sent
    PLACE_UNKNOWN = "PLACE_UNKNOWN"  # the new order's answer was lost: looked for on the exchange
    # final: nothing changes any more
    PLACED = "PLACED"  # the new order is on the exchange
    NOT_PLACED = "NOT_PLACED"  # the old order is cancelled; the new order was refused or never arrived
    FILLED_INSTEAD = "FILLED_INSTEAD"  # the old order filled before the cancel: nothing placed
    NOTHING_LEFT = "NOTHING_LEFT"  # partly filled; the remainder is nothing or below the minimum: nothing placed
    REMAINDER_DECLINED = "REMAINDER_DECLINED"  # partly filled; the trader chose not to place the remainder
    CANCEL_REFUSED = "CANCEL_REFUSED"  # the exchange refused the cancel: the old order stays, nothing placed
    NOT_CANCELLED = "NOT_CANCELLED"  # the old order is still open after the cancel: nothing placed
    CANCELLED_ONLY = "CANCELLED_ONLY"  # interrupted after the cancel: the new order was never sent
    NOT_SENT = "NOT_SENT"  # the replace could not be journalled: nothing was sent (never in the journal itself)


#: A replace in one of these states is over: its record never changes again.
FINAL_STATES = frozenset(
    {
        ReplaceState.PLACED,
        ReplaceState.NOT_PLACED,
        ReplaceState.FILLED_INSTEAD,
        ReplaceState.NOTHING_LEFT,
        ReplaceState.REMAINDER_DECLINED,
        ReplaceState.CANCEL_REFUSED,
        ReplaceState.NOT_CANCELLED,
        ReplaceState.CANCELLED_ONLY,
        ReplaceState.NOT_SENT,
    }
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS replaces (
    id              TEXT PRIMARY KEY,
    base_url        TEXT NOT NULL,
    account         TEXT NOT NULL,
    session         TEXT NOT NULL,
    symbol          TEXT NOT NULL,
    side            TEXT NOT NULL,
    old_order_id    INTEGER NOT NULL,
    price           TEXT NOT NULL,
    quantity        TEXT NOT NULL,
    created_ms      INTEGER NOT NULL,
    updated_ms      INTEGER NOT NULL,
    state           TEXT NOT NULL,
    message         TEXT NOT NULL DEFAULT '',
    cancel_entry_id TEXT,
    order_entry_id  TEXT,
    new_order_id    INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS replaces_by_time ON replaces (created_ms);
"""

_COLUMNS = (
    "id, base_url, account, session, symbol, side, old_order_id, price, quantity, created_ms, updated_ms, "
    "state, message, cancel_entry_id, order_entry_id, new_order_id, attempts"
)


@dataclass(frozen=True, slots=True)
class ReplaceRecord:
    """One replace as stored: the old order, the new terms, the linked intents and the state."""

    id: str
    base_url: str
    account: str
    session: str
    symbol: str
    side: str
    old_order_id: int
    price: Decimal | None
    quantity: Decimal | None
    created_ms: int
    updated_ms: int
    state: str
    message: str
    cancel_entry_id: str | None
    order_entry_id: str | None
    new_order_id: int | None
    attempts: int

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    def describe(self) -> str:
        """``replace of order 42 on BTCUSDT by BUY 1 @ 64,000.5`` (amounts exact, grouped as in the panes)."""
        price = "?" if self.price is None else amount_text(self.price)
        quantity = "?" if self.quantity is None else amount_text(self.quantity)
        return f"replace of order {self.old_order_id} on {self.symbol} by {self.side} {quantity} @ {price}"


def _refused(text: str) -> Exception:

    return JournalError(text)


def insert(
    db: sqlite3.Connection,
    replace_id: str,
    scope: tuple[str, str, str],
    symbol: str,
    side: str,
    old_order_id: int,
    price: Decimal,
    quantity: Decimal,
    *,
    created_ms: int,
    now: int,
    message: str,
) -> None:
    """A new replace, about to send its cancel (state CANCEL_SENT)."""
    base_url, account, session = scope
    row = (
        replace_id,
        base_url,
        account,
        session,
        symbol,
        side,
        int(old_order_id),
        f"{price:f}",
        f"{quantity:f}",
        created_ms,
        now,
        ReplaceState.CANCEL_SENT.value,
        message,
        None,
        None,
        None,
        0,
    )
    db.execute(f"INSERT INTO replaces ({_COLUMNS}) VALUES ({', '.join('?' * len(row))})", row)


def link(db: sqlite3.Connection, replace_id: str, kind: str, entry_id: str, now: int) -> None:
    """Name the intent ``entry_id`` (a CANCEL or an ORDER) as one of the replace's two steps."""
    record = fetch(db, replace_id)
    if record.is_final:
        raise _refused(f"the {record.describe()} is over ({record.state}): nothing more is sent for it")
    if kind == "CANCEL":
        db.execute(
            "UPDATE replaces SET cancel_entry_id = ?, updated_ms = ? WHERE id = ?",
            (entry_id, now, replace_id),
        )
    elif kind == "ORDER":
        db.execute(
            "UPDATE replaces SET order_entry_id = ?, state = ?, message = ?, updated_ms = ? WHERE id = ?",
            (entry_id, ReplaceState.PLACING.value, "the new order was sent", now, replace_id),
        )
    else:
        raise _refused(f"a {kind} intent cannot be a step of a replace")


def change(
    db: sqlite3.Connection,
    replace_id: str,
    state: str,
    message: str,
    now: int,
    *,
    new_order_id: int | None = None,
    attempt: bool = False,
) -> None:
    """Move an open replace to ``state``; a final replace refuses any change."""
    record = fetch(db, replace_id)
    if record.is_final:
        raise _refused(f"the {record.describe()} is over ({record.state}); it cannot become {state}")
    if state not in ReplaceState.__members__:
        raise _refused(f"{state!r} is not a state of a replace")
    order_id = record.new_order_id if new_order_id is None else int(new_order_id)
    db.execute(
        "UPDATE replaces SET state = ?, message = ?, new_order_id = ?, attempts = ?, updated_ms = ? WHERE id = ?",
        (state, message, order_id, record.attempts + int(attempt), now, replace_id),
    )


def fetch(db: sqlite3.Connection, replace_id: str) -> ReplaceRecord:
    row = db.execute(f"SELECT {_COLUMNS} FROM replaces WHERE id = ?", (replace_id,)).fetchone()
    if row is None:
        raise _refused(f"no replace {replace_id} in the journal")
    return _record_from_row(row)


def in_scope(db: sqlite3.Connection, base_url: str, account: str) -> list[ReplaceRecord]:
    """Every replace of one exchange and account, oldest first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM replaces WHERE base_url = ? AND account = ? ORDER BY created_ms, rowid",
        (base_url, account),
    ).fetchall()
    return [_record_from_row(row) for row in rows]


def read_replaces(db: sqlite3.Connection, *, limit: int | None = None) -> list[ReplaceRecord]:
    """Every replace in the file, newest first (none in a journal written before replaces were recorded)."""
    present = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'replaces'").fetchone()
    if present is None:
        return []
    query = f"SELECT {_COLUMNS} FROM replaces ORDER BY created_ms DESC, rowid DESC"
    params: tuple[int, ...] = ()
    if limit is not None:
        query += " LIMIT ?"
        params = (max(0, int(limit)),)
    return [_record_from_row(row) for row in db.execute(query, params).fetchall()]


def _decimal(text: object) -> Decimal | None:
    try:
        return Decimal(text) if isinstance(text, str) else None
    except InvalidOperation:
        return None


def _record_from_row(row: tuple[object, ...]) -> ReplaceRecord:
    (
        replace_id,
        base_url,
        account,
        session,
        symbol,
        side,
        old_order_id,
        price,
        quantity,
        created_ms,
        updated_ms,
        state,
        message,
        cancel_entry_id,
        order_entry_id,
        new_order_id,
        attempts,
    ) = row
    return ReplaceRecord(
        id=str(replace_id),
        base_url=str(base_url),
        account=str(account),
        session=str(session),
        symbol=str(symbol),
        side=str(side),
        old_order_id=int(old_order_id),  # type: ignore[call-overload]
        price=_decimal(price),
        quantity=_decimal(quantity),
        created_ms=int(created_ms),  # type: ignore[call-overload]
        updated_ms=int(updated_ms),  # type: ignore[call-overload]
        state=str(state),
        message=str(message or ""),
        cancel_entry_id=None if cancel_entry_id is None else str(cancel_entry_id),
        order_entry_id=None if order_entry_id is None else str(order_entry_id),
        new_order_id=None if new_order_id is None else int(new_order_id),  # type: ignore[call-overload]
        attempts=int(attempts),  # type: ignore[call-overload]
    )
