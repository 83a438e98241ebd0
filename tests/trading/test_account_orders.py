"""The account-wide open-orders book: accounting, plan, merging and display (no I/O)."""

from __future__ import annotations

from decimal import ROUND_DOWN
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jextui.api.models import Order, OrderId, OrderResult
from jextui.trading.account_orders import (
    AccountOrders,
    DiscoveryState,
    OpenOrder,
    PlanStep,
    SymbolAssets,
    lock_of,
    locked_from_account,
    plain,
    symbol_assets_from_info,
)

SYMBOLS = {
    "BTCUSDT": SymbolAssets("BTC", "USDT"),
    "ETHUSDT": SymbolAssets("ETH", "USDT"),
    "LTCBTC": SymbolAssets("LTC", "BTC"),
    "ETHBTC": SymbolAssets("ETH", "BTC"),
    "JEXUSDT": SymbolAssets("JEX", "USDT"),
    "DASHUSDT": SymbolAssets("DASH", "USDT"),
}


def order(
    order_id: int,
    symbol: str = "BTCUSDT",
    side: str = "BUY",
    price: str = "100",
    qty: str = "1",
    executed: str = "0",
    status: str = "NEW",
    time: int = 0,
) -> Order:
    return Order(
        symbol=symbol,
        order_id=OrderId(order_id),
        price=D(price),
        orig_qty=D(qty),
        executed_qty=D(executed),
        cummulative_quote_qty=D(0),
        status=status,
        time_in_force="GTC",
        type="LIMIT",
        side=side,  # type: ignore[arg-type]
        time=time or 1000 + order_id,
        update_time=time or 1000 + order_id,
    )


def book_with(locked: dict[str, str], **kwargs: object) -> AccountOrders:
    book = AccountOrders(SYMBOLS, **kwargs)  # type: ignore[arg-type]
    book.set_locked({asset: D(amount) for asset, amount in locked.items()})
    return book


def snapshot(book: AccountOrders, symbol: str, *orders: Order) -> None:
    book.apply_snapshot(symbol, orders, book.begin_snapshot())


# --- the rule ------------------------------------------------------------------------------


def test_lock_of_buy_is_price_times_remaining_quote_and_sell_is_remaining_base() -> None:
    assets = SymbolAssets("BTC", "USDT")
    buy = OpenOrder.from_api(order(1, price="64000.50", qty="0.5", executed="0.2"))
    sell = OpenOrder.from_api(order(2, side="SELL", price="70000", qty="0.3", executed="0.1"))
    assert lock_of(buy, assets) == ("USDT", D("19200.15"))
    assert lock_of(sell, assets) == ("BTC", D("0.2"))
    odd = OpenOrder.from_api(
        SimpleNamespace(
            symbol="BTCUSDT", order_id=3, side="HOLD", price=D(1), orig_qty=D(1), executed_qty=D(0), status="NEW"
        )
    )
    assert lock_of(odd, assets) is None


def test_from_api_reads_every_field_and_keeps_an_open_order_as_is() -> None:
    got = OpenOrder.from_api(
        order(
            7, symbol="ETHUSDT", side="SELL", price="3100", qty="2", executed="0.5", status="PARTIALLY_FILLED", time=5
        )
    )
    assert got == OpenOrder("ETHUSDT", 7, "SELL", D(3100), D(2), D("0.5"), "PARTIALLY_FILLED", 5, 5, "GTC", "LIMIT")
    assert got.remaining_qty == D("1.5") and got.is_open
    assert OpenOrder.from_api(got) is got
    result = OrderResult(
        symbol="BTCUSDT",
        order_id=OrderId(9),
        transact_time=77,
        price=D(1),
        orig_qty=D(2),
        executed_qty=D(2),
        cummulative_quote_qty=D(2),
        status="CANCELED",
        time_in_force="IOC",
        type="LIMIT",
        side="BUY",
    )
    from_result = OpenOrder.from_api(result)
    assert (from_result.time, from_result.update_time, from_result.status) == (77, 0, "CANCELED")
    assert not from_result.is_open
    bare = OpenOrder.from_api(
        SimpleNamespace(symbol="X", order_id="4", side="BUY", price="1", orig_qty="1", executed_qty="0", status="NEW")
    )
    assert (bare.time, bare.update_time, bare.time_in_force, bare.type, bare.order_id) == (0, 0, "", "", 4)


@pytest.mark.parametrize(
    "status, is_open",
    [
        ("NEW", True),
        ("PARTIALLY_FILLED", True),
        ("PENDING_CANCEL", True),
        ("FILLED", False),
        ("CANCELED", False),
        ("CANCLEFILLED", False),
    ],
)
def test_open_statuses(status: str, is_open: bool) -> None:
    assert OpenOrder.from_api(order(1, status=status)).is_open is is_open


def test_helpers_read_the_account_and_exchange_info() -> None:
    account = SimpleNamespace(
        spot_balances=[
            SimpleNamespace(asset="USDT", locked=D("12.50000000")),
            SimpleNamespace(asset="BTC", locked=D("0E-8")),
        ]
    )
    assert locked_from_account(account) == {"USDT": D("12.5"), "BTC": D(0)}
    info = [
        SimpleNamespace(symbol="LTCBTC", base_asset="LTC", quote_asset="BTC"),
        SimpleNamespace(symbol="BTCUSDT", base_asset="BTC", quote_asset="USDT"),
    ]
    mapping = symbol_assets_from_info(info)
    assert mapping == {"LTCBTC": SymbolAssets("LTC", "BTC"), "BTCUSDT": SymbolAssets("BTC", "USDT")}
    assert list(mapping) == ["LTCBTC", "BTCUSDT"]


@pytest.mark.parametrize(
    "amount, text",
    [
        ("12.50000000", "12.5"),
        ("100", "100"),
        ("1E+2", "100"),
        ("0E-8", "0"),
        ("-0", "0"),
        ("0.00000001", "0.00000001"),
        ("-3.10", "-3.1"),
    ],
)
def test_plain(amount: str, text: str) -> None:
    assert plain(D(amount)) == text


# --- accounting ------------------------------------------------------------------------------


def test_before_the_account_is_read_nothing_is_explained_and_nothing_planned() -> None:
    book = AccountOrders(SYMBOLS)
    assert not book.account_read and not book.explained
    assert book.state is DiscoveryState.NOT_STARTED
    assert book.unexplained() == {} and book.plan() == []
    assert not book.can_say_no_orders
    assert book.title("BTCUSDT") == "looking for open orders…"


def test_nothing_locked_means_no_orders_and_no_calls() -> None:
    book = book_with({"USDT": "0", "BTC": "0E-8"})
    assert book.account_read and book.explained and book.can_say_no_orders
    assert book.state is DiscoveryState.EXPLAINED
    assert book.plan() == []
    assert book.title("BTCUSDT") == "no open orders"
    assert book.unexplained_lines() == []


def test_unexplained_is_locked_minus_what_the_orders_found_lock() -> None:
    book = book_with({"USDT": "212.5", "BTC": "0.3", "ETH": "0"})
    assert book.unexplained() == {"BTC": D("0.3"), "USDT": D("212.5")}
    snapshot(book, "BTCUSDT", order(1, price="100", qty="2"), order(2, side="SELL", qty="0.3"))
    assert book.expected_locked() == {"USDT": D(200), "BTC": D("0.3")}
    assert book.unexplained() == {"USDT": D("12.5")}
    assert book.unexplained_lines() == ["12.5 USDT locked, not in any order found yet"]
    assert not book.explained and not book.can_say_no_orders
    snapshot(book, "ETHUSDT", order(3, symbol="ETHUSDT", price="12.5", qty="1"))
    assert book.unexplained() == {} and book.explained
    assert book.state is DiscoveryState.EXPLAINED
    assert not book.can_say_no_orders  # explained, but there are orders


def test_orders_locking_more_than_the_account_shows_are_reported_the_other_way() -> None:
    book = book_with({"USDT": "50"})
    snapshot(book, "BTCUSDT", order(1, price="100", qty="1"))
    assert book.unexplained() == {"USDT": D(-50)}
    assert book.unexplained_lines() == [
        "orders found lock 50 USDT more than the account shows; reading the account again"
    ]
    assert book.plan() == []  # asking more symbols cannot help
    assert book.state is DiscoveryState.UNEXPLAINED


def test_update_locked_merges_and_set_locked_replaces() -> None:
    book = AccountOrders(SYMBOLS)
    book.update_locked({"USDT": D(5)})
    assert book.account_read and book.unexplained() == {"USDT": D(5)}
    book.update_locked({"BTC": D(1)})
    assert book.unexplained() == {"BTC": D(1), "USDT": D(5)}
    book.set_locked({"BTC": D(1)})
    assert book.unexplained() == {"BTC": D(1)}


# --- the plan -----------------------------------------------------------------------------------


def test_plan_asks_only_symbols_whose_assets_have_unexplained_locks() -> None:
    book = book_with({"LTC": "3"})
    assert book.plan() == [PlanStep("LTCBTC", "certain")]
    book = book_with({"BTC": "1"})  # BTC: base of BTCUSDT, quote of LTCBTC and ETHBTC
    assert [s.symbol for s in book.plan()] == ["BTCUSDT", "LTCBTC", "ETHBTC"]
    assert {s.reason for s in book.plan()} == {"locked asset"}


def test_plan_order_certain_then_journal_then_watched_then_fewest_rivals() -> None:
    book = book_with(
        {"USDT": "1000", "DASH": "1", "LTC": "2", "ETH": "1"},
        journal_symbols=["JEXUSDT", "ETHUSDT"],
        watched_symbols=["BTCUSDT", "JEXUSDT"],
    )
    steps = book.plan()
    assert steps == [
        PlanStep("LTCBTC", "certain"),  # only LTCBTC can lock LTC (listing order among the certain)
        PlanStep("DASHUSDT", "certain"),
        PlanStep("JEXUSDT", "journal"),
        PlanStep("ETHUSDT", "journal"),
        PlanStep("BTCUSDT", "watched"),
        PlanStep("ETHBTC", "locked asset"),  # ETH has 2 candidates, fewer than USDT's 4
    ]


def test_plan_puts_a_watched_symbol_before_others_whatever_its_place_in_the_watchlist() -> None:
    symbols = {
        "OUSDT": SymbolAssets("O", "USDT"),
        "WUSDT": SymbolAssets("W", "USDT"),
        "ZUSDT": SymbolAssets("Z", "USDT"),
    }
    book = AccountOrders(symbols, watched_symbols=["N1USDT", "N2USDT", "N3USDT", "WUSDT"])
    book.set_locked({"USDT": D(1)})
    assert book.plan() == [
        PlanStep("WUSDT", "watched"),
        PlanStep("OUSDT", "locked asset"),
        PlanStep("ZUSDT", "locked asset"),
    ]


def test_plan_ranks_other_symbols_by_fewest_rivals_then_listing_order() -> None:
    symbols = {
        "AUSDT": SymbolAssets("A", "USDT"),
        "BUSDT": SymbolAssets("B", "USDT"),
        "BC": SymbolAssets("B", "C"),
        "CUSDT": SymbolAssets("C", "USDT"),
    }
    book = AccountOrders(symbols)
    book.set_locked({"USDT": D(1), "B": D(1)})
    assert [s.symbol for s in book.plan()] == ["BUSDT", "BC", "AUSDT", "CUSDT"]


def test_asked_symbols_leave_the_plan_until_a_new_round() -> None:
    book = book_with({"USDT": "10"}, watched_symbols=["ETHUSDT"])
    snapshot(book, "ETHUSDT")
    assert "ETHUSDT" not in [s.symbol for s in book.plan()]
    assert book.asked_symbols == frozenset({"ETHUSDT"})
    book.new_round()
    assert book.plan()[0] == PlanStep("ETHUSDT", "watched")
    assert book.asked_symbols == frozenset()


def test_a_symbol_that_is_the_last_candidate_becomes_certain() -> None:
    book = book_with({"BTC": "1"})
    snapshot(book, "BTCUSDT")
    snapshot(book, "ETHBTC")
    assert book.plan() == [PlanStep("LTCBTC", "certain")]
    snapshot(book, "LTCBTC")
    assert book.plan() == [] and book.state is DiscoveryState.UNEXPLAINED


def test_unlisted_journal_symbols_come_last_and_only_while_something_is_unexplained() -> None:
    book = book_with({"LTC": "1"}, journal_symbols=["OLDUSDT", "LTCBTC"])
    assert book.plan() == [PlanStep("LTCBTC", "certain"), PlanStep("OLDUSDT", "unlisted")]
    book.snapshot_failed("OLDUSDT", "Invalid symbol.")
    assert book.failed_symbols == {"OLDUSDT": "Invalid symbol."}
    assert book.plan() == [PlanStep("LTCBTC", "certain")]
    snapshot(book, "LTCBTC", order(5, symbol="LTCBTC", side="SELL", qty="1"))
    assert book.plan() == []
    book.new_round()
    assert book.failed_symbols == {}


def test_a_successful_snapshot_clears_an_earlier_failure() -> None:
    book = book_with({"LTC": "1"})
    book.snapshot_failed("LTCBTC", "boom")
    snapshot(book, "LTCBTC")
    assert book.failed_symbols == {}


# --- merging ------------------------------------------------------------------------------------


def test_a_snapshot_replaces_what_was_known_of_its_symbol_only() -> None:
    book = book_with({"USDT": "300"})
    snapshot(book, "BTCUSDT", order(1), order(2))
    snapshot(book, "ETHUSDT", order(3, symbol="ETHUSDT"))
    snapshot(book, "BTCUSDT", order(2))
    assert [o.order_id for o in book.orders] == [2, 3]
    assert book.get(1) is None and book.get(3) is not None


def test_closed_orders_in_a_snapshot_are_not_kept() -> None:
    book = book_with({"USDT": "100"})
    snapshot(book, "BTCUSDT", order(1), order(2, status="FILLED"))
    assert [o.order_id for o in book.orders] == [1]
    snapshot(book, "BTCUSDT", order(2, status="FILLED"), order(1))  # whatever the order of the list
    assert [o.order_id for o in book.orders] == [1]


def test_an_order_cancelled_while_its_list_was_in_flight_is_not_brought_back() -> None:
    book = book_with({"USDT": "200"})
    snapshot(book, "BTCUSDT", order(1), order(2))
    token = book.begin_snapshot()
    book.apply_update(order(1, status="CANCELED"))  # the push arrives before the stale list
    book.apply_snapshot("BTCUSDT", [order(1), order(2)], token)
    assert [o.order_id for o in book.orders] == [2]
    snapshot(book, "BTCUSDT", order(1), order(2))  # even a later list cannot revive a closed order
    assert [o.order_id for o in book.orders] == [2]


def test_an_order_placed_while_a_list_was_in_flight_is_not_lost() -> None:
    book = book_with({"USDT": "200"})
    token = book.begin_snapshot()
    book.apply_update(order(9))
    book.apply_snapshot("BTCUSDT", [order(1)], token)
    assert [o.order_id for o in book.orders] == [1, 9]
    snapshot(book, "BTCUSDT", order(1))  # a list asked after the push does know better
    assert [o.order_id for o in book.orders] == [1]


def test_a_push_that_an_order_is_still_open_outlives_an_older_list_without_it() -> None:
    book = book_with({"USDT": "100"})
    snapshot(book, "BTCUSDT", order(1))
    token = book.begin_snapshot()
    book.apply_update(order(1))  # the same state, pushed after the list was asked for
    book.apply_snapshot("BTCUSDT", [], token)  # the list's answer predates the push
    assert [o.order_id for o in book.orders] == [1]


def test_a_list_asked_after_the_last_change_wins() -> None:
    book = book_with({"USDT": "100"})
    book.apply_update(order(1, qty="2", executed="0.5", status="PARTIALLY_FILLED"))
    token = book.begin_snapshot()  # nothing happened since the update
    book.apply_snapshot("BTCUSDT", [order(1, qty="2", executed="0.7", status="PARTIALLY_FILLED")], token)
    assert book.get(1).executed_qty == D("0.7")  # type: ignore[union-attr]
    snapshot(book, "BTCUSDT", order(1, qty="2", executed="0.7", status="PENDING_CANCEL"))
    assert book.get(1).status == "PENDING_CANCEL"  # type: ignore[union-attr]


def test_a_newer_update_wins_over_an_older_list_and_fills_never_go_backwards() -> None:
    book = book_with({"USDT": "200"})
    token = book.begin_snapshot()
    book.apply_update(order(1, qty="2", executed="1", status="PARTIALLY_FILLED"))
    book.apply_snapshot("BTCUSDT", [order(1, qty="2")], token)
    assert book.get(1).executed_qty == 1  # type: ignore[union-attr]
    snapshot(book, "BTCUSDT", order(1, qty="2", executed="0.5", status="PARTIALLY_FILLED"))
    assert book.get(1).executed_qty == 1  # type: ignore[union-attr]
    book.apply_update(order(1, qty="2", executed="0.2", status="PARTIALLY_FILLED"))  # a late event
    assert book.get(1).executed_qty == 1  # type: ignore[union-attr]
    book.apply_update(order(1, qty="2", executed="1.5", status="PARTIALLY_FILLED"))
    assert book.get(1).executed_qty == D("1.5")  # type: ignore[union-attr]
    snapshot(book, "BTCUSDT", order(1, qty="2", executed="1.5", status="PARTIALLY_FILLED"))
    assert book.get(1).executed_qty == D("1.5")  # type: ignore[union-attr]
    snapshot(book, "BTCUSDT", order(1, qty="2", executed="1.7", status="PARTIALLY_FILLED"))
    assert book.get(1).executed_qty == D("1.7")  # type: ignore[union-attr]


def test_two_lists_of_one_symbol_in_flight_the_older_answer_arriving_last() -> None:
    book = book_with({"USDT": "300"})
    snapshot(book, "BTCUSDT", order(1), order(2))
    older = book.begin_snapshot()
    newer = book.begin_snapshot()
    book.apply_snapshot("BTCUSDT", [order(2), order(3)], newer)  # 1 closed, 3 placed
    book.apply_snapshot("BTCUSDT", [order(1), order(2)], older)
    assert [o.order_id for o in book.orders] == [2, 3]


def test_updates_and_forget_close_orders_for_good() -> None:
    book = book_with({"USDT": "300"})
    book.apply_update(order(4))
    assert len(book) == 1
    book.apply_update(order(4, status="FILLED"))
    assert len(book) == 0
    book.apply_update(order(4))
    assert len(book) == 0
    snapshot(book, "BTCUSDT", order(5))
    book.forget(5)
    assert len(book) == 0
    book.apply_update(order(5))
    assert len(book) == 0


def test_closed_memory_is_bounded_oldest_forgotten_first() -> None:
    book = AccountOrders(SYMBOLS, closed_memory=2)
    book.set_locked({})
    for order_id in (1, 2, 3):
        book.forget(order_id)
    book.forget(2)  # seen again: now the newest
    book.forget(4)
    book.apply_update(order(1))
    book.apply_update(order(3))
    book.apply_update(order(2))
    book.apply_update(order(4))
    assert [o.order_id for o in book.orders] == [1, 3]


def test_a_stale_line_in_a_list_does_not_stop_the_lines_after_it() -> None:
    book = book_with({"USDT": "500"})
    token = book.begin_snapshot()
    book.apply_update(order(1, qty="2", executed="1", status="PARTIALLY_FILLED"))  # newer than the list
    book.apply_snapshot("BTCUSDT", [order(1, qty="2"), order(2), order(3)], token)
    assert [o.order_id for o in book.orders] == [1, 2, 3]
    assert book.get(1).executed_qty == 1  # type: ignore[union-attr]


def test_ten_thousand_closed_orders_are_remembered_by_default() -> None:
    book = AccountOrders(SYMBOLS)
    book.set_locked({})
    for order_id in range(1, 10_002):
        book.forget(order_id)
    book.apply_update(order(1))  # the oldest of 10,001: forgotten, so it may show again
    book.apply_update(order(2))  # the 10,000 newest are still known closed
    book.apply_update(order(10_001))
    assert [o.order_id for o in book.orders] == [1]


def test_orders_on_unlisted_symbols_are_kept_with_a_note_and_not_counted() -> None:
    book = book_with({"USDT": "10"})
    book.apply_update(order(1, symbol="GONEUSDT", price="10"))
    got = book.get(1)
    assert got is not None and got.symbol == "GONEUSDT" and got.price == 10
    assert "not listed" in got.note
    assert book.expected_locked() == {}
    assert book.unexplained() == {"USDT": D(10)}
    book.apply_update(order(9, symbol="ETHUSDT", price="4"))  # a listed order after the unlisted one
    assert book.expected_locked() == {"USDT": D(4)}
    book.set_locked({"USDT": D(0)})  # the orders found lock more than this: recheck, unlisted or not
    assert book.plan() == [PlanStep("ETHUSDT", "recheck")]
    book.forget(9)
    book.set_locked({"USDT": D(10)})
    book.set_symbols({**SYMBOLS, "GONEUSDT": SymbolAssets("GONE", "USDT")})  # listed again
    assert book.get(1).note == ""  # type: ignore[union-attr]
    assert book.explained
    book.apply_update(
        SimpleNamespace(
            symbol="BTCUSDT", order_id=2, side="HOLD", price=D(1), orig_qty=D(1), executed_qty=D(0), status="NEW"
        )
    )
    assert "unknown side" in book.get(2).note  # type: ignore[union-attr]
    assert book.explained


# --- views -----------------------------------------------------------------------------------------


def test_rows_put_the_active_symbol_first_then_group_by_symbol() -> None:
    book = book_with({"USDT": "400", "BTC": "0.1"})
    snapshot(book, "JEXUSDT", order(4, symbol="JEXUSDT"))
    snapshot(book, "ETHUSDT", order(5, symbol="ETHUSDT"), order(2, symbol="ETHUSDT"))
    snapshot(book, "BTCUSDT", order(3), order(6, side="SELL", qty="0.1"))
    rows = book.rows("ETHUSDT")
    assert [(o.symbol, o.order_id) for o in rows] == [
        ("ETHUSDT", 2),
        ("ETHUSDT", 5),
        ("BTCUSDT", 3),
        ("BTCUSDT", 6),
        ("JEXUSDT", 4),
    ]
    assert [o.order_id for o in book.rows("ETHUSDT", only_active=True)] == [2, 5]
    assert [o.order_id for o in book.rows()] == [3, 6, 2, 5, 4]
    assert book.counts() == {"BTCUSDT": 2, "ETHUSDT": 2, "JEXUSDT": 1}
    assert book.holding_symbols() == ["BTCUSDT", "ETHUSDT", "JEXUSDT"]
    assert book.explained
    assert book.title("ETHUSDT") == "5 open · 2 on ETHUSDT"
    assert book.title("LTCBTC") == "5 open · 0 on LTCBTC"
    assert book.title() == "5 open"
    assert book.title("ETHUSDT", only_active=True) == "2 open on ETHUSDT · 5 on the account"
    assert book.title(None, only_active=True) == "5 open"


def test_the_title_never_says_no_open_orders_while_funds_are_unexplained() -> None:
    book = book_with({"USDT": "12.5"})
    assert book.title("BTCUSDT") == "0 open · 0 on BTCUSDT · more may exist: locked funds unexplained"
    assert book.title("BTCUSDT", only_active=True) == (
        "0 open on BTCUSDT · 0 on the account · more may exist: locked funds unexplained"
    )
    book.apply_update(order(1, symbol="ETHUSDT", price="2.5", qty="1"))
    assert book.title("BTCUSDT") == "1 open · 0 on BTCUSDT · more may exist: locked funds unexplained"
    book.apply_update(order(2, symbol="ETHUSDT", price="10", qty="1"))
    assert book.title("BTCUSDT") == "2 open · 0 on BTCUSDT"


def test_a_pushed_order_before_the_account_is_read_is_shown() -> None:
    book = AccountOrders(SYMBOLS)
    book.apply_update(order(1))
    assert book.title("BTCUSDT") == "1 open · 1 on BTCUSDT · more may exist: locked funds unexplained"


def test_unwatched_symbols_with_orders() -> None:
    book = book_with({"USDT": "300"}, watched_symbols=["BTCUSDT", "BTCUSDT", "JEXUSDT"])
    snapshot(book, "BTCUSDT", order(1))
    snapshot(book, "ETHUSDT", order(2, symbol="ETHUSDT"))
    book.apply_update(order(3, symbol="GONEUSDT"))
    assert book.unwatched_symbols_with_orders() == ["ETHUSDT", "GONEUSDT"]
    book.set_watched_symbols(["ETHUSDT"])
    assert book.unwatched_symbols_with_orders() == ["BTCUSDT", "GONEUSDT"]


# --- properties ----------------------------------------------------------------------------------------

ASSETS = ("A", "B", "C", "USDT")
PROP_SYMBOLS = {f"{b}{q}": SymbolAssets(b, q) for b in ASSETS for q in ASSETS if b != q}

orders_strategy = st.lists(
    st.tuples(
        st.sampled_from(sorted(PROP_SYMBOLS)),
        st.sampled_from(("BUY", "SELL")),
        st.integers(1, 10**6).map(lambda n: D(n).scaleb(-4)),  # price, 4 decimals
        st.integers(1, 10**4).map(lambda n: D(n).scaleb(-3)),  # quantity, 3 decimals
        st.integers(0, 99),  # percent executed
    ),
    max_size=40,
)


def _exchange(specs: list[tuple[str, str, D, D, int]]) -> dict[str, list[Order]]:
    by_symbol: dict[str, list[Order]] = {}
    for order_id, (symbol, side, price, qty, pct) in enumerate(specs, start=1):
        executed = (qty * pct / 100).quantize(D("0.001"), ROUND_DOWN)  # always less than qty
        status = "PARTIALLY_FILLED" if executed else "NEW"
        by_symbol.setdefault(symbol, []).append(
            order(
                order_id,
                symbol=symbol,
                side=side,
                price=str(price),
                qty=str(qty),
                executed=str(executed),
                status=status,
            )
        )
    return by_symbol


def _rule(by_symbol: dict[str, list[Order]]) -> dict[str, D]:
    locked: dict[str, D] = {}
    for symbol, orders in by_symbol.items():
        assets = PROP_SYMBOLS[symbol]
        for o in orders:
            remaining = o.orig_qty - o.executed_qty
            asset, amount = (assets.quote, o.price * remaining) if o.side == "BUY" else (assets.base, remaining)
            locked[asset] = locked.get(asset, D(0)) + amount
    return locked


@settings(max_examples=150, deadline=None)
@given(
    orders_strategy,
    st.lists(st.sampled_from(sorted(PROP_SYMBOLS)), max_size=4),
    st.lists(st.sampled_from(sorted(PROP_SYMBOLS)), max_size=4),
)
def test_following_the_plan_finds_every_order_and_asks_no_useless_symbol(
    specs: list[tuple[str, str, D, D, int]], journal: list[str], watched: list[str]
) -> None:
    exchange = _exchange(specs)
    book = AccountOrders(PROP_SYMBOLS, journal_symbols=journal, watched_symbols=watched)
    book.set_locked(_rule(exchange))
    asked: list[str] = []
    while book.plan():
        step = book.plan()[0]
        assert step.symbol not in asked
        assets = PROP_SYMBOLS[step.symbol]  # it could hold an order: one of its assets is short
        assert max(book.unexplained().get(assets.base, D(0)), book.unexplained().get(assets.quote, D(0))) > 0
        asked.append(step.symbol)
        snapshot(book, step.symbol, *exchange.get(step.symbol, []))
    assert book.explained and book.state is DiscoveryState.EXPLAINED
    assert {o.order_id for o in book.orders} == {o.order_id for orders in exchange.values() for o in orders}
    assert book.can_say_no_orders is (not exchange)
    assert set(exchange) <= set(asked)


@settings(max_examples=150, deadline=None)
@given(orders_strategy.filter(bool), st.data())
def test_a_missing_order_shows_exactly_its_lock_as_unexplained(
    specs: list[tuple[str, str, D, D, int]], data: st.DataObject
) -> None:
    exchange = _exchange(specs)
    book = AccountOrders(PROP_SYMBOLS)
    book.set_locked(_rule(exchange))
    everything = [o for orders in exchange.values() for o in orders]
    missing = data.draw(st.sampled_from(everything))
    for o in everything:
        if o is not missing:
            book.apply_update(o)
    asset, amount = lock_of(OpenOrder.from_api(missing), PROP_SYMBOLS[missing.symbol])  # type: ignore[misc]
    assert book.unexplained() == {asset: amount}
    assert not book.can_say_no_orders
    assert book.unexplained_lines() == [f"{plain(amount)} {asset} locked, not in any order found yet"]
    assert missing.symbol in {step.symbol for step in book.plan()}
    assert book.title().endswith("locked funds unexplained")


def test_symbols_whose_orders_lock_more_than_the_account_shows_are_rechecked_first() -> None:
    book = book_with({"USDT": "100", "BTC": "1"})
    book.apply_update(order(1, price="100"))  # pushed: its symbol was never asked
    book.apply_update(order(2, symbol="ETHUSDT", price="50"))
    book.apply_update(order(3, symbol="LTCBTC", side="SELL"))  # locks LTC: no surplus there
    assert book.unexplained() == {"BTC": D(1), "LTC": D(-1), "USDT": D(-50)}
    steps = book.plan()
    assert steps[:3] == [PlanStep("BTCUSDT", "recheck"), PlanStep("ETHUSDT", "recheck"), PlanStep("LTCBTC", "recheck")]
    assert [s.symbol for s in steps].count("BTCUSDT") == 1 and [s.symbol for s in steps].count("LTCBTC") == 1
    assert steps[3:] == [PlanStep("ETHBTC", "locked asset")]  # BTCUSDT and LTCBTC are candidates for BTC too
    assert book.state is DiscoveryState.SEARCHING
    snapshot(book, "ETHUSDT")
    snapshot(book, "LTCBTC")
    assert book.unexplained() == {"BTC": D(1)}  # the surplus is gone with the closed orders
    assert book.plan() == [PlanStep("BTCUSDT", "locked asset"), PlanStep("ETHBTC", "locked asset")]
    book.set_locked({"USDT": D(100), "BTC": D(0)})
    snapshot(book, "BTCUSDT", order(1, price="100"))
    assert book.explained and book.plan() == []


def test_a_small_shortfall_is_not_a_reason_to_recheck() -> None:
    book = book_with({"USDT": "100.5"})
    book.apply_update(order(1, price="100"))  # pushed, its symbol never asked
    assert book.unexplained() == {"USDT": D("0.5")}
    assert book.plan()[0] == PlanStep("BTCUSDT", "locked asset")
    assert all(step.reason != "recheck" for step in book.plan())


def test_the_last_locked_amounts_read_are_visible_as_a_copy() -> None:
    book = AccountOrders(SYMBOLS)
    assert book.locked is None
    book.set_locked({"USDT": D(5)})
    seen = book.locked
    assert seen == {"USDT": D(5)}
    seen["USDT"] = D(0)  # type: ignore[index]
    assert book.locked == {"USDT": D(5)}
    assert book.symbol_names == list(SYMBOLS)
