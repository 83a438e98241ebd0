"""Reading a portfolio from the exchange (and the journal) with a client.

Requests: ``exchangeInfo``, ``account``, the 24 h tickers of every symbol
(one request), ``tradeFee`` and ``historyOrders`` for each symbol traded:
the watched symbols plus every symbol the order journal holds an accepted
order of for this exchange and key.

``historyOrders`` answers at most :data:`PAGE` orders, the most recent
first selected; older pages are read by ending the next page before the
oldest order seen, up to :data:`MAX_PAGES` pages per symbol.  When the last
page is still full, the history is cut there and costs that need older
orders are reported unknown (see :mod:`jextui.portfolio.costs`).

Fees: the order history does not carry them, so each order's fee is
computed from the account's ``tradeFee`` rates as the exchange charges them
(on what the order received, rounded down to 8 decimals): the maker rate
when the order rested before it filled (its update time is later than its
placement), the taker rate otherwise.  An order that partly crossed and then
rested and filled is charged at the maker rate here: a difference of at most
the rate difference on that part.

A fill on a pair not quoted in the valuation asset (ETHBTC when valuing in
USDT) is valued at the quote asset's price at the fill's time: the close of
the 1-minute kline of its direct pair with the valuation asset (BTCUSDT).
This is the market price of that minute, not of the very trade; without a
direct pair, or past :data:`MAX_RATE_LOOKUPS` minutes, the fill stays
unvalued and its assets' cost is reported unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

from jextui.api.models import Order
from jextui.portfolio.build import Holding, Portfolio, build_portfolio
from jextui.portfolio.costs import Fill
from jextui.portfolio.valuation import Pair

__all__ = ["MAX_PAGES", "PAGE", "fills_from_orders", "historical_rates", "journal_symbols", "load_portfolio"]

PAGE = 500
MAX_PAGES = 4
MAX_RATE_LOOKUPS = 60  # klines requests to value fills on cross pairs
MINUTE_MS = 60_000
FEE_UNIT = Decimal("0.00000001")


def _fee(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate).quantize(FEE_UNIT, ROUND_DOWN) if rate else Decimal(0)


def fills_from_orders(
    orders: Iterable[Order],
    pairs: Mapping[str, Pair],
    fee_rates: Mapping[str, tuple[Decimal, Decimal]],
    valuation: str,
    rate_at: Callable[[str, int], Decimal | None] | None = None,
) -> list[Fill]:
    """One :class:`Fill` per order with an executed quantity (see the module docstring).

    A fill on a pair whose quote is not the valuation asset is valued with
    ``rate_at(quote asset, time ms)`` (one quote unit in the valuation asset
    at that time), or left unvalued when that gives ``None``.
    """
    fills = []
    for order in orders:
        if order.executed_qty <= 0:
            continue
        pair = pairs.get(order.symbol)
        if pair is None:
            continue
        maker, taker = fee_rates.get(order.symbol, (Decimal(0), Decimal(0)))
        rate = maker if order.update_time > order.time else taker
        if order.side == "BUY":
            fee, fee_asset = _fee(order.executed_qty, rate), pair.base
        else:
            fee, fee_asset = _fee(order.cummulative_quote_qty, rate), pair.quote
        value: Decimal | None
        if pair.quote == valuation:
            value = order.cummulative_quote_qty
        else:
            quote_rate = rate_at(pair.quote, order.update_time) if rate_at is not None else None
            value = order.cummulative_quote_qty * quote_rate if quote_rate is not None else None
        fills.append(
            Fill(
                order.symbol,
                pair.base,
                pair.quote,
                order.side,
                order.executed_qty,
                order.cummulative_quote_qty,
                fee,
                fee_asset,
                order.update_time,
                value,
                int(order.order_id),
            )
        )
    return fills


def minute_of(time_ms: int) -> int:
    return time_ms - time_ms % MINUTE_MS


async def historical_rates(
    client: Any, needs: Iterable[tuple[str, int]], pairs: Mapping[str, Pair], valuation: str
) -> dict[tuple[str, int], Decimal]:
    """``{(asset, minute start): rate}``: the close of the 1-minute kline of the asset's
    direct pair with the valuation asset (inverted for ``VAL+ASSET``), at most
    :data:`MAX_RATE_LOOKUPS` lookups; missing where there is no direct pair or kline."""
    by_assets = {(p.base, p.quote): p.symbol for p in pairs.values()}
    rates: dict[tuple[str, int], Decimal] = {}
    for asset, minute in sorted(set(needs))[:MAX_RATE_LOOKUPS]:
        direct, inverse = by_assets.get((asset, valuation)), by_assets.get((valuation, asset))
        symbol = direct or inverse
        if symbol is None:
            continue
        klines = await client.klines(symbol, "1m", start_time=minute, limit=1)
        if not klines or klines[0].open_time != minute or klines[0].close <= 0:
            continue
        close = klines[0].close
        rates[(asset, minute)] = close if direct else Decimal(1) / close
    return rates


def journal_symbols(journal_path: Path | None, base_url: str, api_key: str | None) -> set[str]:
    """Symbols of the orders the journal holds for this exchange and key (empty if none)."""
    if journal_path is None or not journal_path.is_file():
        return set()
    from jextui.trading.journal import KIND_ORDER, JournalError, account_identity
    from jextui.trading.journal_read import read_entries

    try:
        entries = read_entries(journal_path)
    except (JournalError, OSError):
        return set()
    account = account_identity(api_key)
    return {
        e.symbol
        for e in entries
        if e.kind == KIND_ORDER and e.order_id is not None and e.base_url == base_url and e.account == account
    }


async def _history(client: Any, symbol: str) -> tuple[list[Order], bool]:
    """(orders, complete): pages back from the newest (see the module docstring)."""
    orders: list[Order] = []
    end_time: int | None = None
    for _ in range(MAX_PAGES):
        page = await client.history_orders(symbol, limit=PAGE, end_time=end_time)
        orders.extend(page)
        if len(page) < PAGE:
            return orders, True
        end_time = min(o.time for o in page) - 1
    return orders, False


async def load_portfolio(
    client: Any,
    symbols: Sequence[str],
    *,
    valuation: str = "USDT",
    journal_path: Path | None = None,
    api_key: str | None = None,
) -> Portfolio:
    """Read everything and build the portfolio (``client``: a :class:`jextui.api.JexClient`
    with credentials; ``api_key`` picks this key's orders from the journal).  API errors
    propagate as the client raises them."""
    info = await client.exchange_info()
    pairs = {s.symbol: Pair(s.symbol, s.base_asset, s.quote_asset) for s in info.spot_symbols}
    quote_precisions = {s.symbol: s.quote_precision for s in info.spot_symbols}
    account = await client.account()
    holdings = [Holding(b.asset, b.free, b.locked) for b in account.spot_balances]
    tickers = await client.ticker_24hr()
    last = {t.symbol: t.last_price for t in tickers}
    opens = {t.symbol: t.open_price for t in tickers}
    traded = sorted((set(symbols) | journal_symbols(journal_path, client.base_url, api_key)) & set(pairs))
    rates = {f.symbol: (f.maker, f.taker) for f in await client.trade_fee()}
    orders: list[Order] = []
    cut: list[str] = []
    for symbol in traded:
        found, complete = await _history(client, symbol)
        orders.extend(found)
        if not complete:
            cut.append(symbol)
    fills = fills_from_orders(orders, pairs, rates, valuation)
    needs = [(f.quote, minute_of(f.time_ms)) for f in fills if f.value is None]
    if needs:  # cross pairs: value their fills at the quote asset's price of that minute
        past = await historical_rates(client, needs, pairs, valuation)
        fills = fills_from_orders(
            orders, pairs, rates, valuation, rate_at=lambda asset, ms: past.get((asset, minute_of(ms)))
        )
    notes = [f"costs from the order history of {', '.join(traded) or 'no symbol'}"]
    notes.append("fees computed from the account's maker/taker rates (the order history does not list them)")
    if needs:
        notes.append(f"fills on pairs not quoted in {valuation} valued at the 1-minute close of their time")
    if cut:
        notes.append(f"history cut at {PAGE * MAX_PAGES} orders for {', '.join(cut)}")
    return build_portfolio(
        holdings, pairs, last, opens, fills, valuation=valuation, quote_precisions=quote_precisions, notes=notes
    )
