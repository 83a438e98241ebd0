"""Portfolio and P&L: a hand-computed table (fees included), the coverage
rule ("cost unknown before ..."), valuation routes, and real fills on the
sandbox checked against the balances the exchange itself settled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from jextui.api import JexClient
from jextui.api.models import Order, OrderId, Side
from jextui.portfolio import (
    Fill,
    Holding,
    Pair,
    PriceBook,
    build_portfolio,
    costs_from_fills,
    fills_from_orders,
    format_time_ms,
    load_portfolio,
    price_in,
)

D = Decimal
T0 = 1_790_000_000_000
PAIRS = {
    "BTCUSDT": Pair("BTCUSDT", "BTC", "USDT"),
    "ETHUSDT": Pair("ETHUSDT", "ETH", "USDT"),
    "ETHBTC": Pair("ETHBTC", "ETH", "BTC"),
    "XYZBTC": Pair("XYZBTC", "XYZ", "BTC"),
    "USDTEUR": Pair("USDTEUR", "USDT", "EUR"),
}
PRECISIONS = {"BTCUSDT": 2, "ETHUSDT": 2, "ETHBTC": 8, "XYZBTC": 8, "USDTEUR": 4}


def btc_fill(side: str, qty: str, quote: str, fee: str, minute: int) -> Fill:
    fee_asset = "BTC" if side == "BUY" else "USDT"
    return Fill("BTCUSDT", "BTC", "USDT", side, D(qty), D(quote), D(fee), fee_asset, T0 + minute * 60_000, D(quote))


# Hand-computed (average cost, fees included):
#   BUY  1.001 BTC for 60060 USDT, fee 0.001 BTC  -> hold 1.000, cost  60060
#   BUY  1.001 BTC for 62062 USDT, fee 0.001 BTC  -> hold 2.000, cost 122122 (average 61061)
#   SELL 0.5   BTC for 33000 USDT, fee 33 USDT    -> proceeds 32967, cost removed 30530.5,
#                                                    realised 2436.5; hold 1.5, cost 91591.5
#   now 64000: value 96000, unrealised 96000 - 91591.5 = 4408.5
FILLS = [
    btc_fill("BUY", "1.001", "60060", "0.001", 0),
    btc_fill("BUY", "1.001", "62062", "0.001", 5),
    btc_fill("SELL", "0.5", "33000", "33", 9),
]
HOLDINGS = [
    Holding("BTC", D("1.2"), D("0.3")),
    Holding("ETH", D("10"), D("0")),
    Holding("XYZ", D("1000"), D("0")),
    Holding("NOPE", D("5"), D("0")),
    Holding("USDT", D("9000"), D("1000")),
    Holding("LTC", D("0"), D("0")),
]
LAST = {"BTCUSDT": D("64000"), "ETHUSDT": D("3000"), "ETHBTC": D("0.05"), "XYZBTC": D("0.00001")}
OPEN = {"BTCUSDT": D("60000"), "ETHUSDT": D("3200"), "ETHBTC": D("0.05"), "XYZBTC": D("0.00001")}


def test_hand_computed_portfolio_table() -> None:
    p = build_portfolio(HOLDINGS, PAIRS, LAST, OPEN, FILLS, valuation="USDT", quote_precisions=PRECISIONS)
    rows = {line.asset: line for line in p.lines}
    assert [line.asset for line in p.lines] == ["BTC", "ETH", "USDT", "XYZ", "NOPE"]  # by value; unpriced last
    btc = rows["BTC"]
    assert (btc.free, btc.locked, btc.total, btc.value) == (D("1.2"), D("0.3"), D("1.5"), D("96000.00"))
    assert btc.average_cost == D("61061.000000")
    assert (btc.realised, btc.unrealised, btc.cost_note) == (D("2436.50"), D("4408.50"), "")
    assert btc.route == "BTCUSDT"
    # 96000 + 30000 + 10000 + 1000 * 0.00001 * 64000 = 136640
    assert p.total_value == D("136640.00")
    assert rows["XYZ"].value == D("640.00") and rows["XYZ"].route == "XYZBTC×BTCUSDT"
    assert [rows[a].share_pct for a in ("BTC", "ETH", "USDT", "XYZ")] == [D("70.26"), D("21.96"), D("7.32"), D("0.47")]
    # 24 h ago with the same holdings: 1.5*60000 + 10*3200 + 10000 + 1000*0.00001*60000 = 132600
    assert (p.value_24h_ago, p.change_24h, p.change_24h_pct) == (D("132600.00"), D("4040.00"), D("3.05"))
    eth = rows["ETH"]
    assert eth.average_cost is None and eth.unrealised is None
    assert eth.cost_note == f"cost unknown before {format_time_ms(T0)}"
    usdt = rows["USDT"]
    assert (usdt.value, usdt.average_cost, usdt.cost_note) == (D("10000.00"), None, "")
    nope = rows["NOPE"]
    assert (nope.value, nope.share_pct) == (None, None)
    assert nope.cost_note == f"no price in USDT; cost unknown before {format_time_ms(T0)}"
    assert p.unpriced == ("NOPE",) and "LTC" not in rows
    assert p.realised_total == D("2436.50")


def test_history_that_does_not_explain_the_balance_says_cost_unknown() -> None:
    more = [Holding("BTC", D("2.5"), D("0"))]  # one BTC more than the fills account for
    line = build_portfolio(more, PAIRS, LAST, OPEN, FILLS, quote_precisions=PRECISIONS).lines[0]
    assert (line.average_cost, line.realised, line.unrealised) == (None, None, None)
    assert line.cost_note == f"cost unknown before {format_time_ms(T0)}"
    oversold = [btc_fill("SELL", "1", "60000", "60", 0), btc_fill("BUY", "1.001", "60060", "0.001", 1)]
    line = build_portfolio([Holding("BTC", D("1"), D("0"))], PAIRS, LAST, OPEN, oversold).lines[0]
    assert line.cost_note.startswith("cost unknown before")
    dust = [Holding("BTC", D("1.5000009"), D("0"))]  # fee rounding: within 1e-6 per order
    assert build_portfolio(dust, PAIRS, LAST, OPEN, FILLS).lines[0].average_cost is not None


def test_cross_pair_fills_value_both_assets() -> None:
    # Buy 10 ETH on ETHBTC for 0.5 BTC when BTC was worth 60000: value 30000 USDT.
    # fee 0.01 ETH -> ETH: hold 9.99 at cost 30000; BTC disposed of 0.5 at the average 61061 -> realised -530.5
    cross = Fill("ETHBTC", "ETH", "BTC", "BUY", D("10"), D("0.5"), D("0.01"), "ETH", T0 + 600_000, D("30000"))
    costs = costs_from_fills([*FILLS, cross], "USDT")
    assert (costs["ETH"].position, costs["ETH"].cost) == (D("9.99"), D("30000"))
    assert costs["BTC"].realised == D("2436.5") + D("30000") - D("0.5") * D("61061")
    unvalued = Fill("ETHBTC", "ETH", "BTC", "BUY", D("10"), D("0.5"), D("0.01"), "ETH", T0, None)
    line = build_portfolio([Holding("ETH", D("9.99"), D(0))], PAIRS, LAST, OPEN, [unvalued]).lines[0]
    assert line.cost_note == "cost unknown: fills on ETHBTC could not be valued"


def test_routes_direct_inverse_and_through_btc() -> None:
    book = PriceBook(PAIRS, {**LAST, "USDTEUR": D("0.8")})
    assert price_in(book, "BTC", "USDT") == (D("64000"), "BTCUSDT")
    assert price_in(book, "EUR", "USDT") == (D(1) / D("0.8"), "1/USDTEUR")
    assert price_in(book, "XYZ", "USDT") == (D("0.64000"), "XYZBTC×BTCUSDT")
    assert price_in(book, "USDT", "BTC") == (D(1) / D(64000), "1/BTCUSDT")
    assert price_in(book, "NOPE", "USDT") is None
    assert price_in(PriceBook(PAIRS, {}), "BTC", "USDT") is None


def _order(side: Side, qty: str, quote: str, time: int, update: int, order_id: int = 1) -> Order:
    return Order(
        symbol="BTCUSDT",
        order_id=OrderId(order_id),
        price=D("1"),
        orig_qty=D(qty),
        executed_qty=D(qty),
        cummulative_quote_qty=D(quote),
        status="FILLED",
        time_in_force="GTC",
        type="LIMIT",
        side=side,
        time=time,
        update_time=update,
    )


def test_fees_from_rates_maker_when_the_order_rested() -> None:
    rates = {"BTCUSDT": (D("0.0008"), D("0.001"))}
    taker_buy, maker_sell, last = fills_from_orders(
        [
            _order("BUY", "0.123457", "7901.25", T0, T0),
            _order("SELL", "0.1", "6400.01", T0, T0 + 5, 2),
            _order("BUY", "0", "0", T0, T0, 3),
            _order("BUY", "0.1", "1", T0, T0, 4),
        ],
        PAIRS,
        rates,
        "USDT",
    )
    assert (taker_buy.fee, taker_buy.fee_asset) == (D("0.00012345"), "BTC")  # 0.000123457 rounded down
    assert (maker_sell.fee, maker_sell.fee_asset) == (D("5.12000800"), "USDT")
    assert maker_sell.time_ms == T0 + 5 and maker_sell.value == D("6400.01")
    assert last.order_id == 4  # order 3 executed nothing: no fill


# --------------------------------------------------------------------------
# real fills on the sandbox


@pytest.fixture
async def trader(make_sandbox: Any) -> AsyncIterator[tuple[Any, JexClient, JexClient]]:
    server = make_sandbox()
    key, secret = "traderkey0000000001", "tradersecret00000001"
    server.call(lambda ex: ex.engine.add_account("trader", {"USDT": D("100000"), "BTC": D("0")}))
    server.keys.add(key, secret, "trader")
    async with (
        JexClient(server.base_url, key, secret) as mine,
        JexClient(server.base_url, server.api_key, server.api_secret) as other,
    ):
        yield server, mine, other


async def _after(client: JexClient, time_ms: int) -> None:
    while await client.server_time() <= time_ms:  # the clock must move on before the maker fills
        await asyncio.sleep(0.002)


async def test_pnl_of_real_sandbox_fills_matches_the_settled_balances(trader: tuple[Any, JexClient, JexClient]) -> None:
    _, mine, other = trader
    maker_rate, taker_rate = D("0.0008"), D("0.001")
    book = await mine.book_ticker("BTCUSDT")
    bought = await mine.new_order(
        "BTCUSDT",
        "BUY",
        D("0.05"),
        (book.ask_price * D("1.01")).quantize(D("0.01")),
        time_in_force="IOC",
        resp_type="RESULT",
    )
    assert bought.executed_qty == D("0.05")
    cost = bought.cummulative_quote_qty
    fee_btc = (D("0.05") * taker_rate).quantize(D("1e-8"), "ROUND_DOWN")
    held = D("0.05") - fee_btc
    account = {b.asset: b for b in (await mine.account()).spot_balances}
    # the exchange charged per fill (each rounded down): within 1e-8 per fill of the estimate
    assert abs(account["BTC"].free - held) <= D("1e-8") * 20

    ask = (await mine.book_ticker("BTCUSDT")).ask_price
    sell_price = ask - D("0.01")  # inside the spread: rests
    placed = await mine.new_order("BTCUSDT", "SELL", D("0.02"), sell_price, resp_type="RESULT")
    assert placed.status == "NEW"
    await _after(mine, placed.transact_time)
    taken = await other.new_order("BTCUSDT", "BUY", D("0.02"), sell_price, time_in_force="IOC", resp_type="RESULT")
    assert taken.executed_qty == D("0.02")

    portfolio = await load_portfolio(mine, ["BTCUSDT"], valuation="USDT")
    info = await mine.exchange_info()  # USDT amounts: to the finest precision of the USDT pairs
    exp = D(1).scaleb(-max(s.quote_precision for s in info.spot_symbols if s.quote_asset == "USDT"))
    btc = next(line for line in portfolio.lines if line.asset == "BTC")
    account = {b.asset: b for b in (await mine.account()).spot_balances}
    # by hand: proceeds = 0.02 * price - maker fee; realised = proceeds - cost * 0.02 / held
    proceeds = D("0.02") * sell_price - (D("0.02") * sell_price * maker_rate).quantize(D("1e-8"), "ROUND_DOWN")
    assert account["USDT"].free == D("100000") - cost + proceeds  # the fee model is the exchange's
    average = cost / held
    realised = proceeds - average * D("0.02")
    remaining_cost = cost - average * D("0.02")
    value = btc.total * btc.price if btc.price is not None else None
    assert btc.cost_note == "", btc.cost_note
    assert btc.total == account["BTC"].free + account["BTC"].locked
    assert btc.realised == realised.quantize(exp)
    assert btc.average_cost == average.quantize(exp * D("0.0001"))
    last = (await mine.ticker_price("BTCUSDT")).price
    assert last == sell_price and value is not None
    assert btc.unrealised == (btc.total * last - remaining_cost).quantize(exp)
    usdt = next(line for line in portfolio.lines if line.asset == "USDT")
    assert portfolio.total_value == (usdt.value or 0) + (btc.value or 0)
    assert any("BTCUSDT" in note for note in portfolio.notes)


async def test_symbols_traded_per_the_journal_are_read_too(
    trader: tuple[Any, JexClient, JexClient], tmp_path: Any
) -> None:
    from jextui.trading.journal import OrderJournal, account_identity

    _, mine, _ = trader
    key = "traderkey0000000001"
    ask = (await mine.book_ticker("ETHUSDT")).ask_price
    journal = OrderJournal(tmp_path / "journal.sqlite", base_url=mine.base_url, account=account_identity(key))
    entry = journal.record_order_intent("ETHUSDT", "BUY", ask, D("0.5"), "IOC", dry_run=False)
    result = await mine.new_order("ETHUSDT", "BUY", D("0.5"), ask, time_in_force="IOC", resp_type="RESULT")
    journal.mark_accepted(entry.id, order_id=result.order_id, order_status=result.status)
    journal.close()
    assert result.executed_qty > 0
    without = await load_portfolio(mine, ["BTCUSDT"])
    eth = next(line for line in without.lines if line.asset == "ETH")
    assert eth.average_cost is None and eth.cost_note.startswith("cost unknown")
    with_journal = await load_portfolio(mine, ["BTCUSDT"], journal_path=tmp_path / "journal.sqlite", api_key=key)
    eth = next(line for line in with_journal.lines if line.asset == "ETH")
    assert eth.cost_note == "" and eth.average_cost is not None
    held = result.executed_qty - (result.executed_qty * D("0.001")).quantize(D("1e-8"), "ROUND_DOWN")
    assert abs(eth.average_cost - result.cummulative_quote_qty / held) < D("0.0001")
    assert "ETHUSDT" in with_journal.notes[0]


async def test_a_cross_pair_fill_is_valued_at_its_minutes_close(trader: tuple[Any, JexClient, JexClient]) -> None:
    _, mine, _ = trader
    taker = D("0.001")
    ask = (await mine.book_ticker("BTCUSDT")).ask_price
    btc = await mine.new_order(
        "BTCUSDT", "BUY", D("0.05"), (ask * D("1.01")).quantize(D("0.01")), time_in_force="IOC", resp_type="RESULT"
    )
    eth_ask = (await mine.book_ticker("ETHBTC")).ask_price
    eth = await mine.new_order("ETHBTC", "BUY", D("0.05"), eth_ask, time_in_force="IOC", resp_type="RESULT")
    assert eth.executed_qty == D("0.05")
    portfolio = await load_portfolio(mine, ["BTCUSDT", "ETHBTC"])
    (order,) = [o for o in await mine.history_orders("ETHBTC") if o.order_id == eth.order_id]
    minute = order.update_time - order.update_time % 60_000
    (kline,) = await mine.klines("BTCUSDT", "1m", start_time=minute, limit=1)
    value = eth.cummulative_quote_qty * kline.close  # by hand: BTC paid, at that minute's BTCUSDT close
    eth_held = D("0.05") - (D("0.05") * taker).quantize(D("1e-8"), "ROUND_DOWN")
    btc_held = D("0.05") - (D("0.05") * taker).quantize(D("1e-8"), "ROUND_DOWN")
    btc_average = btc.cummulative_quote_qty / btc_held
    info = await mine.exchange_info()
    exp = D(1).scaleb(-max(s.quote_precision for s in info.spot_symbols if s.quote_asset == "USDT"))
    lines = {line.asset: line for line in portfolio.lines}
    assert lines["ETH"].cost_note == "" and lines["BTC"].cost_note == ""
    assert lines["ETH"].average_cost == (value / eth_held).quantize(exp * D("0.0001"))
    assert lines["BTC"].realised == (value - btc_average * eth.cummulative_quote_qty).quantize(exp)
    assert lines["BTC"].average_cost == btc_average.quantize(exp * D("0.0001"))
    assert any("1-minute close" in note for note in portfolio.notes)
