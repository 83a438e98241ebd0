"""Optional SQLite persistence of the sandbox exchange (``--state FILE``).

Saved: the exchange's seed and start time (so the backfilled history is
regenerated identically), the id counters, every user account with its fees
and balances, every order of those accounts (open and closed), and the live
market's one-minute candles and most recent trades.  The simulated traders'
accounts are not saved: they start afresh on every run and reseed their
books, while the users' open orders go back on the book in time priority.

Every change to a user's orders or balances is written through: the HTTP
layer calls :meth:`Store.commit` before it answers, and the market tick
after a simulated trader filled a user's order.  A commit is one SQLite
transaction (WAL journal, synchronous commits), so an acknowledged order,
cancel or fill survives a ``kill -9`` and a file is always consistent.
Market data (candles, the public trade tape) is saved every few seconds.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from jextui.sandbox.engine import AssetBalance, Engine, EngineOrder
from jextui.sandbox.engine_records import OPEN_STATUSES
from jextui.sandbox.marketdata import Candle, MarketData, TradeRecord

__all__ = ["Store", "StoreError", "SavedMeta", "SavedExchange", "SCHEMA_VERSION", "new_instance_id"]

SCHEMA_VERSION = 1
TRADES_KEPT = 1000
SYNCHRONOUS = "FULL"
"""SQLite's ``synchronous`` setting: FULL syncs the WAL at every commit (durable across a power cut too)."""


def new_instance_id() -> str:
    """A fresh identity for one exchange instance (a state file, or a run without one)."""
    return secrets.token_hex(8)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS books (
    symbol TEXT PRIMARY KEY, base_asset TEXT NOT NULL, quote_asset TEXT NOT NULL,
    next_trade_id INTEGER NOT NULL, update_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    account_id TEXT PRIMARY KEY, maker_fee TEXT NOT NULL, taker_fee TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fee_overrides (
    account_id TEXT NOT NULL, symbol TEXT NOT NULL, maker_fee TEXT NOT NULL,
    taker_fee TEXT NOT NULL, PRIMARY KEY (account_id, symbol));
CREATE TABLE IF NOT EXISTS balances (
    account_id TEXT NOT NULL, asset TEXT NOT NULL, free TEXT NOT NULL, locked TEXT NOT NULL,
    PRIMARY KEY (account_id, asset));
CREATE TABLE IF NOT EXISTS orders (
    order_id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, symbol TEXT NOT NULL,
    side TEXT NOT NULL, price TEXT NOT NULL, orig_qty TEXT NOT NULL, executed_qty TEXT NOT NULL,
    cummulative_quote_qty TEXT NOT NULL, status TEXT NOT NULL, time_in_force TEXT NOT NULL,
    type TEXT NOT NULL, time INTEGER NOT NULL, update_time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS trades (
    symbol TEXT NOT NULL, id INTEGER NOT NULL, price TEXT NOT NULL, qty TEXT NOT NULL,
    time INTEGER NOT NULL, buyer_maker INTEGER NOT NULL, PRIMARY KEY (symbol, id));
CREATE TABLE IF NOT EXISTS candles (
    symbol TEXT NOT NULL, open_time INTEGER NOT NULL, open TEXT NOT NULL, high TEXT NOT NULL,
    low TEXT NOT NULL, close TEXT NOT NULL, volume TEXT NOT NULL, quote_volume TEXT NOT NULL,
    trades INTEGER NOT NULL, taker_buy_base TEXT NOT NULL, taker_buy_quote TEXT NOT NULL,
    PRIMARY KEY (symbol, open_time));
"""


class _TradeHistory(Protocol):
    @property
    def first_trade_id(self) -> int: ...


class SavedExchange(Protocol):
    """What a save reads from the exchange (:class:`jextui.sandbox.exchange.Exchange` is one)."""

    @property
    def engine(self) -> Engine: ...

    @property
    def market(self) -> MarketData: ...

    @property
    def history(self) -> _TradeHistory: ...

    @property
    def seed(self) -> int: ...

    @property
    def genesis_ms(self) -> int: ...

    @property
    def instance_id(self) -> str: ...


class StoreError(Exception):
    """The state file cannot be used (not a sandbox state file, or a newer format)."""


@dataclass(frozen=True)
class SavedMeta:
    seed: int
    genesis_ms: int
    next_order_id: int
    first_trade_id: int = 1
    instance_id: str | None = None


class Store:
    """One SQLite state file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
            self._db.executescript(_SCHEMA)
            version = self._meta().get("schema")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a sandbox state file ({exc})") from None
        if version is not None and version != str(SCHEMA_VERSION):
            raise StoreError(f"{self.path} has state format {version}; this sandbox reads {SCHEMA_VERSION}")
        self._dirty_orders: set[int] = set()
        self._dirty_accounts: set[str] = set()
        self._dirty_symbols: set[str] = set()
        self._is_user: dict[str, bool] = {}
        self._engine: Engine | None = None
        self._saved_trade_ids: dict[str, int] = {}
        self._saved_candle_times: dict[str, int] = {}
        self._full_save_needed = True

    def _meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def load_meta(self) -> SavedMeta | None:
        """The saved seed, start time, id counters and instance id; None for a new file."""
        meta = self._meta()
        if "genesis_ms" not in meta:
            return None
        return SavedMeta(
            int(meta["seed"]),
            int(meta["genesis_ms"]),
            int(meta["next_order_id"]),
            int(meta.get("first_trade_id", "1")),
            meta.get("instance_id"),
        )

    # --- tracking -------------------------------------------------------------

    def watch(self, engine: Engine) -> None:
        """Track which user orders, accounts and books change between commits."""
        self._engine = engine
        engine.add_order_listener(self._on_order)

    def _on_order(self, order: EngineOrder) -> None:
        account_id = order.account_id
        is_user = self._is_user.get(account_id)
        if is_user is None and self._engine is not None:
            is_user = self._is_user[account_id] = self._engine.account_state(account_id)[3]
        if is_user:
            self._dirty_orders.add(order.order_id)
            self._dirty_accounts.add(account_id)
            self._dirty_symbols.add(order.symbol)

    def mark_account(self, account_id: str) -> None:
        """An account was opened or changed outside an order: write it at the next commit."""
        self._is_user.pop(account_id, None)
        self._dirty_accounts.add(account_id)

    @property
    def pending(self) -> bool:
        """Whether a change waits for :meth:`commit`."""
        return bool(self._dirty_orders or self._dirty_accounts or self._full_save_needed)

    # --- restore --------------------------------------------------------------

    def restore(self, engine: Engine, market: MarketData) -> None:
        """Load accounts, orders, counters and live market data into a fresh engine."""
        db = self._db
        listed = set(engine.symbols)
        books: dict[str, tuple[int, int]] = {}
        unlisted_assets: dict[str, tuple[str, str]] = {}
        for symbol, base, quote, next_trade_id, update_id in db.execute(
            "SELECT symbol, base_asset, quote_asset, next_trade_id, update_id FROM books"
        ):
            if symbol in listed:
                books[symbol] = (next_trade_id, update_id)
            else:
                unlisted_assets[symbol] = (base, quote)
        overrides: dict[str, dict[str, tuple[Decimal, Decimal]]] = {}
        for account_id, symbol, maker, taker in db.execute(
            "SELECT account_id, symbol, maker_fee, taker_fee FROM fee_overrides"
        ):
            if symbol in listed:
                overrides.setdefault(account_id, {})[symbol] = (Decimal(maker), Decimal(taker))
        balances: dict[str, dict[str, AssetBalance]] = {}
        for account_id, asset, free, locked in db.execute("SELECT account_id, asset, free, locked FROM balances"):
            balances.setdefault(account_id, {})[asset] = AssetBalance(Decimal(free), Decimal(locked))
        for account_id, maker, taker in db.execute(
            "SELECT account_id, maker_fee, taker_fee FROM accounts ORDER BY account_id"
        ):
            engine.restore_account(
                account_id,
                balances.get(account_id, {}),
                maker_fee=Decimal(maker),
                taker_fee=Decimal(taker),
                fee_overrides=overrides.get(account_id),
            )
        for row in db.execute("SELECT * FROM orders ORDER BY order_id"):
            order = _order_from_row(row)
            if order.symbol in listed:
                engine.restore_order(order)
            elif order.status in OPEN_STATUSES and order.symbol in unlisted_assets:
                _release_unlisted(engine, order, *unlisted_assets[order.symbol])
        meta = self.load_meta()
        engine.restore_counters(meta.next_order_id if meta else 1, books)
        for symbol in listed:
            candles = [
                Candle(
                    row[0],
                    Decimal(row[1]),
                    Decimal(row[2]),
                    Decimal(row[3]),
                    Decimal(row[4]),
                    Decimal(row[5]),
                    Decimal(row[6]),
                    row[7],
                    Decimal(row[8]),
                    Decimal(row[9]),
                )
                for row in db.execute(
                    "SELECT open_time, open, high, low, close, volume, quote_volume, trades, "
                    "taker_buy_base, taker_buy_quote FROM candles WHERE symbol = ? ORDER BY open_time",
                    (symbol,),
                )
            ]
            trades = [
                TradeRecord(row[0], Decimal(row[1]), Decimal(row[2]), row[3], bool(row[4]))
                for row in db.execute(
                    "SELECT id, price, qty, time, buyer_maker FROM trades WHERE symbol = ? ORDER BY id",
                    (symbol,),
                )
            ]
            market.restore_live(symbol, candles, trades)
            if trades:
                self._saved_trade_ids[symbol] = trades[-1].id
            if candles:
                self._saved_candle_times[symbol] = candles[-1].open_time
        self._full_save_needed = False

    # --- write-through --------------------------------------------------------

    def commit(self, exchange: SavedExchange) -> None:
        """Write the orders, balances and counters changed since the last commit, in one transaction."""
        if self._full_save_needed:
            self.save(exchange)
            return
        if not (self._dirty_orders or self._dirty_accounts):
            return
        engine, market = exchange.engine, exchange.market
        accounts = sorted(a for a in self._dirty_accounts if engine.has_account(a) and engine.account_state(a)[3])
        symbols = sorted(self._dirty_symbols)
        db = self._db
        db.execute("BEGIN")
        try:
            self._save_meta(exchange)
            self._save_books(engine, symbols)
            for account_id in accounts:
                db.execute("DELETE FROM fee_overrides WHERE account_id = ?", (account_id,))
                db.execute("DELETE FROM balances WHERE account_id = ?", (account_id,))
            self._insert_accounts(engine, accounts)
            orders = [o for o in (engine.stored_order(i) for i in sorted(self._dirty_orders)) if o]
            self._db.executemany(
                "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_order_row(o) for o in orders],
            )
            for symbol in symbols:
                self._save_trades(symbol, market.live_trades(symbol, self._saved_trade_ids.get(symbol)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._saved_trade_ids.clear()  # unknown after a rollback: the next save rewrites the recent ones
            raise
        self._dirty_orders.clear()
        self._dirty_accounts.clear()
        self._dirty_symbols.clear()

    # --- save -----------------------------------------------------------------

    def save(self, exchange: SavedExchange) -> None:
        """Write what changed since the last save, in one transaction."""
        engine, market = exchange.engine, exchange.market
        users = [a for a in engine.account_ids() if engine.account_state(a)[3]]
        db = self._db
        db.execute("BEGIN")
        try:
            self._save_meta(exchange)
            self._save_books(engine, list(engine.symbols))
            self._save_accounts(engine, users)
            self._save_orders(engine, set(users))
            for symbol in engine.symbols:
                self._save_trades(symbol, market.live_trades(symbol, self._saved_trade_ids.get(symbol)))
                self._save_candles(symbol, market.live_candles(symbol, self._saved_candle_times.get(symbol)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._full_save_needed = False
        self._dirty_accounts.clear()
        self._dirty_symbols.clear()

    def _save_books(self, engine: Engine, symbols: list[str]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO books VALUES (?, ?, ?, ?, ?)",
            [
                (
                    symbol,
                    engine.symbols[symbol].base_asset,
                    engine.symbols[symbol].quote_asset,
                    engine.next_trade_id(symbol),
                    engine.last_update_id(symbol),
                )
                for symbol in symbols
            ],
        )

    def _save_meta(self, exchange: SavedExchange) -> None:
        values = {
            "schema": str(SCHEMA_VERSION),
            "seed": str(exchange.seed),
            "genesis_ms": str(exchange.genesis_ms),
            "next_order_id": str(exchange.engine.next_order_id),
            "first_trade_id": str(exchange.history.first_trade_id),
            "instance_id": exchange.instance_id,
        }
        self._db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def _save_accounts(self, engine: Engine, users: list[str]) -> None:
        db = self._db
        db.execute("DELETE FROM accounts")
        db.execute("DELETE FROM fee_overrides")
        db.execute("DELETE FROM balances")
        self._insert_accounts(engine, users)

    def _insert_accounts(self, engine: Engine, users: list[str]) -> None:
        db = self._db
        for account_id in users:
            maker, taker, overrides, _ = engine.account_state(account_id)
            db.execute("INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)", (account_id, str(maker), str(taker)))
            db.executemany(
                "INSERT INTO fee_overrides VALUES (?, ?, ?, ?)",
                [(account_id, s, str(m), str(t)) for s, (m, t) in overrides.items()],
            )
            db.executemany(
                "INSERT INTO balances VALUES (?, ?, ?, ?)",
                [(account_id, asset, str(b.free), str(b.locked)) for asset, b in engine.balances(account_id).items()],
            )

    def _save_orders(self, engine: Engine, users: set[str]) -> None:
        if self._full_save_needed:
            orders: Iterable[EngineOrder] = engine.stored_orders()
            self._db.execute("DELETE FROM orders")
        else:
            orders = [o for o in (engine.stored_order(i) for i in sorted(self._dirty_orders)) if o]
        self._dirty_orders.clear()
        self._db.executemany(
            "INSERT OR REPLACE INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_order_row(o) for o in orders if o.account_id in users],
        )

    def _save_trades(self, symbol: str, trades: list[TradeRecord]) -> None:
        saved = self._saved_trade_ids.get(symbol, 0)
        fresh = [t for t in trades if t.id > saved]
        if not fresh:
            return
        self._db.executemany(
            "INSERT OR REPLACE INTO trades VALUES (?, ?, ?, ?, ?, ?)",
            [(symbol, t.id, str(t.price), str(t.qty), t.time, int(t.buyer_maker)) for t in fresh],
        )
        newest = fresh[-1].id
        self._db.execute("DELETE FROM trades WHERE symbol = ? AND id <= ?", (symbol, newest - TRADES_KEPT))
        self._saved_trade_ids[symbol] = newest

    def _save_candles(self, symbol: str, candles: list[Candle]) -> None:
        since = self._saved_candle_times.get(symbol)
        fresh = [c for c in candles if since is None or c.open_time >= since]
        if not fresh:
            return
        self._db.executemany(
            "INSERT OR REPLACE INTO candles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    symbol,
                    c.open_time,
                    str(c.open),
                    str(c.high),
                    str(c.low),
                    str(c.close),
                    str(c.volume),
                    str(c.quote_volume),
                    c.trades,
                    str(c.taker_buy_base),
                    str(c.taker_buy_quote),
                )
                for c in fresh
            ],
        )
        self._saved_candle_times[symbol] = fresh[-1].open_time

    def close(self) -> None:
        self._db.close()


def _order_row(order: EngineOrder) -> tuple[object, ...]:
    return (
        order.order_id,
        order.account_id,
        order.symbol,
        order.side,
        str(order.price),
        str(order.orig_qty),
        str(order.executed_qty),
        str(order.cummulative_quote_qty),
        order.status,
        order.time_in_force,
        order.type,
        order.time,
        order.update_time,
    )


def _order_from_row(row: tuple[Any, ...]) -> EngineOrder:  # a SQLite row: its values are untyped
    (
        order_id,
        account_id,
        symbol,
        side,
        price,
        orig_qty,
        executed_qty,
        quote_qty,
        status,
        time_in_force,
        type_,
        time_ms,
        update_time,
    ) = row
    return EngineOrder(
        int(order_id),
        str(account_id),
        str(symbol),
        str(side),
        Decimal(str(price)),
        Decimal(str(orig_qty)),
        Decimal(str(executed_qty)),
        Decimal(str(quote_qty)),
        str(status),
        str(time_in_force),
        str(type_),
        int(time_ms),
        int(update_time),
    )


def _release_unlisted(engine: Engine, order: EngineOrder, base: str, quote: str) -> None:
    """An open order on a symbol no longer listed (fewer --symbols): give its locked funds back."""
    remaining = order.remaining_qty
    if order.side == "BUY":
        engine.unlock(order.account_id, quote, order.price * remaining)
    else:
        engine.unlock(order.account_id, base, remaining)
