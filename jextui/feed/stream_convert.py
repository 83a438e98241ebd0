"""Stream payloads turned into the REST-shaped models the feed events carry.

Pure.  The streams carry fewer fields than REST: what a stream payload does
not say is kept from the last REST value for the same thing when there is
one, and is zero otherwise (never invented from elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jextui.api.models import Kline, Ticker24hr
from jextui.api.streams.models import KlineBar, TickerEvent

__all__ = ["ticker_from_stream", "merge_kline"]

_ZERO = Decimal(0)


def ticker_from_stream(event: TickerEvent, previous: Ticker24hr | None) -> Ticker24hr:
    """A 24 h ticker from a stream ticker.  The stream lacks the weighted
    average and the best bid/ask: kept from ``previous`` (zero without one).
    The open price is the last price minus the change."""
    return Ticker24hr(
        symbol=event.symbol,
        price_change=event.price_change,
        price_change_percent=event.price_change_percent,
        weighted_avg_price=previous.weighted_avg_price if previous else _ZERO,
        last_price=event.close,
        bid_price=previous.bid_price if previous else _ZERO,
        bid_qty=previous.bid_qty if previous else _ZERO,
        ask_price=previous.ask_price if previous else _ZERO,
        ask_qty=previous.ask_qty if previous else _ZERO,
        open_price=event.close - event.price_change,
        high_price=event.high,
        low_price=event.low,
        volume=event.volume,
        quote_volume=event.quote_volume,
        open_time=event.open_time,
        close_time=event.close_time,
    )


def merge_kline(history: Sequence[Kline], bar: KlineBar, *, limit: int) -> tuple[Kline, ...] | None:
    """``history`` (oldest first) with the stream's current candle merged in:
    it replaces the candle with the same open time or is appended after the
    last one (the oldest then go beyond ``limit``).  None when the bar is
    older than the last candle held (nothing to change).  The stream does not
    carry the trade count or the taker volumes: kept from the REST candle of
    the same open time, zero for a new candle."""
    last = history[-1] if history else None
    if last is not None and bar.open_time < last.open_time:
        return None
    same = last is not None and last.open_time == bar.open_time
    kline = Kline(
        open_time=bar.open_time,
        open=bar.open,
        high=bar.high,
        low=bar.low,
        close=bar.close,
        volume=bar.volume,
        close_time=bar.close_time,
        quote_volume=bar.quote_volume,
        trades=last.trades if same and last is not None else 0,
        taker_buy_base_volume=last.taker_buy_base_volume if same and last is not None else _ZERO,
        taker_buy_quote_volume=last.taker_buy_quote_volume if same and last is not None else _ZERO,
    )
    if same:
        if last == kline:
            return None
        merged = (*history[:-1], kline)
    else:
        merged = (*history, kline)
    return tuple(merged[-limit:]) if limit > 0 else ()
