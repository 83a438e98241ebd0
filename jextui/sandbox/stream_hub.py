"""The producers of the sandbox's streams, shared by every connection (docs/streams.md).

Each stream with at least one subscriber is computed once per cadence —
trades every 100 ms, everything else every second — encoded once (and
wrapped once for combined connections), then handed to each subscriber.
The producer task runs only while something is subscribed.  User data events
are pushed as the engine reports them (``user_events``), to the connections
of the account's listenKey.

A subscriber is any object with ``combined`` (wants the ``{stream, data}``
wrapper), ``deliver(text, user=...)``, ``close_soon(code, reason)`` and
``drop()`` (cut at once, for the drop fault).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from jextui.sandbox import stream_payloads as payloads
from jextui.sandbox.depth_diffs import DepthDiffs
from jextui.sandbox.listen_keys import ListenKeys
from jextui.sandbox.stream_names import (
    DIFF_DEPTH,
    KLINE,
    MINI_TICKER,
    MINI_TICKER_ARR,
    PARTIAL_DEPTH,
    TICKER,
    TICKER_ARR,
    TRADE,
    MarketStream,
    StreamNameError,
    parse_market_stream,
)
from jextui.sandbox.user_events import UserEvents

__all__ = ["StreamHub", "Subscriber", "FAST_PERIOD_S", "SLOW_EVERY", "POLICY_CLOSE"]

log = logging.getLogger("jextui.sandbox.streams")

FAST_PERIOD_S = 0.1
SLOW_EVERY = 10
"""The slow cadence is every 10th fast tick: one second."""
POLICY_CLOSE = 1008


class Subscriber(Protocol):
    combined: bool

    def deliver(self, text: str, *, user: bool = False) -> None: ...

    def close_soon(self, code: int, reason: str) -> None: ...

    def drop(self) -> None: ...


@dataclass(eq=False)
class _Stream:
    spec: MarketStream
    subscribers: set[Subscriber] = field(default_factory=set)
    last_trade_id: int = 0
    last_sent: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # arrays: symbol -> what was pushed


class StreamHub:
    """Subscriptions and producers of every stream of one exchange."""

    def __init__(self, exchange: Any, listen_keys: ListenKeys, faults: Any, now_ms: Callable[[], int]) -> None:
        self._exchange = exchange
        self._engine = exchange.engine
        self._listen_keys = listen_keys
        self._faults = faults
        self._now_ms = now_ms
        self._streams: dict[str, _Stream] = {}
        self._users: dict[str, dict[Subscriber, str]] = {}  # account -> subscriber -> stream name (the key)
        self._by_key: dict[str, set[Subscriber]] = {}
        self._connections: set[Any] = set()
        self._task: asyncio.Task[None] | None = None
        self.depth = DepthDiffs(self._engine)
        self.user_events = UserEvents(self._engine, now_ms, self._send_user)
        listen_keys.on_removed.append(self._listen_key_removed)

    # --- names and subscriptions ------------------------------------------------------

    def resolve(self, name: str) -> MarketStream | str:
        """A market stream, or the account of a live listenKey; StreamNameError otherwise."""
        if "@" in name:
            return parse_market_stream(name, self._engine.symbols)
        account = self._listen_keys.account_of(name)
        if account is None:
            raise StreamNameError(f"unknown stream or listenKey {name[:80]!r}")
        return account

    def subscribe(self, subscriber: Subscriber, names: list[str]) -> None:
        """Subscribe to streams already checked by :meth:`resolve` (a listenKey may have gone since)."""
        self._connections.add(subscriber)
        for name in names:
            target = self.resolve(name)
            if isinstance(target, str):
                self.user_events.watch(target)
                self._users.setdefault(target, {})[subscriber] = name
                self._by_key.setdefault(name, set()).add(subscriber)
                continue
            stream = self._streams.get(name)
            if stream is None:
                stream = self._streams[name] = self._new_stream(target)
            stream.subscribers.add(subscriber)
        self._ensure_running()

    def _new_stream(self, spec: MarketStream) -> _Stream:
        stream = _Stream(spec)
        if spec.kind == TRADE:
            assert spec.symbol is not None
            stream.last_trade_id = self._engine.next_trade_id(spec.symbol) - 1
        elif spec.kind == DIFF_DEPTH:
            assert spec.symbol is not None
            self.depth.watch(spec.symbol)
        return stream

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._connections.discard(subscriber)
        for name in [name for name, stream in self._streams.items() if subscriber in stream.subscribers]:
            stream = self._streams[name]
            stream.subscribers.discard(subscriber)
            if not stream.subscribers:
                del self._streams[name]
                if (
                    stream.spec.kind == DIFF_DEPTH
                    and stream.spec.symbol is not None
                    and not any(
                        s.spec.kind == DIFF_DEPTH and s.spec.symbol == stream.spec.symbol
                        for s in self._streams.values()
                    )
                ):
                    self.depth.unwatch(stream.spec.symbol)
        for account in [account for account, subs in self._users.items() if subscriber in subs]:
            key = self._users[account].pop(subscriber)
            self._by_key.get(key, set()).discard(subscriber)
            if not self._by_key.get(key):
                self._by_key.pop(key, None)
            if not self._users[account]:
                del self._users[account]
                self.user_events.unwatch(account)

    @property
    def connections(self) -> int:
        return len(self._connections)

    def subscribers(self) -> list[Subscriber]:
        return list(self._connections)

    # --- user data ---------------------------------------------------------------------

    def _send_user(self, account_id: str, payload: dict[str, Any]) -> None:
        subscribers = self._users.get(account_id)
        if not subscribers:
            return
        text = payloads.to_text(payload)
        for subscriber, name in list(subscribers.items()):
            subscriber.deliver(payloads.wrap(name, text) if subscriber.combined else text, user=True)

    def _listen_key_removed(self, key: str, why: str) -> None:
        for subscriber in list(self._by_key.get(key, ())):
            subscriber.close_soon(POLICY_CLOSE, f"listenKey {why}")

    # --- producers ------------------------------------------------------------------------

    def _ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="jextui-sandbox-streams")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        tick = 0
        while self._connections:
            due += FAST_PERIOD_S
            delay = due - loop.time()
            if delay < 0:  # late (a busy loop): skip the missed ticks
                due, delay = loop.time(), 0.0
            await asyncio.sleep(delay)
            tick += 1
            try:
                self.produce(slow=tick % SLOW_EVERY == 0)
            except Exception:  # a bug of ours must not end every stream: logged, next tick goes on
                log.exception("stream producer failed")

    def produce(self, *, slow: bool) -> None:
        """One tick: the trade streams, and with ``slow`` every one-second stream; expired keys close."""
        self._listen_keys.purge()
        now = self._now_ms()
        tickers: dict[str, Any] = {}
        for name, stream in list(self._streams.items()):
            kind = stream.spec.kind
            if kind == TRADE:
                payload = self._trades(stream, now)
            elif not slow:
                continue
            elif kind == DIFF_DEPTH:
                payload = self._diff(stream)
            elif kind in (MINI_TICKER_ARR, TICKER_ARR):
                payload = self._ticker_array(stream, now, tickers)
            else:
                payload = self._one_second(stream, now, tickers)
            if payload is not None:
                self._fan_out(name, stream, payloads.to_text(payload))

    def _fan_out(self, name: str, stream: _Stream, text: str) -> None:
        wrapped: str | None = None
        for subscriber in list(stream.subscribers):
            if subscriber.combined:
                if wrapped is None:
                    wrapped = payloads.wrap(name, text)
                subscriber.deliver(wrapped)
            else:
                subscriber.deliver(text)

    def _ticker(self, symbol: str, cache: dict[str, Any]) -> Any:
        ticker = cache.get(symbol)
        if ticker is None:
            ticker = cache[symbol] = self._exchange.market.ticker_24hr(symbol)
        return ticker

    def _trades(self, stream: _Stream, now: int) -> Any:
        symbol = stream.spec.symbol
        assert symbol is not None
        fresh = self._exchange.market.live_trades(symbol, after_id=stream.last_trade_id)
        if not fresh:
            return None
        stream.last_trade_id = fresh[-1].id
        return payloads.trades(self._engine.symbols[symbol], now, fresh)

    def _diff(self, stream: _Stream) -> Any:
        symbol = stream.spec.symbol
        assert symbol is not None
        version, bids, asks = self.depth.take(symbol)
        if (bids or asks) and self._faults.settings.stream_gap:
            return None  # the fault: these versions never reach the stream
        return payloads.diff_depth(self._engine.symbols[symbol], version, bids, asks)

    def _one_second(self, stream: _Stream, now: int, tickers: dict[str, Any]) -> Any:
        spec = stream.spec
        symbol = spec.symbol
        assert symbol is not None
        symbol_spec = self._engine.symbols[symbol]
        if spec.kind == KLINE:
            assert spec.interval is not None
            rows = self._exchange.market.klines(symbol, spec.interval, limit=1)
            return payloads.kline(symbol_spec, now, spec.interval, rows[-1]) if rows else None
        if spec.kind == MINI_TICKER:
            return payloads.mini_ticker(symbol_spec, now, self._ticker(symbol, tickers))
        if spec.kind == TICKER:
            return payloads.ticker(symbol_spec, now, self._ticker(symbol, tickers))
        if spec.kind == PARTIAL_DEPTH:
            _version, bids, asks = self._engine.depth(symbol, spec.levels)
            return payloads.partial_depth(symbol_spec, bids, asks)
        raise AssertionError(f"no producer for {spec.kind}")

    def _ticker_array(self, stream: _Stream, now: int, tickers: dict[str, Any]) -> Any:
        mini = stream.spec.kind == MINI_TICKER_ARR
        out = []
        for symbol, symbol_spec in self._engine.symbols.items():
            ticker = self._ticker(symbol, tickers)
            payload = (
                payloads.mini_ticker(symbol_spec, now, ticker) if mini else payloads.ticker(symbol_spec, now, ticker)
            )
            # what counts as a change: every field but the event time and the window's times
            seen = tuple(value for key, value in payload.items() if key not in ("E", "O", "C"))
            if stream.last_sent.get(symbol) != seen:
                stream.last_sent[symbol] = seen
                out.append(payload)
        return out or None
