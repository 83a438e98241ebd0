"""The write-ahead order journal: every order intent is on disk before it is sent.

One SQLite file (``locations.journal_file()``, WAL mode, ``synchronous=FULL``
so a committed row survives a crash or power cut, file mode 0600).  Each row
is one *intent* — an order, a dry-run test order, or a cancel — and moves
through states as answers arrive; every change is also appended to an
``events`` table, so the full story of an intent stays readable.

Intent kinds and their states::

    ORDER       PENDING -> ACCEPTED | REJECTED | UNKNOWN
                UNKNOWN -> RESOLVED (found on the exchange) | NOT_PLACED
    TEST_ORDER  PENDING -> ACCEPTED (the test passed) | REJECTED | FAILED (no answer)
                (a dry run never reaches the matching engine; clearly marked)
    CANCEL      PENDING -> ACCEPTED (cancelled) | REJECTED | UNKNOWN
                UNKNOWN -> RESOLVED (the order's status, read back)

A ``PENDING`` row written by an *earlier* run (the app stopped between the
write and the answer) is treated like ``UNKNOWN``: the request may have gone
out.  Nothing in jextui ever resends an UNKNOWN order; the reconciler looks
for it on the exchange instead (:mod:`jextui.trading.reconcile`).

Rows are scoped by exchange base URL and *account identity*: a short hash of
the API key (:func:`account_identity`), never the key or the secret.  The API
offers nothing that tells one run of an exchange from the next (an exchange
that lost its memory may hand out the same order ids again), so an exchange
order is known by its id *and* its creation time (``order_time_ms``).  Each
order id has at most one *live* claim per scope (a unique index), so two
identical intents can never both claim the same order.  When the exchange
itself answers that a new order has an id an older row holds (a direct
answer is proof), the older row's claim is marked ``id_reused_ms``: it still
names its own, earlier order, and no longer blocks the id.

The latest state the console learns about an accepted order (partly filled,
filled, cancelled) is written to the row as it arrives: ``order_status``,
``executed_qty`` and ``status_ms`` (when it was learned).

A replace (amend) is one ``replaces`` row linking its cancel and new order, whose rows name it in
``replace_id`` (:mod:`jextui.trading.journal_replaces`; schema 3, older files are updated on opening).

API (all methods commit before returning)::

    journal = OrderJournal(path, base_url=client.base_url, account=account_identity(api_key))
    entry = journal.record_order_intent(symbol, side, price, quantity, tif, dry_run=False, created_ms=None)
    entry = journal.record_cancel_intent(symbol, order_id, created_ms=None)
    journal.mark_accepted(entry.id, order_id=..., order_status=..., message="")
    journal.mark_rejected(entry.id, code=-2010, message="...")
    journal.mark_unknown(entry.id, reason="timeout")
    journal.note_attempt(entry.id, "not visible yet")       # still UNKNOWN, one more look done
    journal.mark_resolved(entry.id, order_id=..., order_status=..., message="...")  # OrderAlreadyClaimed
    journal.note_order_status(symbol, order_id, status, executed_qty=None)  # the latest known state
    journal.claim_owner(symbol, order_id)                    # the row holding a live claim on it
    journal.mark_not_placed(entry.id, "...")
    journal.mark_failed(entry.id, "...")                      # test orders only
    journal.get(id); journal.entries(limit=None, all_scopes=False)   # newest first
    journal.record_replace(replace_id, symbol, side, old_order_id, price, quantity); journal.note_replace(...)
    journal.needing_reconciliation(); journal.claimed_order_ids(symbol); journal.events(id)
    journal_read.read_entries(path)     # read-only, every scope, newest first (for ``jextui journal``)

Times are int milliseconds (the caller passes the exchange-time estimate as
``created_ms`` so it can be compared with the exchange's order times).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from jextui.amount_text import whole_amount_text
from jextui.trading import journal_replaces as _replaces
from jextui.trading.journal_errors import JournalError, OrderAlreadyClaimed
from jextui.trading.journal_replaces import ReplaceRecord
from jextui.trading.journal_schema import ADDED_COLUMNS, CLAIM_INDEX, COLUMNS, SCHEMA, SCHEMA_VERSION

__all__ = [
    "KIND_ORDER",
    "KIND_TEST_ORDER",
    "KIND_CANCEL",
    "PENDING",
    "ACCEPTED",
    "REJECTED",
    "UNKNOWN",
    "RESOLVED",
    "NOT_PLACED",
    "FAILED",
    "PUBLIC_ACCOUNT",
    "JournalError",
    "OrderAlreadyClaimed",
    "JournalEntry",
    "JournalEvent",
    "OrderJournal",
    "account_identity",
    "SAME_ORDER_TOLERANCE_MS",
    "column_names",
    "entry_from_row",
]

KIND_ORDER = "ORDER"
KIND_TEST_ORDER = "TEST_ORDER"
KIND_CANCEL = "CANCEL"

PENDING = "PENDING"
ACCEPTED = "ACCEPTED"
REJECTED = "REJECTED"
UNKNOWN = "UNKNOWN"
RESOLVED = "RESOLVED"
NOT_PLACED = "NOT_PLACED"
FAILED = "FAILED"

PUBLIC_ACCOUNT = "public"

_ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    KIND_ORDER: {
        ACCEPTED: frozenset({PENDING}),
        REJECTED: frozenset({PENDING}),
        UNKNOWN: frozenset({PENDING, UNKNOWN}),
        RESOLVED: frozenset({PENDING, UNKNOWN}),
        NOT_PLACED: frozenset({PENDING, UNKNOWN}),
    },
    KIND_TEST_ORDER: {
        ACCEPTED: frozenset({PENDING}),
        REJECTED: frozenset({PENDING}),
        FAILED: frozenset({PENDING}),
    },
    KIND_CANCEL: {
        ACCEPTED: frozenset({PENDING}),
        REJECTED: frozenset({PENDING}),
        UNKNOWN: frozenset({PENDING, UNKNOWN}),
        RESOLVED: frozenset({PENDING, UNKNOWN}),
    },
}

#: Two readings of one order's creation time further apart than this are two orders.
SAME_ORDER_TOLERANCE_MS = 1_000


def account_identity(api_key: str | None) -> str:
    """A short, one-way identity for an API key (``key:`` + 12 hex digits of SHA-256)."""
    if not api_key:
        return PUBLIC_ACCOUNT
    return "key:" + hashlib.sha256(api_key.encode()).hexdigest()[:12]  # UTF-8


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One intent as stored (amounts as Decimal; ``order_id`` once known)."""

    id: str
    kind: str
    base_url: str
    account: str
    session: str
    symbol: str
    side: str | None
    price: Decimal | None
    quantity: Decimal | None
    time_in_force: str | None
    created_ms: int
    updated_ms: int
    state: str
    order_id: int | None
    order_status: str | None
    error_code: int | None
    message: str
    attempts: int
    order_time_ms: int | None = None
    id_reused_ms: int | None = None
    executed_qty: Decimal | None = None
    status_ms: int | None = None
    replace_id: str | None = None  # the replace this cancel or new order is a step of

    @property
    def holds_live_claim(self) -> bool:
        """An ORDER row whose order id still names an order on the exchange as it is now."""
        return self.kind == KIND_ORDER and self.order_id is not None and self.id_reused_ms is None

    @property
    def is_dry_run(self) -> bool:
        return self.kind == KIND_TEST_ORDER

    @property
    def is_open_question(self) -> bool:
        """The intent's outcome is not known yet (pending or unknown)."""
        return self.state in (PENDING, UNKNOWN)

    def describe(self, places: tuple[int, int] = (0, 0)) -> str:
        """``BUY 1.5 BTCUSDT @ 64,000.00``: amounts at the (price, quantity) ``places`` or finer; cancels by id."""
        if self.kind == KIND_CANCEL:
            return f"cancel order {self.order_id} on {self.symbol}"
        quantity = _amount(self.quantity, places[1])
        price = _amount(self.price, places[0])
        prefix = "test " if self.is_dry_run else ""
        return f"{prefix}{self.side} {quantity} {self.symbol} @ {price}"


@dataclass(frozen=True, slots=True)
class JournalEvent:
    entry_id: str
    at_ms: int
    state: str
    detail: str


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _amount(value: Decimal | None, decimals: int) -> str:
    return "?" if value is None else whole_amount_text(value, decimals)  # grouped as in the panes, never rounded


def _decimal_or_none(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class OrderJournal:
    """The journal file, scoped to one exchange and account for writing."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        base_url: str = "",
        account: str = PUBLIC_ACCOUNT,
        now_ms: Callable[[], int] | None = None,
    ) -> None:
        self.path = Path(path)
        self.base_url = base_url.rstrip("/")
        self.account = account
        self.session = uuid.uuid4().hex
        self._now_ms = now_ms or _wall_clock_ms
        self._lock = threading.RLock()
        self._db = self._open(self.path)
        # Every write is committed with synchronous=FULL (an fsync): callers on
        # the event loop run them here, one at a time, in the order they asked.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jextui-journal")

    # -- opening --

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(descriptor)
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(SCHEMA)
            present = column_names(db)
            for name, kind in ADDED_COLUMNS:
                if name not in present:
                    db.execute(f"ALTER TABLE journal ADD COLUMN {name} {kind}")
            db.executescript(CLAIM_INDEX)
            db.executescript(_replaces.SCHEMA)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot open the order journal {path}: {exc}") from exc
        return db

    def close(self) -> None:
        """Finish the writes already asked for, then close the file (never call it from ``call``)."""
        self._worker.shutdown(wait=True)
        with self._lock:
            self._db.close()

    def call(self, method: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> asyncio.Future[_T]:
        """Run ``method`` (one of this journal's) on the journal's own thread, off the event loop.

        The call is queued at once, so calls run in the order they were made:
        awaiting the intent's future before sending a request means the intent
        is committed before the request leaves.  A failure is raised by the
        await, as the method itself would have raised it.
        """
        loop = asyncio.get_running_loop()
        try:
            return loop.run_in_executor(self._worker, functools.partial(method, *args, **kwargs))
        except RuntimeError as exc:  # the worker was shut down by close()
            raise JournalError(f"the order journal {self.path} is closed") from exc

    def __enter__(self) -> OrderJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"OrderJournal({str(self.path)!r}, base_url={self.base_url!r}, account={self.account!r})"

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- recording intents --

    def record_order_intent(
        self,
        symbol: str,
        side: str,
        price: Decimal,
        quantity: Decimal,
        time_in_force: str,
        *,
        dry_run: bool = False,
        created_ms: int | None = None,
        replace_id: str | None = None,
    ) -> JournalEntry:
        """Write (and commit) an order intent; call before sending the request.

        ``replace_id``: the new order of that replace (linked in the same transaction).
        """
        kind = KIND_TEST_ORDER if dry_run else KIND_ORDER
        detail = "dry run: sent to order/test, never to the matching engine" if dry_run else "intent written"
        return self._insert(kind, symbol, side, price, quantity, time_in_force, None, created_ms, detail, replace_id)

    def record_cancel_intent(
        self,
        symbol: str,
        order_id: int,
        *,
        side: str | None = None,
        price: Decimal | None = None,
        quantity: Decimal | None = None,
        created_ms: int | None = None,
        replace_id: str | None = None,
    ) -> JournalEntry:
        """Write (and commit) the intent to cancel ``order_id``; call before sending (``replace_id``: its replace)."""
        return self._insert(
            KIND_CANCEL, symbol, side, price, quantity, None, order_id, created_ms, "intent written", replace_id
        )

    def _insert(
        self,
        kind: str,
        symbol: str,
        side: str | None,
        price: Decimal | None,
        quantity: Decimal | None,
        time_in_force: str | None,
        order_id: int | None,
        created_ms: int | None,
        detail: str,
        replace_id: str | None = None,
    ) -> JournalEntry:
        entry_id = uuid.uuid4().hex
        now = self._now_ms()
        created = now if created_ms is None else int(created_ms)
        row = (
            entry_id,
            kind,
            self.base_url,
            self.account,
            self.session,
            symbol,
            side,
            None if price is None else f"{price:f}",
            None if quantity is None else f"{quantity:f}",
            time_in_force,
            created,
            now,
            PENDING,
            order_id,
            None,
            None,
            "",
            0,
            None,
            None,
            None,
            None,
            replace_id,
        )
        with self._transaction() as db:
            db.execute(f"INSERT INTO journal ({COLUMNS}) VALUES ({', '.join('?' * len(row))})", row)
            self._log_event(db, entry_id, now, PENDING, detail)
            if replace_id is not None:
                _replaces.link(db, replace_id, kind, entry_id, now)
        return self.get(entry_id)

    # -- replaces: one record linking a replace's cancel and new order --

    def record_replace(
        self,
        replace_id: str,
        symbol: str,
        side: str,
        old_order_id: int,
        price: Decimal,
        quantity: Decimal,
        *,
        message: str = "",
        created_ms: int | None = None,
    ) -> ReplaceRecord:
        """Write (and commit) a replace of ``old_order_id`` by ``price`` x ``quantity``, before its cancel."""
        now = self._now_ms()
        with self._transaction() as db:
            _replaces.insert(
                db,
                replace_id,
                (self.base_url, self.account, self.session),
                symbol,
                side,
                old_order_id,
                price,
                quantity,
                created_ms=now if created_ms is None else created_ms,
                now=now,
                message=message,
            )
        return self.get_replace(replace_id)

    def note_replace(
        self, replace_id: str, state: str, message: str, *, new_order_id: int | None = None, attempt: bool = False
    ) -> ReplaceRecord:
        """Move an open replace to ``state`` (a ``ReplaceState``); ``attempt``: one more look that settled nothing."""
        with self._transaction() as db:
            _replaces.change(db, replace_id, state, message, self._now_ms(), new_order_id=new_order_id, attempt=attempt)
        return self.get_replace(replace_id)

    def get_replace(self, replace_id: str) -> ReplaceRecord:
        with self._lock:
            return _replaces.fetch(self._db, replace_id)

    def replaces(self) -> list[ReplaceRecord]:  # this scope's, oldest first
        with self._lock:
            return _replaces.in_scope(self._db, self.base_url, self.account)

    # -- recording answers --

    def mark_accepted(
        self,
        entry_id: str,
        *,
        order_id: int | None = None,
        order_status: str | None = None,
        message: str = "",
        order_time_ms: int | None = None,
        executed_qty: Decimal | None = None,
    ) -> JournalEntry:
        """The exchange accepted the request (order placed, test passed, or order cancelled).

        The exchange's own answer is proof that ``order_id`` is this intent's
        order.  If a reconciliation had guessed this order id for another
        intent, that claim is withdrawn and the other intent is UNKNOWN again;
        if another row holds the id from an earlier direct answer, the
        exchange has handed the id out twice (it was restarted, or reuses
        ids): that row keeps naming its earlier order, marked ``id_reused_ms``.
        An accepted cancel also records the cancelled order's new status on
        that order's row.
        """
        with self._transaction() as db:
            entry = self._get(db, entry_id)
            fields: dict[str, object] = {}
            if entry.kind == KIND_ORDER and order_id is not None:
                self._release_claims(db, entry, order_id)
                fields = {
                    "order_time_ms": order_time_ms,
                    "status_ms": self._now_ms(),
                    "executed_qty": None if executed_qty is None else f"{executed_qty:f}",
                }
            target_id = entry.order_id if entry.kind == KIND_CANCEL else order_id
            self._update(
                db,
                entry,
                ACCEPTED,
                message or _accepted_words(entry, order_status),
                order_id=target_id,
                order_status=order_status,
                **fields,
            )
            if entry.kind == KIND_CANCEL and entry.order_id is not None and order_status:
                self._note_status(db, entry.symbol, entry.order_id, order_status, executed_qty)
        return self.get(entry_id)

    def mark_rejected(self, entry_id: str, *, code: int | None, message: str) -> JournalEntry:
        """The exchange (or the client, before sending) refused: nothing happened."""
        return self._change(entry_id, REJECTED, message, error_code=code)

    def mark_failed(self, entry_id: str, message: str) -> JournalEntry:
        """A dry-run test order got no answer (nothing can have been placed)."""
        return self._change(entry_id, FAILED, message)

    def mark_unknown(self, entry_id: str, reason: str) -> JournalEntry:
        """The request may or may not have taken effect (timeout, 5xx, dropped connection)."""
        return self._change(entry_id, UNKNOWN, reason)

    def note_attempt(self, entry_id: str, message: str) -> JournalEntry:
        """One reconciliation look that did not settle the question (stays UNKNOWN)."""
        with self._transaction() as db:
            entry = self._get(db, entry_id)
            self._check(entry, UNKNOWN)
            self._update(db, entry, UNKNOWN, message, attempts=entry.attempts + 1)
        return self.get(entry_id)

    def mark_resolved(
        self,
        entry_id: str,
        *,
        order_id: int | None,
        order_status: str | None,
        message: str,
        order_time_ms: int | None = None,
        reused_by: str | None = None,
    ) -> JournalEntry:
        """Reconciliation found the answer: the order (or, for a cancel, its status now).

        ``reused_by``: the id of a row whose claim on ``order_id`` names an
        earlier order with the same id (its recorded creation time differs);
        that claim is marked ``id_reused_ms`` in the same transaction.
        """
        try:
            with self._transaction() as db:
                entry = self._get(db, entry_id)
                if reused_by is not None and order_id is not None:
                    self._mark_reused(db, self._get(db, reused_by), order_id)
                target_id = entry.order_id if entry.kind == KIND_CANCEL else order_id
                is_order = entry.kind == KIND_ORDER  # a cancel's row holds no order time or order state
                self._update(
                    db,
                    entry,
                    RESOLVED,
                    message,
                    order_id=target_id,
                    order_status=order_status,
                    attempts=entry.attempts + 1,
                    order_time_ms=order_time_ms if is_order else entry.order_time_ms,
                    status_ms=self._now_ms() if is_order else entry.status_ms,
                )
                if entry.kind == KIND_CANCEL and entry.order_id is not None and order_status:
                    self._note_status(db, entry.symbol, entry.order_id, order_status, None)
        except sqlite3.IntegrityError as exc:
            raise OrderAlreadyClaimed(f"order {order_id} already belongs to another journal entry") from exc
        return self.get(entry_id)

    def mark_not_placed(self, entry_id: str, message: str) -> JournalEntry:
        """Reconciliation is sure the order never reached the exchange."""
        with self._transaction() as db:
            entry = self._get(db, entry_id)
            self._update(db, entry, NOT_PLACED, message, attempts=entry.attempts + 1)
        return self.get(entry_id)

    def _change(self, entry_id: str, state: str, message: str, **fields: object) -> JournalEntry:
        with self._transaction() as db:
            entry = self._get(db, entry_id)
            self._update(db, entry, state, message, **fields)
        return self.get(entry_id)

    def _release_claims(self, db: sqlite3.Connection, entry: JournalEntry, order_id: int) -> None:
        """Make way for a direct answer naming ``order_id`` (see :meth:`mark_accepted`)."""
        claims = self._live_claims(db, entry.base_url, entry.account, entry.symbol, order_id)
        for other in (claim for claim in claims if claim.id != entry.id):
            if other.state == RESOLVED:
                now = self._now_ms()
                db.execute(
                    "UPDATE journal SET state = ?, order_id = NULL, order_status = NULL, order_time_ms = NULL, "
                    "message = ?, updated_ms = ? WHERE id = ?",
                    (
                        UNKNOWN,
                        f"order {order_id} turned out to belong to another request; checking again",
                        now,
                        other.id,
                    ),
                )
                self._log_event(db, other.id, now, UNKNOWN, f"claim on order {order_id} withdrawn")
            else:
                self._mark_reused(db, other, order_id)

    def _mark_reused(self, db: sqlite3.Connection, other: JournalEntry, order_id: int) -> None:
        now = self._now_ms()
        db.execute(
            "UPDATE journal SET id_reused_ms = ?, updated_ms = ? WHERE id = ?",
            (now, now, other.id),
        )
        self._log_event(
            db,
            other.id,
            now,
            other.state,
            f"the exchange gave order id {order_id} to a later order (it was restarted or reuses "
            "ids): this row's order is the earlier one",
        )

    @staticmethod
    def _live_claims(
        db: sqlite3.Connection, base_url: str, account: str, symbol: str, order_id: int
    ) -> list[JournalEntry]:
        rows = db.execute(
            f"SELECT {COLUMNS} FROM journal WHERE kind = ? AND base_url = ? AND account = ? AND symbol = ? "
            "AND order_id = ? AND id_reused_ms IS NULL",
            (KIND_ORDER, base_url, account, symbol, order_id),
        ).fetchall()
        return [entry_from_row(row) for row in rows]

    def claim_owner(self, symbol: str, order_id: int) -> JournalEntry | None:
        """The ORDER row of this scope holding a live claim on ``order_id`` (None: nobody)."""
        with self._lock:
            owners = self._live_claims(self._db, self.base_url, self.account, symbol, int(order_id))
        return owners[0] if owners else None

    def note_order_status(
        self, symbol: str, order_id: int, status: str, *, executed_qty: Decimal | None = None
    ) -> JournalEntry | None:
        """Record the latest state learned about an order (fills, cancels); None if no row claims it."""
        with self._transaction() as db:
            return self._note_status(db, symbol, int(order_id), status, executed_qty)

    def _note_status(
        self, db: sqlite3.Connection, symbol: str, order_id: int, status: str, executed_qty: Decimal | None
    ) -> JournalEntry | None:
        owners = [
            o
            for o in self._live_claims(db, self.base_url, self.account, symbol, order_id)
            if o.state in (ACCEPTED, RESOLVED)
        ]
        if not owners:
            return None
        owner = owners[0]
        same_quantity = executed_qty is None or owner.executed_qty == executed_qty
        if owner.order_status == status and same_quantity:
            return owner
        now = self._now_ms()
        quantity = owner.executed_qty if executed_qty is None else executed_qty
        db.execute(
            "UPDATE journal SET order_status = ?, executed_qty = ?, status_ms = ?, updated_ms = ? WHERE id = ?",
            (status, None if quantity is None else f"{quantity:f}", now, now, owner.id),
        )
        executed = "" if quantity is None else f", {quantity:f} executed"
        self._log_event(db, owner.id, now, owner.state, f"order {order_id} is {status}{executed}")
        return self._get(db, owner.id)

    def _check(self, entry: JournalEntry, state: str) -> None:
        allowed = _ALLOWED.get(entry.kind, {}).get(state, frozenset())
        if entry.state not in allowed:
            raise JournalError(f"a {entry.kind} intent cannot go from {entry.state} to {state}")

    def _update(self, db: sqlite3.Connection, entry: JournalEntry, state: str, message: str, **fields: object) -> None:
        self._check(entry, state)
        now = self._now_ms()
        assignments = dict(state=state, message=message, updated_ms=now, **fields)  # column names as keywords
        columns = ", ".join(f"{name} = ?" for name in assignments)
        db.execute(f"UPDATE journal SET {columns} WHERE id = ?", (*assignments.values(), entry.id))
        self._log_event(db, entry.id, now, state, message)

    @staticmethod
    def _log_event(db: sqlite3.Connection, entry_id: str, at_ms: int, state: str, detail: str) -> None:
        db.execute(
            "INSERT INTO events (entry_id, at_ms, state, detail) VALUES (?, ?, ?, ?)", (entry_id, at_ms, state, detail)
        )

    # -- reading --

    def get(self, entry_id: str) -> JournalEntry:
        with self._lock:
            return self._get(self._db, entry_id)

    @staticmethod
    def _get(db: sqlite3.Connection, entry_id: str) -> JournalEntry:
        row = db.execute(f"SELECT {COLUMNS} FROM journal WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise JournalError(f"no journal entry {entry_id}")
        return entry_from_row(row)

    def entries(self, *, limit: int | None = None, all_scopes: bool = False) -> list[JournalEntry]:
        """Intents, newest first; only this exchange and account unless ``all_scopes``."""
        query = f"SELECT {COLUMNS} FROM journal"
        params: list[object] = []
        if not all_scopes:
            query += " WHERE base_url = ? AND account = ?"
            params = [self.base_url, self.account]
        query += " ORDER BY created_ms DESC, rowid DESC"
        if limit is not None:
            query += " LIMIT ?"
            params.append(max(0, int(limit)))
        with self._lock:
            return [entry_from_row(row) for row in self._db.execute(query, params).fetchall()]

    def needing_reconciliation(self) -> list[JournalEntry]:
        """This scope's open questions, oldest first: UNKNOWN, and PENDING left by earlier runs."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {COLUMNS} FROM journal WHERE base_url = ? AND account = ? AND kind != ? "
                "AND (state = ? OR (state = ? AND session != ?)) ORDER BY created_ms, rowid",
                (self.base_url, self.account, KIND_TEST_ORDER, UNKNOWN, PENDING, self.session),
            ).fetchall()
        return [entry_from_row(row) for row in rows]

    def claimed_order_ids(self, symbol: str) -> set[int]:
        """Exchange order ids with a live claim by an ORDER intent of this scope."""
        with self._lock:
            rows = self._db.execute(
                "SELECT order_id FROM journal WHERE kind = ? AND base_url = ? AND account = ? AND symbol = ? "
                "AND order_id IS NOT NULL AND id_reused_ms IS NULL",
                (KIND_ORDER, self.base_url, self.account, symbol),
            ).fetchall()
        return {int(row[0]) for row in rows}

    def events(self, entry_id: str) -> list[JournalEvent]:
        """The history of one intent, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT entry_id, at_ms, state, detail FROM events WHERE entry_id = ? ORDER BY seq",
                (entry_id,),
            ).fetchall()
        return [JournalEvent(*row) for row in rows]


def entry_from_row(row: tuple[Any, ...]) -> JournalEntry:  # a SQLite row: its values are untyped
    (
        entry_id,
        kind,
        base_url,
        account,
        session,
        symbol,
        side,
        price,
        quantity,
        tif,
        created_ms,
        updated_ms,
        state,
        order_id,
        order_status,
        error_code,
        message,
        attempts,
        order_time_ms,
        id_reused_ms,
        executed_qty,
        status_ms,
        replace_id,
    ) = row
    return JournalEntry(
        id=str(entry_id),
        kind=str(kind),
        base_url=str(base_url),
        account=str(account),
        session=str(session),
        symbol=str(symbol),
        side=None if side is None else str(side),
        price=_decimal_or_none(price if isinstance(price, str) else None),
        quantity=_decimal_or_none(quantity if isinstance(quantity, str) else None),
        time_in_force=None if tif is None else str(tif),
        created_ms=int(created_ms),
        updated_ms=int(updated_ms),
        state=str(state),
        order_id=None if order_id is None else int(order_id),
        order_status=None if order_status is None else str(order_status),
        error_code=None if error_code is None else int(error_code),
        message=str(message or ""),
        attempts=int(attempts),
        order_time_ms=None if order_time_ms is None else int(order_time_ms),
        id_reused_ms=None if id_reused_ms is None else int(id_reused_ms),
        executed_qty=_decimal_or_none(executed_qty if isinstance(executed_qty, str) else None),
        status_ms=None if status_ms is None else int(status_ms),
        replace_id=None if replace_id is None else str(replace_id),
    )


def _accepted_words(entry: JournalEntry, order_status: str | None) -> str:
    if entry.kind == KIND_TEST_ORDER:
        return "dry run passed: the exchange would accept this order (nothing was placed)"
    if entry.kind == KIND_CANCEL:
        return f"cancelled ({order_status})" if order_status else "cancelled"
    return f"accepted ({order_status})" if order_status else "accepted"


def column_names(db: sqlite3.Connection) -> set[str]:
    return {row[1] for row in db.execute("PRAGMA table_info(journal)").fetchall()}
