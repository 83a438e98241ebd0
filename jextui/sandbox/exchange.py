"""The sandbox exchange core in one object: what the HTTP layer holds.

``Exchange`` wires the engine, the market data (with its backfilled
history), the simulated traders, the per-account wallet data and the
optional state file together.  It is synchronous and not thread-safe: call
it from one thread (the server's event loop).

Ids are never reused across restarts: order and trade ids start at
``id_base``, which by default comes from the wall clock at start
(milliseconds × 1000, see :func:`default_id_base`), and with a state file
never below the saved counters.  ``instance_id`` names this exchange: kept in
the state file, or new for every run without one.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

from jextui.sandbox.accounts import AccountData
from jextui.sandbox.clock import Clock, SystemClock
from jextui.sandbox.engine import Engine
from jextui.sandbox.market import BACKFILL_TRADES, HistoryBackfill, MarketSimulator
from jextui.sandbox.marketdata import MarketData
from jextui.sandbox.store import Store, new_instance_id
from jextui.sandbox.symbols import (
    CONTRACT_SYMBOLS,
    DEFAULT_SYMBOLS,
    OPTION_SYMBOLS,
    SymbolSpec,
    synthetic_symbols,
)

__all__ = ["Exchange", "DEMO_BALANCES", "ZERO_BALANCE_ASSETS", "AUTOSAVE_MS", "IDS_PER_MS", "default_id_base"]

DEMO_BALANCES: dict[str, Decimal] = {
    "BTC": Decimal("10"),
    "ETH": Decimal("150"),
    "USDT": Decimal("250000"),
    "DASH": Decimal("2000"),
    "LTC": Decimal("1500"),
    "JEX": Decimal("5000000"),
    "BNB": Decimal("2500"),
}
"""Opening balances of a demo account; synthetic assets get about 50,000 USDT worth."""

ZERO_BALANCE_ASSETS = ("EOS", "TRX", "XRP")
"""Assets a demo account lists with a zero balance (as real accounts do)."""

SYNTHETIC_VALUE_USDT = Decimal("50000")
AUTOSAVE_MS = 5_000
IDS_PER_MS = 1000
"""Room for this many new ids per millisecond of a run before the next run's first id."""


def default_id_base(clock: Clock) -> int:
    """The first order and trade id of a run on ``clock``.

    On the system clock: the wall-clock milliseconds at start × ``IDS_PER_MS``
    (without any simulated skew), so a later run starts above every id an
    earlier one gave out unless it issued more than ``IDS_PER_MS`` ids per
    millisecond of its life (about 1.8e15 in 2026, well inside a double's exact
    integers).  On a test clock: 1, so seeded runs keep small, repeatable ids.
    """
    if isinstance(clock, SystemClock):
        return time.time_ns() // 1_000_000 * IDS_PER_MS
    return 1


class Exchange:
    """Engine + market data + simulated market + wallet data + persistence."""

    def __init__(
        self,
        *,
        seed: int = 1,
        clock: Clock | None = None,
        extra_symbols: int = 0,
        simulate: bool = True,
        state_path: str | None = None,
        id_base: int | None = None,
    ) -> None:
        self.clock: Clock = clock if clock is not None else SystemClock()
        base = default_id_base(self.clock) if id_base is None else int(id_base)
        self.simulate = simulate
        self._store = Store(state_path) if state_path else None
        saved = self._store.load_meta() if self._store else None
        # a state file keeps its own seed and start time: the history must not change
        self.seed = saved.seed if saved else seed
        self.genesis_ms = saved.genesis_ms if saved else self.clock.now_ms()
        self.instance_id = (saved.instance_id if saved else None) or new_instance_id()
        first_trade_id = saved.first_trade_id if saved else base  # the backfilled history's ids
        self.spot_symbols: list[SymbolSpec] = list(DEFAULT_SYMBOLS) + synthetic_symbols(extra_symbols, self.seed)
        self.contract_symbols: list[dict[str, Any]] = [dict(s) for s in CONTRACT_SYMBOLS]
        self.option_symbols: list[dict[str, Any]] = [dict(s) for s in OPTION_SYMBOLS]
        self.engine = Engine(self.spot_symbols, self.clock)
        self.history = HistoryBackfill(self.spot_symbols, self.seed, self.genesis_ms, first_trade_id=first_trade_id)
        self.market = MarketData(self.engine, self.clock, history=self.history, genesis_ms=self.genesis_ms)
        for spec in self.spot_symbols:
            self.engine.set_next_trade_id(spec.symbol, first_trade_id + BACKFILL_TRADES)
        if self._store is not None:
            if saved is not None:
                self._store.restore(self.engine, self.market)
            self._store.watch(self.engine)
        self.engine.restore_counters(base, {})  # never below this run's base
        for spec in self.spot_symbols:
            self.engine.set_next_trade_id(spec.symbol, max(self.engine.next_trade_id(spec.symbol), base))
        self.simulator = MarketSimulator(self.engine, self.market, self.seed, self.clock)
        self.simulator.seed_books()
        self.accounts = AccountData(self.engine, self.seed, self.genesis_ms)
        self._last_save_ms = self.clock.now_ms()
        self.commit()  # a new state file gets its seed, start time and counters at once

    @property
    def state_path(self) -> str | None:
        return str(self._store.path) if self._store else None

    def symbol(self, name: str) -> SymbolSpec | None:
        return self.engine.symbols.get(name)

    def open_account(self, account_id: str) -> None:
        """Open a funded demo account (nothing happens if it exists, e.g. restored from state)."""
        if self.engine.has_account(account_id):
            return
        balances: dict[str, Decimal] = {asset: Decimal(0) for asset in ZERO_BALANCE_ASSETS}
        for spec in self.spot_symbols:
            for asset in spec.assets:
                if asset in DEMO_BALANCES:
                    balances[asset] = DEMO_BALANCES[asset]
                elif asset not in balances:
                    amount = SYNTHETIC_VALUE_USDT / spec.initial_price
                    balances[asset] = amount.quantize(spec.qty_exp)
        self.engine.add_account(account_id, balances)
        if self._store is not None:
            self._store.mark_account(account_id)
            self.commit()

    def tick(self) -> None:
        """One step of the simulated market (nothing in quiet mode).

        A user's order the simulated traders filled is committed at once; market
        data is saved every few seconds.
        """
        if self.simulate:
            self.simulator.step()
        if self._store is not None:
            now = self.clock.now_ms()
            if now - self._last_save_ms >= AUTOSAVE_MS:
                self.save()
            else:
                self.commit()

    def commit(self) -> None:
        """Write every acknowledged change (orders, balances, id counters) through to the state file.

        Called before an answer is sent; a no-op without ``state_path`` or when nothing changed.
        """
        store = self._store
        if store is not None and store.pending:
            store.commit(self)

    def save(self) -> None:
        """Write the state file now (no-op without ``state_path``)."""
        if self._store is not None:
            self._store.save(self)
            self._last_save_ms = self.clock.now_ms()

    def close(self) -> None:
        """Save and release the state file."""
        if self._store is not None:
            self.save()
            self._store.close()
            self._store = None
