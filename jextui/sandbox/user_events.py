"""The user data stream's events, made from the engine's order and fill events.

For every account with an open user stream:

* ``execSpotReport`` whenever one of its orders changes state.  An order
  that trades or ends at once is first reported as placed (``NEW``, nothing
  filled), then in its new state; makers are reported as they fill.
* ``accountSpotInfo`` whenever its balances change, listing the assets that
  changed (free and locked after the change).  Balance changes of one engine
  call are gathered and sent once, right after it.

Events go out as they happen, each with the sandbox clock's time as ``E``;
``send(account_id, payload)`` delivers them (the stream hub fans them out to
the account's connections).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jextui.sandbox import stream_payloads as payloads

if TYPE_CHECKING:
    from jextui.sandbox.engine import Engine

NEW = "NEW"

__all__ = ["UserEvents"]


class _Watched:
    __slots__ = ("balances", "first_new_order_id", "announced")

    def __init__(self, balances: dict[str, tuple[Any, Any]], first_new_order_id: int) -> None:
        self.balances = balances  # asset -> (free, locked) as last reported
        self.first_new_order_id = first_new_order_id  # orders from here on are reported from their placement
        self.announced: set[int] = set()  # their ids, once reported as NEW, until they close


class UserEvents:
    """Order and balance events for the watched accounts (see the module docstring)."""

    def __init__(self, engine: Engine, now_ms: Callable[[], int], send: Callable[[str, dict[str, Any]], None]) -> None:
        self._engine = engine
        self._now_ms = now_ms
        self._send = send
        self._watched: dict[str, _Watched] = {}
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        engine.add_fill_listener(self._on_fill)
        engine.add_order_listener(self._on_order)

    def watch(self, account_id: str) -> None:
        if account_id not in self._watched:
            balances = {asset: (bal.free, bal.locked) for asset, bal in self._engine.balances(account_id).items()}
            self._watched[account_id] = _Watched(balances, self._engine.next_order_id)

    def unwatch(self, account_id: str) -> None:
        self._watched.pop(account_id, None)
        self._dirty.discard(account_id)

    # --- engine events ---------------------------------------------------------------

    def _announce(self, account_id: str, watched: _Watched, order: Any) -> None:
        """Report a newly placed order as NEW once (before its first change)."""
        if order.order_id < watched.first_new_order_id or order.order_id in watched.announced:
            return
        watched.announced.add(order.order_id)
        spec = self._engine.symbols[order.symbol]
        self._send(account_id, payloads.exec_report(spec, self._now_ms(), order, status=NEW, untouched=True))

    def _on_fill(self, fill: Any) -> None:
        # fills come before the order events: a taker of a watched account is announced first
        watched = self._watched.get(fill.taker_account)
        if watched is not None:
            order = self._engine.stored_order(fill.taker_order_id)
            if order is not None:
                self._announce(fill.taker_account, watched, order)

    def _on_order(self, order: Any) -> None:
        account_id = order.account_id
        watched = self._watched.get(account_id)
        if watched is None:
            return
        status = payloads.report_status(order)
        if status not in ("NEW", "FAIL"):
            self._announce(account_id, watched, order)
        if order.is_open:
            watched.announced.add(order.order_id)
        else:
            watched.announced.discard(order.order_id)
        spec = self._engine.symbols[order.symbol]
        self._send(account_id, payloads.exec_report(spec, self._now_ms(), order))
        self._dirty.add(account_id)
        self._schedule_flush()

    # --- balances --------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if self._flush_scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the server's loop: report at once
            self.flush()
            return
        self._flush_scheduled = True
        loop.call_soon(self.flush)

    def flush(self) -> None:
        """Send ``accountSpotInfo`` to each watched account whose balances changed."""
        self._flush_scheduled = False
        dirty, self._dirty = self._dirty, set()
        for account_id in dirty:
            watched = self._watched.get(account_id)
            if watched is None:
                continue
            changed = {}
            for asset, bal in self._engine.balances(account_id).items():
                if watched.balances.get(asset) != (bal.free, bal.locked):
                    watched.balances[asset] = (bal.free, bal.locked)
                    changed[asset] = bal
            if changed:
                maker, taker, _overrides, _history = self._engine.account_state(account_id)
                self._send(account_id, payloads.account_info(self._now_ms(), maker, taker, changed))
