"""Random order flows keep the engine's books honest (hypothesis).

After every placement or cancel: no balance is negative, each account's
locked funds are exactly what its open orders need, every asset's total over
all accounts plus the fees collected equals what was deposited, and the book
is never crossed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jextui.sandbox.clock import FixedClock
from jextui.sandbox.engine import BUY, Engine, EngineError, Fill
from jextui.sandbox.symbols import DEFAULT_SYMBOLS

SYMBOLS = {s.symbol: s for s in DEFAULT_SYMBOLS if s.symbol in ("ETHBTC", "JEXBTC", "ETHUSDT")}
ACCOUNTS = ("a", "b", "c")
FEES = {"a": (D("0.001"), D("0.002")), "b": (D("-0.0002"), D("0.0007")), "c": (D("0"), D("0"))}
DEPOSITS = {"BTC": D("3"), "ETH": D("40"), "JEX": D("200000"), "USDT": D("50000")}

place = st.tuples(
    st.just("place"),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(sorted(SYMBOLS)),
    st.sampled_from(("BUY", "SELL")),
    st.integers(-6, 6),  # price offset in ticks around the start price
    st.integers(1, 400),  # quantity in lots (scaled per symbol below)
    st.sampled_from(("GTC", "GTC", "IOC", "FOK")),
)
cancel = st.tuples(st.just("cancel"), st.integers(0, 10_000))


def _quantity(symbol: str, lots: int) -> D:
    spec = SYMBOLS[symbol]
    per_lot = {"ETHBTC": D("0.01"), "JEXBTC": D("10"), "ETHUSDT": D("0.003")}[symbol]
    return (per_lot * lots).quantize(spec.qty_exp)


def _check_invariants(engine: Engine, fees_collected: dict[str, D]) -> None:
    needed: dict[tuple[str, str], D] = defaultdict(D)
    for account in ACCOUNTS:
        for symbol, spec in SYMBOLS.items():
            for order in engine.open_orders(account, symbol):
                remaining = order.orig_qty - order.executed_qty
                assert remaining > 0
                if order.side == BUY:
                    needed[(account, spec.quote_asset)] += order.price * remaining
                else:
                    needed[(account, spec.base_asset)] += remaining
    totals: dict[str, D] = defaultdict(D)
    for account in ACCOUNTS:
        for asset, balance in engine.balances(account).items():
            assert balance.free >= 0, (account, asset, balance)
            assert balance.locked >= 0, (account, asset, balance)
            assert balance.locked == needed[(account, asset)], (account, asset, balance)
            totals[asset] += balance.free + balance.locked
    for asset, deposited in DEPOSITS.items():
        assert totals[asset] + fees_collected[asset] == deposited * len(ACCOUNTS), asset
    for symbol in SYMBOLS:
        bid, ask = engine.best_bid_ask(symbol)
        if bid and ask:
            assert bid[0] < ask[0], symbol


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(place, place, place, cancel), min_size=1, max_size=60))
def test_random_order_flows_conserve_and_lock_exactly(ops: list[tuple]) -> None:  # type: ignore[type-arg]
    clock = FixedClock(1_700_000_000_000)
    engine = Engine(SYMBOLS.values(), clock, max_open_orders=12)
    for account in ACCOUNTS:
        maker, taker = FEES[account]
        engine.add_account(account, DEPOSITS, maker_fee=maker, taker_fee=taker)
    fees_collected: dict[str, D] = defaultdict(D)

    def collect(fill: Fill) -> None:
        fees_collected[fill.maker_fee_asset] += fill.maker_fee
        fees_collected[fill.taker_fee_asset] += fill.taker_fee

    engine.add_fill_listener(collect)
    placed: list[tuple[str, str, int]] = []
    for op in ops:
        clock.advance(7)
        if op[0] == "place":
            _, account, symbol, side, offset, lots, tif = op
            spec = SYMBOLS[symbol]
            price = spec.initial_price + spec.tick_size * offset * 3
            try:
                order, fills = engine.place_order(account, symbol, side, price, _quantity(symbol, lots), tif)
            except EngineError as exc:
                assert exc.code in (-2010, -2019, -9000), exc
                continue
            assert order.executed_qty == sum((f.qty for f in fills), D(0))
            if tif == "FOK":
                assert order.status in ("FILLED", "CANCELED")
                assert order.status == "CANCELED" or order.executed_qty == order.orig_qty
            placed.append((account, symbol, order.order_id))
        elif placed:
            account, symbol, order_id = placed[op[1] % len(placed)]
            try:
                engine.cancel_order(account, symbol, order_id)
            except EngineError as exc:
                assert exc.code == -2011  # already filled or canceled
        _check_invariants(engine, fees_collected)
