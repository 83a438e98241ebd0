"""The routing table: one path per feed event, store first; replaceable feed messages."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

from jextui.api.errors import TransportError
from jextui.api.models import Depth, Trade
from jextui.feed.events import BookUpdate, FeedFailed, PricesUpdate, TickersUpdate, TradesUpdate
from jextui.market_store import Changed, MarketStore
from jextui.ui.messages import FeedArrived
from jextui.ui.routing import FeedRouter


def prices(**values: str) -> PricesUpdate:
    return PricesUpdate(MappingProxyType({k: Decimal(v) for k, v in values.items()}), received_ms=1)


def book(symbol: str) -> BookUpdate:
    return BookUpdate(symbol, Depth(last_update_id=1, bids=[], asks=[]), received_ms=1)


def test_the_store_remembers_first_and_the_handlers_get_what_changed() -> None:
    store = MarketStore()
    router = FeedRouter()
    router.remember(PricesUpdate, store.remember_prices)
    seen: list[tuple[Decimal, Changed]] = []
    router.subscribe(PricesUpdate, lambda event, changed: seen.append((store.prices["BTCUSDT"], changed)))
    router.route(prices(BTCUSDT="1", ETHUSDT="2"))
    router.route(prices(BTCUSDT="1", ETHUSDT="3"))
    assert seen[0] == (Decimal(1), Changed(symbols=frozenset({"BTCUSDT", "ETHUSDT"})))
    assert seen[1] == (Decimal(1), Changed(symbols=frozenset({"ETHUSDT"})))  # BTCUSDT did not move


def test_trades_arrive_newest_first_and_their_latest_price_is_kept() -> None:
    store = MarketStore()
    trades = (Trade(price=Decimal("11"), qty=Decimal(1), time=2), Trade(price=Decimal("10"), qty=Decimal(1), time=1))
    assert store.remember_trades(TradesUpdate("BTCUSDT", trades, False, received_ms=3)).symbols == {"BTCUSDT"}
    assert store.last_price("BTCUSDT") == Decimal("11")


def test_a_failing_handler_does_not_keep_the_event_from_the_others(caplog: Any) -> None:
    router = FeedRouter()
    seen: list[str] = []

    def broken(_event: Any, _changed: Any) -> None:
        raise RuntimeError("a pane went away")

    router.subscribe(FeedFailed, broken)
    router.subscribe(FeedFailed, lambda event, _changed: seen.append(event.kind))
    router.route(FeedFailed("book", "BTCUSDT", TransportError("down", endpoint="depth"), received_ms=1))
    assert seen == ["book"]
    assert "handling FeedFailed failed" in caplog.text


def test_a_late_part_gets_the_held_events_of_its_types_then_the_live_ones() -> None:
    router = FeedRouter()
    router.hold()
    router.route(book("BTCUSDT"))
    router.route(prices(BTCUSDT="1"))
    seen: list[str] = []
    router.subscribe_all({BookUpdate: lambda event, _changed: seen.append(event.symbol)})
    router.route(book("ETHUSDT"))
    assert seen == ["BTCUSDT", "ETHUSDT"]
    assert router.handles(PricesUpdate) == []


def test_a_newer_snapshot_replaces_a_queued_one_only_when_it_covers_as_much() -> None:
    assert FeedArrived(book("BTCUSDT")).can_replace(FeedArrived(book("BTCUSDT")))
    assert not FeedArrived(book("BTCUSDT")).can_replace(FeedArrived(book("ETHUSDT")))
    assert FeedArrived(prices(BTCUSDT="1")).can_replace(FeedArrived(prices(BTCUSDT="2", ETHUSDT="3")))
    assert not FeedArrived(prices(BTCUSDT="1", ETHUSDT="3")).can_replace(FeedArrived(prices(BTCUSDT="2")))
    assert not FeedArrived(prices(BTCUSDT="1")).can_replace(FeedArrived(book("BTCUSDT")))
    tickers = TickersUpdate(MappingProxyType({}), received_ms=1)
    assert not FeedArrived(prices(BTCUSDT="1")).can_replace(FeedArrived(tickers))
    trades = TradesUpdate("BTCUSDT", (), False, received_ms=1)
    assert not FeedArrived(trades).can_replace(FeedArrived(trades))  # not a snapshot that is merged whole
