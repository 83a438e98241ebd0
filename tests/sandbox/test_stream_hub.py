"""The stream hub without sockets: one computation per stream and cadence, shared by every subscriber."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.exchange import Exchange
from jextui.sandbox.faults import FaultInjector
from jextui.sandbox.listen_keys import ListenKeys
from jextui.sandbox.stream_hub import StreamHub
from jextui.sandbox.stream_names import StreamNameError


class _Subscriber:
    def __init__(self, combined: bool = False) -> None:
        self.combined = combined
        self.texts: list[str] = []
        self.closed: tuple[int, str] | None = None
        self.dropped = False

    def deliver(self, text: str, *, user: bool = False) -> None:
        self.texts.append(text)

    def close_soon(self, code: int, reason: str) -> None:
        self.closed = (code, reason)

    def drop(self) -> None:
        self.dropped = True


@dataclass
class _Setup:
    hub: StreamHub
    clock: FixedClock
    keys: ListenKeys


@pytest.fixture
async def setup() -> Any:
    clock = FixedClock(1_700_000_000_000)
    exchange = Exchange(seed=1, clock=clock, simulate=False)
    exchange.open_account("demo")
    keys = ListenKeys(clock.now_ms, ttl_ms=60_000)
    hub = StreamHub(exchange, keys, FaultInjector(), clock.now_ms)
    yield _Setup(hub, clock, keys)
    await hub.stop()


async def test_each_stream_is_computed_once_per_tick_for_every_subscriber(setup: _Setup, monkeypatch: Any) -> None:
    hub = setup.hub
    market = hub._exchange.market
    calls = {"klines": 0, "ticker": 0}
    klines, ticker = market.klines, market.ticker_24hr

    def counted_klines(*args: Any, **kwargs: Any) -> Any:
        calls["klines"] += 1
        return klines(*args, **kwargs)

    def counted_ticker(*args: Any, **kwargs: Any) -> Any:
        calls["ticker"] += 1
        return ticker(*args, **kwargs)

    monkeypatch.setattr(market, "klines", counted_klines)
    monkeypatch.setattr(market, "ticker_24hr", counted_ticker)
    raw = [_Subscriber() for _ in range(20)]
    combined = [_Subscriber(combined=True) for _ in range(20)]
    for subscriber in raw + combined:
        hub.subscribe(subscriber, ["btcusdt@spotKline_1m", "btcusdt@spotMiniTicker", "btcusdt@spotTicker"])
    await hub.stop()  # the tick is driven by hand below
    hub.produce(slow=True)
    assert calls == {"klines": 1, "ticker": 1}  # the two ticker streams share one 24 h ticker too
    assert all(len(s.texts) == 3 for s in raw + combined)
    assert raw[0].texts[0] is raw[1].texts[0]  # the same encoded text, not a copy per connection
    assert combined[0].texts[0] is combined[1].texts[0]
    assert json.loads(combined[0].texts[0])["data"] == json.loads(raw[0].texts[0])
    hub.produce(slow=False)  # a fast tick leaves the one-second streams alone
    assert calls == {"klines": 1, "ticker": 1}


async def test_unsubscribing_the_last_subscriber_stops_the_depth_tracking(setup: _Setup) -> None:
    hub = setup.hub
    first, second = _Subscriber(), _Subscriber()
    hub.subscribe(first, ["btcusdt@spotDepth"])
    hub.subscribe(second, ["btcusdt@spotDepth"])
    hub.unsubscribe(first)
    assert hub.depth.watching("BTCUSDT")
    hub.unsubscribe(second)
    assert not hub.depth.watching("BTCUSDT") and hub.connections == 0


async def test_listen_key_expiry_closes_its_subscribers(setup: _Setup) -> None:
    hub = setup.hub
    key = setup.keys.open("demo")
    subscriber = _Subscriber()
    hub.subscribe(subscriber, [key])
    setup.clock.advance(60_000)
    hub.produce(slow=False)
    assert subscriber.closed == (1008, "listenKey expired")
    with pytest.raises(StreamNameError):
        hub.resolve(key)


async def test_user_events_reach_only_the_accounts_subscribers(setup: _Setup) -> None:
    hub = setup.hub
    hub._exchange.open_account("other")
    demo, other = _Subscriber(), _Subscriber(combined=True)
    demo_key, other_key = setup.keys.open("demo"), setup.keys.open("other")
    hub.subscribe(demo, [demo_key])
    hub.subscribe(other, [other_key])
    hub._engine.place_order("demo", "BTCUSDT", "BUY", Decimal("1000.00"), Decimal("0.1"))
    hub.user_events.flush()
    assert [json.loads(t)["e"] for t in demo.texts] == ["execSpotReport", "accountSpotInfo"]
    assert other.texts == []
