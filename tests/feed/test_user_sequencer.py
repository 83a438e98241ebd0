"""Orders, balances and fill notices from user events in any order, repeated or not."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.api.models import Balance, Order, OrderId
from jextui.api.streams.models import AccountSpotInfo, ExecSpotReport, UserBalance
from jextui.feed.user_sequencer import FillNotice, Released, UserSequencer, status_rank

D = Decimal


def report(
    order_id: int,
    e: int,
    status: str,
    filled: str = "0",
    quote: str = "0",
    *,
    symbol: str = "BTCUSDT",
    side: str = "BUY",
    qty: str = "1",
    price: str = "100",
) -> ExecSpotReport:
    return ExecSpotReport(
        event_time=e,
        symbol=symbol,
        side=side,
        qty=D(qty),
        price=D(price),
        status=status,
        order_id=OrderId(order_id),
        filled_qty=D(filled),
        filled_quote=D(quote),
        order_time=1,
    )


def balances(e: int, **assets: tuple[str, str]) -> AccountSpotInfo:
    return AccountSpotInfo(
        event_time=e, balances=[UserBalance(asset=a, free=D(f), locked=D(lk)) for a, (f, lk) in assets.items()]
    )


def rest_order(
    order_id: int, status: str = "NEW", executed: str = "0", *, symbol: str = "BTCUSDT", quote: str = "0"
) -> Order:
    return Order(
        symbol=symbol,
        order_id=OrderId(order_id),
        price=D(100),
        orig_qty=D(1),
        executed_qty=D(executed),
        cummulative_quote_qty=D(quote),
        status=status,
        time_in_force="IOC",
        type="LIMIT",
        side="SELL",
        time=order_id,
        update_time=order_id,
    )


def test_status_rank() -> None:
    assert status_rank("NEW") == 0 and status_rank("PARTIALLY_FILLED") == 1
    assert status_rank("FILLED") == status_rank("CANCELED") == status_rank("SOMETHING") == 2


def test_events_wait_the_hold_then_come_in_event_time_order() -> None:
    seq = UserSequencer(hold_ms=100)
    assert seq.hold_ms == 100 and seq.next_release_ms() is None
    seq.push(report(1, 20, "PARTIALLY_FILLED", "0.4", "40"), 1000)
    seq.push(report(1, 10, "NEW"), 1010)  # older, arrived later
    assert seq.next_release_ms() == 1110  # the earliest event (E=10) came at 1010
    assert not seq.release(1109)
    out = seq.release(1110)
    assert out.order_symbols == {"BTCUSDT"} and out.latest_event_ms == 20
    assert list(out.orders) == [1] and out.orders[1].status == "PARTIALLY_FILLED"  # the latest state only
    assert out.orders[1].executed_qty == D("0.4")
    assert [n.qty for n in out.notices] == [D("0.4")]
    assert seq.open_orders("BTCUSDT")[0].status == "PARTIALLY_FILLED"
    assert seq.next_release_ms() is None


def test_each_fill_is_announced_once_even_when_reordered_within_the_hold() -> None:
    seq = UserSequencer(hold_ms=100)
    seq.push(report(1, 30, "FILLED", "1", "100.5"), 0)
    seq.push(report(1, 20, "PARTIALLY_FILLED", "0.25", "25"), 5)
    seq.push(report(1, 20, "PARTIALLY_FILLED", "0.25", "25"), 6)  # duplicate
    seq.push(report(1, 10, "NEW"), 7)
    out = seq.release(200)
    assert [(n.qty, n.quote, n.filled_qty, n.status) for n in out.notices] == [
        (D("0.25"), D(25), D("0.25"), "PARTIALLY_FILLED"),
        (D("0.75"), D("75.5"), D(1), "FILLED"),
    ]
    assert out.notices[0].price == D(100)
    assert seq.open_orders() == () and seq.order(1).status == "FILLED"  # type: ignore[union-attr]
    assert seq.duplicates == 1
    # the same events again, later: nothing new
    for e, status, filled in ((30, "FILLED", "1"), (20, "PARTIALLY_FILLED", "0.25")):
        seq.push(report(1, e, status, filled, "25"), 300)
    again = seq.release(500)
    assert again.notices == [] and not again.order_symbols and not again
    assert seq.duplicates == 3


def test_a_report_later_than_the_hold_never_moves_an_order_back_or_announces_twice() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(7, 50, "CANCLEFILLED", "0.5", "50"), 0)
    first = seq.release(0)
    assert [n.qty for n in first.notices] == [D("0.5")]
    seq.push(report(7, 40, "PARTIALLY_FILLED", "0.2", "20"), 1)
    late = seq.release(1)
    assert late.notices == [] and not late.order_symbols and late.orders == {}
    assert seq.order(7).status == "CANCLEFILLED"  # type: ignore[union-attr]


def test_same_event_time_is_ordered_by_fill_then_status() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(3, 10, "PARTIALLY_FILLED", "0.5", "50"), 0)
    seq.push(report(3, 10, "NEW"), 0)
    seq.release(0)
    assert seq.order(3).status == "PARTIALLY_FILLED"  # type: ignore[union-attr]
    seq.push(report(3, 10, "CANCLEFILLED", "0.5", "50"), 1)
    seq.release(1)
    assert seq.order(3).status == "CANCLEFILLED"  # type: ignore[union-attr]
    assert seq.open_orders() == ()


def test_flush_releases_everything_at_once() -> None:
    seq = UserSequencer(hold_ms=10_000)
    seq.push(report(1, 10, "NEW"), 0)
    assert not seq.release(5)
    assert seq.release(5, flush=True).order_symbols == {"BTCUSDT"}


def test_orders_from_reports_carry_the_stream_fields() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(9, 77, "NEW", side="SELL", qty="2", price="101.5", symbol="ETHUSDT"), 0)
    seq.release(0)
    (order,) = seq.open_orders("ETHUSDT")
    assert order == Order(
        symbol="ETHUSDT",
        order_id=OrderId(9),
        price=D("101.5"),
        orig_qty=D(2),
        executed_qty=D(0),
        cummulative_quote_qty=D(0),
        status="NEW",
        time_in_force="",
        type="",
        side="SELL",
        time=1,
        update_time=77,
        working=True,
    )
    assert seq.open_orders("BTCUSDT") == ()
    seq.push(report(9, 78, "CANCELED", side="sell", symbol="ETHUSDT"), 0)
    seq.release(0)
    closed = seq.order(9)
    assert closed is not None and not closed.working and closed.side == "SELL"
    assert seq.order(12345) is None


def test_open_orders_are_oldest_first() -> None:
    seq = UserSequencer(hold_ms=0)
    for oid in (5, 3, 4):
        seq.push(report(oid, 10 + oid, "NEW"), 0)
    seq.release(0)
    assert [int(o.order_id) for o in seq.open_orders()] == [3, 4, 5]


def test_a_rest_row_keeps_its_type_and_time_in_force_under_later_reports() -> None:
    seq = UserSequencer(hold_ms=0)
    assert seq.reconcile_orders("BTCUSDT", [rest_order(4)], as_of_ms=100)
    seq.push(report(4, 150, "PARTIALLY_FILLED", "0.5", "50"), 0)
    out = seq.release(0)
    (order,) = seq.open_orders()
    assert (order.type, order.time_in_force, order.status) == ("LIMIT", "IOC", "PARTIALLY_FILLED")
    assert [n.qty for n in out.notices] == [D("0.5")]


def test_reconcile_does_not_announce_old_fills_and_respects_newer_stream_state() -> None:
    seq = UserSequencer(hold_ms=0)
    assert seq.reconcile_orders("BTCUSDT", [rest_order(1, "PARTIALLY_FILLED", "0.3", quote="30")], as_of_ms=100)
    assert not seq.reconcile_orders("BTCUSDT", [rest_order(1, "PARTIALLY_FILLED", "0.3", quote="30")], 100)
    seq.push(report(1, 120, "PARTIALLY_FILLED", "0.5", "50"), 0)
    out = seq.release(0)
    assert [(n.qty, n.quote) for n in out.notices] == [(D("0.2"), D(20))]
    # a REST list older than the stream's news does not undo it
    assert not seq.reconcile_orders("BTCUSDT", [rest_order(1, "PARTIALLY_FILLED", "0.3")], as_of_ms=110)
    assert seq.order(1).executed_qty == D("0.5")  # type: ignore[union-attr]
    # a newer REST list without the order: it closed unseen
    assert seq.reconcile_orders("BTCUSDT", [], as_of_ms=130)
    assert seq.open_orders() == () and seq.order(1) is None


def test_reconcile_of_one_symbol_leaves_the_others_alone() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.reconcile_orders("ETHUSDT", [rest_order(2, symbol="ETHUSDT")], as_of_ms=100)
    seq.reconcile_orders("BTCUSDT", [rest_order(3)], as_of_ms=100)
    assert not seq.reconcile_orders("BTCUSDT", [rest_order(3)], as_of_ms=101)
    assert [int(o.order_id) for o in seq.open_orders()] == [2, 3]
    # an order the stream updated after the REST list stays
    seq.push(report(5, 200, "NEW"), 0)
    seq.release(0)
    assert not seq.reconcile_orders("BTCUSDT", [rest_order(3)], as_of_ms=150)
    assert [int(o.order_id) for o in seq.open_orders("BTCUSDT")] == [5, 3]  # 5 was placed first
    # a closed order the stream reported is not removed by a reconcile
    seq.push(report(6, 10, "FILLED", "1", "100"), 0)
    seq.release(0)
    seq.reconcile_orders("BTCUSDT", [], as_of_ms=300)
    assert seq.order(6) is not None and seq.open_orders("BTCUSDT") == ()


def test_balances_follow_event_time() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(balances(20, BTC=("1", "0"), USDT=("50", "10")), 0)
    seq.push(balances(10, BTC=("9", "9")), 0)  # older: applied first, then replaced
    out = seq.release(0)
    seq.push(balances(15, BTC=("7", "7")), 0)  # older and late: ignored
    assert not seq.release(0).balances_changed
    assert out.balances_changed and not out.order_symbols and out
    assert [(b.asset, b.free, b.locked) for b in seq.balances()] == [("BTC", D(1), D(0)), ("USDT", D(50), D(10))]
    assert seq.balance_time("BTC") == 20 and seq.balance_time("ETH") is None
    assert seq.duplicates == 1
    seq.push(balances(20, BTC=("1", "0")), 1)  # a duplicate
    assert not seq.release(1).balances_changed
    btc = seq.balances()[0]
    assert btc.can_trade and btc.can_withdraw and btc.can_deposit


def test_reconcile_balances() -> None:
    seq = UserSequencer(hold_ms=0)
    rest_btc = Balance(asset="BTC", free=D(2), locked=D(0), can_deposit=True, can_trade=True, can_withdraw=True)
    assert seq.reconcile_balances([rest_btc], as_of_ms=100)
    assert not seq.reconcile_balances([rest_btc], as_of_ms=101)
    seq.push(balances(150, BTC=("1", "1")), 0)
    seq.release(0)
    assert not seq.reconcile_balances([rest_btc], as_of_ms=120)  # older than the stream's
    assert seq.balances()[0].free == D(1)
    assert seq.reconcile_balances([rest_btc], as_of_ms=200)
    assert seq.balances()[0].free == D(2)


def test_fill_notice_price() -> None:
    notice = FillNotice(
        symbol="X",
        order_id=1,
        side="BUY",
        qty=D(2),
        quote=D(5),
        filled_qty=D(2),
        order_qty=D(2),
        status="FILLED",
        event_time=1,
    )
    assert notice.price == D("2.5")
    assert (
        FillNotice(
            symbol="X",
            order_id=1,
            side="BUY",
            qty=D(0),
            quote=D(0),
            filled_qty=D(0),
            order_qty=D(1),
            status="NEW",
            event_time=1,
        ).price
        is None
    )


def test_bad_hold_and_released_truthiness() -> None:
    with pytest.raises(ValueError, match=r"^hold_ms must not be negative$"):
        UserSequencer(hold_ms=-1)
    assert UserSequencer(hold_ms=0).hold_ms == 0 and UserSequencer().hold_ms == 100
    assert not Released() and Released(balances_changed=True) and Released(order_symbols={"X"})


# --- the property: any order, any repeats: each fill once, final state right ------------


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=6), st.data())
def test_fills_are_announced_once_each_whatever_the_delivery(fills: list[int], data: st.DataObject) -> None:
    """An order fills in steps; its reports are shuffled within the hold and some
    repeated: one notice per fill, the amounts exact, the final state FILLED."""
    steps = [D(f) / 10 for f in fills]
    total = sum(steps, D(0))
    events = [report(1, 100, "NEW", qty=str(total))]
    filled = D(0)
    for index, step in enumerate(steps):
        filled += step
        last = index == len(steps) - 1
        events.append(
            report(
                1, 101 + index, "FILLED" if last else "PARTIALLY_FILLED", str(filled), str(filled * 100), qty=str(total)
            )
        )
    repeats = data.draw(st.lists(st.sampled_from(events), max_size=8))
    delivery = data.draw(st.permutations([*events, *repeats]))
    seq = UserSequencer(hold_ms=50)
    notices: list[FillNotice] = []
    for at, event in enumerate(delivery):
        seq.push(event, at)  # every event arrives within the hold of the first
        notices += seq.release(at).notices
    notices += seq.release(10_000).notices
    assert [n.qty for n in notices] == steps
    assert [n.quote for n in notices] == [s * 100 for s in steps]
    assert seq.order(1).status == "FILLED"  # type: ignore[union-attr]
    assert seq.open_orders() == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 5)), min_size=1, max_size=12), st.data())
def test_late_reports_never_announce_more_than_was_filled(steps: list[tuple[int, int]], data: st.DataObject) -> None:
    """With no hold at all and any delivery order: the announced quantities sum
    to the order's final fill, never more, and no notice is empty."""
    events = []
    filled = D(0)
    for index, (oid, add) in enumerate(steps):
        filled_for = sum((D(a) for o, a in steps[: index + 1] if o == oid), D(0))
        events.append(report(oid, index, "PARTIALLY_FILLED", str(filled_for), str(filled_for * 3)))
        filled += add
    delivery = data.draw(st.permutations(events + events[:3]))
    seq = UserSequencer(hold_ms=0)
    notices: list[FillNotice] = []
    for at, event in enumerate(delivery):
        seq.push(event, at)
        notices += seq.release(at).notices
    for oid in {o for o, _ in steps}:
        final = sum((D(a) for o, a in steps if o == oid), D(0))
        mine = [n for n in notices if n.order_id == oid]
        assert sum((n.qty for n in mine), D(0)) == final
        assert sum((n.quote for n in mine), D(0)) == final * 3
        assert all(n.qty > 0 for n in mine)


def test_a_notice_carries_the_report_fields() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(8, 55, "PARTIALLY_FILLED", "0.5", "0.25", symbol="JEXBTC", side="SELL", qty="2"), 0)
    (notice,) = seq.release(0).notices
    assert dataclasses.replace(notice, order=None) == FillNotice(
        symbol="JEXBTC",
        order_id=8,
        side="SELL",
        qty=D("0.5"),
        quote=D("0.25"),
        filled_qty=D("0.5"),
        order_qty=D(2),
        status="PARTIALLY_FILLED",
        event_time=55,
    )
    assert notice.price == D("0.5")
    assert notice.order is not None  # the order as the report left it, for the fill announcement
    assert (notice.order.order_id, notice.order.side, notice.order.executed_qty) == (8, "SELL", D("0.5"))
    assert (notice.order.orig_qty, notice.order.cummulative_quote_qty) == (D(2), D("0.25"))


def test_a_buy_report_stays_a_buy() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(2, 1, "NEW", side="BUY"), 0)
    seq.release(0)
    assert seq.order(2).side == "BUY"  # type: ignore[union-attr]


def test_ties_between_rest_and_stream_go_to_the_stream() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(1, 100, "PARTIALLY_FILLED", "0.5", "50"), 0)
    seq.push(balances(100, BTC=("1", "0")), 0)
    seq.release(0)
    assert seq.reconcile_orders("BTCUSDT", [rest_order(1, "PARTIALLY_FILLED", "0.2")], as_of_ms=100) is False
    assert seq.order(1).executed_qty == D("0.5")  # type: ignore[union-attr]
    assert seq.reconcile_orders("BTCUSDT", [], as_of_ms=100) is False  # not removed either
    assert seq.order(1) is not None
    btc = Balance(asset="BTC", free=D(9), locked=D(0), can_deposit=True, can_trade=True, can_withdraw=True)
    assert seq.reconcile_balances([btc], as_of_ms=100) is False
    assert seq.balances()[0].free == D(1)


def test_a_cancel_in_the_same_millisecond_as_a_rest_listing_closes_the_order() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.reconcile_orders("BTCUSDT", [rest_order(4)], as_of_ms=100)
    seq.push(report(4, 100, "CANCELED"), 0)
    assert seq.release(0).order_symbols == {"BTCUSDT"}
    assert seq.open_orders() == ()


def test_stale_balances_are_counted_and_do_not_hide_newer_ones() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(balances(50, BTC=("1", "0")), 0)
    seq.release(0)
    seq.push(balances(40, BTC=("2", "0"), ETH=("3", "0")), 0)  # BTC stale, ETH new
    seq.push(balances(30, BTC=("4", "0")), 0)
    out = seq.release(0)
    assert out.balances_changed and seq.duplicates == 2
    assert [(b.asset, b.free) for b in seq.balances()] == [("BTC", D(1)), ("ETH", D(3))]


def test_released_orders_name_every_changed_order_on_every_symbol() -> None:
    seq = UserSequencer(hold_ms=0)
    seq.push(report(1, 10, "NEW", symbol="DASHUSDT"), 0)
    seq.push(report(2, 11, "NEW", symbol="ETHBTC", side="SELL"), 0)
    out = seq.release(0)
    assert sorted(out.orders) == [1, 2]
    assert (out.orders[1].symbol, out.orders[2].symbol, out.orders[2].side) == ("DASHUSDT", "ETHBTC", "SELL")
    seq.push(report(1, 12, "CANCELED", symbol="DASHUSDT"), 1)
    cancelled = seq.release(1)
    assert list(cancelled.orders) == [1] and cancelled.orders[1].status == "CANCELED"
