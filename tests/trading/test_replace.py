"""The replace planner: cancel, confirm the cancel's outcome, then place; never on a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support.trading_fakes import order, symbol_info

from jextui.api.client import JexClient
from jextui.api.errors import UnknownOrder, error_from_response
from jextui.api.models import CancelResult, OrderId, OrderResult
from jextui.trading.journal import OrderJournal, account_identity
from jextui.trading.replace import ReplacePlan, ReplaceState, ReplaceStep, start_replace
from jextui.trading.submit import CancelOutcome, OrderSubmitter, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest, SymbolRules

D = Decimal
RULES = SymbolRules.from_symbol_info(symbol_info(min_qty="0.01", min_notional="10"))


def plan(executed: str = "0", qty: str = "1", new_qty: str = "1") -> ReplacePlan:
    resting = order(42, qty=qty, executed=executed, status="NEW" if executed == "0" else "PARTIALLY_FILLED")
    return start_replace(resting, D("101"), D(new_qty), rules=RULES)


def cancelled(executed: str, status: str = "CANCELED", kind: OutcomeKind = OutcomeKind.ACCEPTED) -> CancelOutcome:
    result = CancelResult(
        symbol="BTCUSDT",
        order_id=OrderId(42),
        transact_time=1,
        price=D("100"),
        orig_qty=D("1"),
        executed_qty=D(executed),
        cummulative_quote_qty=D("0"),
        status=status,
        time_in_force="GTC",
        type="LIMIT",
        side="BUY",
    )
    return CancelOutcome("BTCUSDT", 42, kind, "cancelled", result=result, status=status)


def test_a_clean_cancel_leads_to_placing_the_new_order() -> None:
    start = plan()
    assert start.step == ReplaceStep.CANCEL and start.request is None and start.replace_id
    ready = start.cancel_answered(cancelled("0"))
    assert ready.step == ReplaceStep.PLACE
    request = ready.request
    assert request is not None and (request.price, request.quantity, request.side) == (D("101"), D("1"), "BUY")
    assert request.time_in_force == "GTC" and ready.replace_id == start.replace_id
    placed = SubmitOutcome(OutcomeKind.ACCEPTED, "BUY 1 BTCUSDT @ 101: placed, order 43, NEW.")
    done = ready.placed_outcome(placed)
    assert done.done and done.placed is True and "Order 42 replaced: BUY 1 BTCUSDT @ 101" in done.message


def test_filled_before_the_cancel_places_nothing_and_says_so() -> None:
    unknown_order = error_from_response(
        status=400, code=-2011, msg="Unknown order sent.", endpoint="cancel_order", is_order=False
    )
    assert isinstance(unknown_order, UnknownOrder)
    gone = CancelOutcome("BTCUSDT", 42, OutcomeKind.REJECTED, "no longer open", error=unknown_order)
    looking = plan().cancel_answered(gone)
    assert looking.step == ReplaceStep.LOOK_UP and looking.request is None
    done = looking.looked_up("FILLED", D("1"))
    assert done.done and done.placed is False and "filled completely before the cancel" in done.message


def test_a_partial_fill_during_the_replace_offers_the_remainder() -> None:
    offered = plan().cancel_answered(cancelled("0.3"))
    assert offered.step == ReplaceStep.OFFER_REMAINDER and offered.place_quantity == D("0.7")
    assert offered.request is None  # nothing goes out without a yes
    assert offered.message == (
        "0.300 BTC more of order 42 filled before the cancel. Place the remainder 0.700 BTC at 101.00 USDT?"
    )
    accepted = offered.remainder_accepted()
    assert accepted.request is not None and accepted.request.quantity == D("0.7")
    declined = offered.remainder_declined()
    assert declined.done and declined.placed is False and declined.request is None


def test_fills_known_when_the_replace_started_are_not_taken_twice() -> None:
    already = plan(executed="0.4", new_qty="0.6")  # the ticket prefilled the remaining 0.6
    assert already.cancel_answered(cancelled("0.4")).request.quantity == D("0.6")  # type: ignore[union-attr]
    more = already.cancel_answered(cancelled("0.5"))
    assert more.step == ReplaceStep.OFFER_REMAINDER and more.place_quantity == D("0.5")


def test_a_remainder_below_the_minimum_is_not_offered() -> None:
    tiny = plan().cancel_answered(cancelled("0.995"))
    assert tiny.done and tiny.placed is False and "below the minimum quantity 0.010 BTC" in tiny.message
    small_total = plan().cancel_answered(cancelled("0.95"))  # 0.05 * 101 = 5.05 < 10
    assert small_total.done and "below the minimum total 10.00 USDT" in small_total.message


def test_an_unknown_cancel_places_nothing_until_the_order_is_known() -> None:
    unknown = CancelOutcome("BTCUSDT", 42, OutcomeKind.UNKNOWN, "answer lost")
    waiting = plan().cancel_answered(unknown)
    assert waiting.step == ReplaceStep.LOOK_UP and waiting.request is None
    assert "nothing new is placed until it is known" in waiting.message
    still = waiting.look_up_failed("timeout")
    assert still.step == ReplaceStep.LOOK_UP and still.request is None
    assert still.looked_up("CANCELED", D("0")).request is not None
    open_still = waiting.looked_up("NEW", D("0"))
    assert open_still.done and open_still.placed is False and "did not take effect" in open_still.message


def test_a_refused_cancel_leaves_the_order_and_places_nothing() -> None:
    refused = CancelOutcome("BTCUSDT", 42, OutcomeKind.REJECTED, "Cancel of order 42 refused: too many requests")
    done = plan().cancel_answered(refused)
    assert done.done and done.placed is False and "the order stays as it was" in done.message


def test_a_resolved_cancel_without_quantities_is_looked_up() -> None:
    resolved = CancelOutcome("BTCUSDT", 42, OutcomeKind.RESOLVED, "found cancelled", status="CANCELED")
    assert plan().cancel_answered(resolved).step == ReplaceStep.LOOK_UP


def test_steps_out_of_order_are_refused_and_closed_orders_cannot_start() -> None:
    with pytest.raises(ValueError, match="at step cancel, not place"):
        plan().placed_outcome(SubmitOutcome(OutcomeKind.ACCEPTED, "x"))
    with pytest.raises(ValueError, match="not open"):
        start_replace(order(1, status="FILLED"), D("1"), D("1"))
    with pytest.raises(ValueError, match="more than zero"):
        start_replace(order(1), D("0"), D("1"))


def test_a_new_order_that_fails_is_said() -> None:
    ready = plan().cancel_answered(cancelled("0"))
    done = ready.placed_outcome(SubmitOutcome(OutcomeKind.REJECTED, "BUY 1 BTCUSDT @ 101: insufficient balance"))
    assert done.done and done.placed is False and "Order 42 was cancelled; the new order: BUY" in done.message


# --- driven against the sandbox --------------------------------------------------


@pytest.fixture
def client(sandbox_client: JexClient) -> JexClient:
    return sandbox_client


async def drive(plan_: ReplacePlan, submitter: OrderSubmitter, client: JexClient) -> ReplacePlan:
    """What the screen does: follow the steps (a remainder is accepted)."""
    while not plan_.done:
        if plan_.step == ReplaceStep.CANCEL:
            plan_ = plan_.cancel_answered(await submitter.cancel(plan_.symbol, plan_.order_id))
        elif plan_.step == ReplaceStep.LOOK_UP:
            found = await client.get_order(plan_.symbol, plan_.order_id)
            plan_ = plan_.looked_up(found.status, found.executed_qty)
        elif plan_.step == ReplaceStep.OFFER_REMAINDER:
            plan_ = plan_.remainder_accepted()
        else:
            assert plan_.request is not None
            plan_ = plan_.placed_outcome(await submitter.submit(plan_.request))
    return plan_


async def resting_buy(client: JexClient, submitter: OrderSubmitter, qty: str = "0.01"):
    bid = (await client.book_ticker("BTCUSDT")).bid_price
    outcome = await submitter.submit(OrderRequest("BTCUSDT", "BUY", bid + D("0.01"), D(qty), "GTC"))  # best bid
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_id is not None
    return await client.get_order("BTCUSDT", outcome.order_id)


async def test_an_amend_moves_a_resting_order_by_one_tick(sandbox, client, tmp_path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite", base_url=client.base_url, account=account_identity(sandbox.api_key))
    submitter = OrderSubmitter(client, journal)
    old = await resting_buy(client, submitter)
    new_price = old.price + D("0.01")
    done = await drive(start_replace(old, new_price, old.orig_qty), submitter, client)
    journal.close()
    assert done.placed is True and done.outcome is not None
    open_now = {int(o.order_id): o for o in await client.open_orders("BTCUSDT")}
    assert int(old.order_id) not in open_now
    assert open_now[done.outcome.order_id].price == new_price  # type: ignore[index]


async def test_nothing_is_placed_when_the_cancel_loses_to_a_fill(sandbox, client, tmp_path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite", base_url=client.base_url, account=account_identity(sandbox.api_key))
    submitter = OrderSubmitter(client, journal)
    old = await resting_buy(client, submitter)
    plan_ = start_replace(old, old.price + D("0.01"), old.orig_qty)
    # another trader sells into the order between the trader's key press and the cancel
    sandbox.exchange.engine.place_order("sim-taker", "BTCUSDT", "SELL", old.price, old.orig_qty, "IOC")
    done = await drive(plan_, submitter, client)
    journal.close()
    assert done.placed is False and "filled completely before the cancel" in done.message
    assert [o for o in await client.open_orders("BTCUSDT") if o.price == plan_.new_price] == []


async def test_a_partial_fill_before_the_cancel_places_only_the_remainder(sandbox, client, tmp_path) -> None:
    journal = OrderJournal(tmp_path / "j.sqlite", base_url=client.base_url, account=account_identity(sandbox.api_key))
    submitter = OrderSubmitter(client, journal)
    old = await resting_buy(client, submitter, qty="0.02")
    plan_ = start_replace(old, old.price + D("0.01"), old.orig_qty)
    sandbox.exchange.engine.place_order("sim-taker", "BTCUSDT", "SELL", old.price, D("0.005"), "IOC")
    done = await drive(plan_, submitter, client)
    journal.close()
    assert done.placed is True and done.outcome is not None and done.outcome.result is not None
    assert isinstance(done.outcome.result, OrderResult) and done.outcome.result.orig_qty == D("0.015")


# --- every outcome, in the words the trader reads and the state the journal records -------------


def test_a_new_replace_says_it_cancels_first_and_keeps_the_order_terms() -> None:
    start = plan()
    assert start.message == "Cancelling order 42 first."
    assert (start.state, start.placed, start.place_quantity, start.ending, start.cancel) == (
        ReplaceState.CANCEL_SENT,
        False,
        None,
        None,
        None,
    )
    assert (start.symbol, start.side, start.orig_qty, start.new_price, start.new_quantity) == (
        "BTCUSDT",
        "BUY",
        D("1"),
        D("101"),
        D("1"),
    )
    assert start.rules is RULES
    # the new order keeps the old one's time in force; an order that names none is sent GTC
    kept = start_replace(order(7, tif="IOC"), D("101"), D("1")).cancel_answered(cancelled("0"))
    assert kept.request is not None and kept.request.time_in_force == "IOC"
    plain = start_replace(order(7, tif=""), D("101"), D("1")).cancel_answered(cancelled("0"))
    assert plain.request is not None and plain.request.time_in_force == "GTC"


def test_the_smallest_price_and_quantity_above_zero_are_accepted_and_zero_is_not() -> None:
    tiny = start_replace(order(7), D("0.5"), D("0.001"))
    assert (tiny.new_price, tiny.new_quantity) == (D("0.5"), D("0.001"))
    for price, quantity in ((D("0"), D("1")), (D("1"), D("0")), (D("-1"), D("1")), (D("1"), D("-0.1"))):
        with pytest.raises(ValueError) as refused:
            start_replace(order(7), price, quantity)
        assert str(refused.value) == "the new price and quantity must be more than zero"
    with pytest.raises(ValueError) as closed:
        start_replace(order(9, status="CANCELED"), D("1"), D("1"))
    assert str(closed.value) == "order 9 is not open (status CANCELED); nothing to replace"
    assert start_replace(order(9, status="PARTIALLY_FILLED", executed="0.2"), D("1"), D("0.8")).order_id == 9


def test_each_step_names_its_journal_state() -> None:
    unknown = CancelOutcome("BTCUSDT", 42, OutcomeKind.UNKNOWN, "answer lost")
    looking = plan().cancel_answered(unknown)
    assert looking.state == ReplaceState.CANCEL_UNKNOWN and looking.cancel is unknown
    assert looking.message == (
        "The cancel of order 42 has no known outcome yet: nothing new is placed until it is known."
    )
    ready = plan().cancel_answered(cancelled("0"))
    assert ready.state == ReplaceState.CANCELLED and ready.message == "Order 42 cancelled; placing the new order."
    assert ready.place_quantity == D("1") and ready.placed is False and not ready.done
    offered = plan().cancel_answered(cancelled("0.3"))
    assert offered.state == ReplaceState.REMAINDER_OFFERED and not offered.done


def test_an_order_gone_before_the_cancel_is_looked_up_in_words() -> None:
    unknown_order = error_from_response(
        status=400, code=-2011, msg="Unknown order sent.", endpoint="cancel_order", is_order=False
    )
    gone = CancelOutcome("BTCUSDT", 42, OutcomeKind.REJECTED, "no longer open", error=unknown_order)
    looking = plan().cancel_answered(gone)
    assert looking.message == "Order 42 was no longer open: looking at how it ended before placing anything."
    assert looking.state == ReplaceState.CANCEL_UNKNOWN and looking.cancel is gone
    resolved = CancelOutcome("BTCUSDT", 42, OutcomeKind.RESOLVED, "found cancelled", status="CANCELED")
    checking = plan().cancel_answered(resolved)
    assert checking.message == "Checking how order 42 ended before placing anything."
    assert checking.step == ReplaceStep.LOOK_UP and checking.request is None


def test_a_cancel_answered_without_the_order_cancelled_is_looked_up() -> None:
    still = cancelled("0", status="NEW")  # an answer that does not say the order is cancelled
    assert plan().cancel_answered(still).step == ReplaceStep.LOOK_UP


def test_a_refused_cancel_is_said_in_full_and_journalled_as_refused() -> None:
    refused = CancelOutcome("BTCUSDT", 42, OutcomeKind.REJECTED, "too many requests")
    done = plan().cancel_answered(refused)
    assert done.message == (
        "The cancel of order 42 was refused (too many requests); the order stays as it was and nothing new was placed."
    )
    assert (done.state, done.placed, done.place_quantity, done.request) == (
        ReplaceState.CANCEL_REFUSED,
        False,
        None,
        None,
    )


def test_an_order_still_open_after_the_cancel_places_nothing() -> None:
    waiting = plan().cancel_answered(CancelOutcome("BTCUSDT", 42, OutcomeKind.UNKNOWN, "lost"))
    for status in ("NEW", "PARTIALLY_FILLED"):
        done = waiting.looked_up(status, D("0"))
        assert done.message == (
            f"Order 42 is still open ({status}): the cancel did not take effect, so nothing new was placed."
        )
        assert (done.state, done.placed, done.done) == (ReplaceState.NOT_CANCELLED, False, True)


def test_filled_is_told_by_the_quantity_or_by_the_status() -> None:
    waiting = plan().cancel_answered(CancelOutcome("BTCUSDT", 42, OutcomeKind.UNKNOWN, "lost"))
    words = "Order 42 had filled completely before the cancel; nothing new was placed."
    by_quantity = waiting.looked_up("CANCELED", D("1"))  # exactly the whole order
    by_status = waiting.looked_up("FILLED", D("0.4"))  # the status alone says so
    for done in (by_quantity, by_status):
        assert (done.message, done.state, done.placed, done.request) == (
            words,
            ReplaceState.FILLED_INSTEAD,
            False,
            None,
        )
    assert plan().cancel_answered(cancelled("1")).state == ReplaceState.FILLED_INSTEAD
    partly = waiting.looked_up("CANCELED", D("0.9"))  # not all of it: the remainder is offered
    assert partly.step == ReplaceStep.OFFER_REMAINDER and partly.place_quantity == D("0.1")


def test_a_look_up_that_fails_says_why_and_waits() -> None:
    waiting = plan().cancel_answered(CancelOutcome("BTCUSDT", 42, OutcomeKind.UNKNOWN, "lost"))
    still = waiting.look_up_failed("timeout")
    assert still.message == "Order 42's state is not known yet (timeout); nothing new is placed until it is."
    assert (still.state, still.place_quantity, still.done) == (ReplaceState.CANCEL_UNKNOWN, None, False)


def test_the_remainder_is_placed_or_declined_in_words() -> None:
    offered = plan().cancel_answered(cancelled("0.3"))
    accepted = offered.remainder_accepted()
    assert accepted.message == "Placing the remainder 0.700 BTC."
    assert (accepted.state, accepted.place_quantity) == (ReplaceState.CANCELLED, D("0.7"))
    declined = offered.remainder_declined()
    assert declined.message == "Order 42 was cancelled after a partial fill; the remainder was not placed."
    assert (declined.state, declined.placed, declined.place_quantity) == (ReplaceState.REMAINDER_DECLINED, False, None)


def test_words_without_symbol_rules_name_no_asset() -> None:
    bare = start_replace(order(42), D("101"), D("1"))  # no rules: no asset name, no minimum
    offered = bare.cancel_answered(cancelled("0.3"))
    assert offered.message == "0.3 more of order 42 filled before the cancel. Place the remainder 0.7 at 101?"
    assert bare.cancel_answered(cancelled("0.9999")).place_quantity == D("0.0001")


def test_a_fill_that_leaves_exactly_nothing_to_place_places_nothing() -> None:
    two = start_replace(order(42, qty="2"), D("101"), D("1"), rules=RULES)  # the trader moved only 1 of 2
    done = two.cancel_answered(cancelled("1"))
    assert done.message == "1.000 BTC more of order 42 filled before the cancel: nothing is left to place."
    assert (done.state, done.placed, done.request) == (ReplaceState.NOTHING_LEFT, False, None)
    more = two.cancel_answered(cancelled("1.5"))
    assert more.state == ReplaceState.NOTHING_LEFT and more.placed is False


def test_a_remainder_exactly_at_the_minimums_is_offered_and_one_below_is_not() -> None:
    small_total = SymbolRules.from_symbol_info(symbol_info(min_qty="0.01", min_notional="1"))
    by_qty = start_replace(order(42), D("101"), D("1"), rules=small_total)
    at_qty = by_qty.cancel_answered(cancelled("0.99"))  # 0.01 left: the minimum quantity
    assert at_qty.step == ReplaceStep.OFFER_REMAINDER and at_qty.place_quantity == D("0.01")
    below_qty = by_qty.cancel_answered(cancelled("0.995"))
    assert below_qty.message == (
        "0.995 BTC more of order 42 filled before the cancel; the remainder 0.005 BTC is "
        "below the minimum quantity 0.010 BTC, so nothing new was placed."
    )
    assert (below_qty.state, below_qty.placed) == (ReplaceState.NOTHING_LEFT, False)
    at_100 = start_replace(order(42), D("100"), D("1"), rules=RULES)
    at_total = at_100.cancel_answered(cancelled("0.9"))  # 0.1 x 100 = 10: the minimum total
    assert at_total.step == ReplaceStep.OFFER_REMAINDER and at_total.place_quantity == D("0.1")
    below_total = at_100.cancel_answered(cancelled("0.91"))  # 0.09 x 100 = 9
    assert below_total.message == (
        "0.910 BTC more of order 42 filled before the cancel; the remainder 0.090 BTC is "
        "below the minimum total 10.00 USDT, so nothing new was placed."
    )


def test_the_new_orders_answer_ends_the_replace_as_placed_not_placed_or_unknown() -> None:
    ready = plan().cancel_answered(cancelled("0"))
    placed = ready.placed_outcome(SubmitOutcome(OutcomeKind.ACCEPTED, "placed, order 43."))
    assert (placed.state, placed.placed, placed.message) == (
        ReplaceState.PLACED,
        True,
        "Order 42 replaced: placed, order 43.",
    )
    found = ready.placed_outcome(SubmitOutcome(OutcomeKind.RESOLVED, "found."))
    assert (found.state, found.placed) == (ReplaceState.PLACED, True)
    refused = ready.placed_outcome(SubmitOutcome(OutcomeKind.REJECTED, "refused."))
    assert (refused.state, refused.placed, refused.message) == (
        ReplaceState.NOT_PLACED,
        False,
        "Order 42 was cancelled; the new order: refused.",
    )
    lost = SubmitOutcome(OutcomeKind.UNKNOWN, "outcome unknown.")
    unknown = ready.placed_outcome(lost)
    assert (unknown.state, unknown.placed, unknown.outcome, unknown.done) == (
        ReplaceState.PLACE_UNKNOWN,
        None,
        lost,
        True,
    )
    assert unknown.message == "Order 42 was cancelled; the new order: outcome unknown."


def test_a_replace_the_journal_cannot_record_is_not_sent() -> None:
    done = plan().not_sent("the order journal could not be written (disk full)")
    assert done.message == (
        "Order 42 was not replaced: the order journal could not be written (disk full); nothing was sent."
    )
    assert (done.state, done.placed, done.done, done.request) == (ReplaceState.NOT_SENT, False, True, None)
    with pytest.raises(ValueError, match="at step place, not cancel"):
        plan().cancel_answered(cancelled("0")).not_sent("late")


def test_every_step_checks_where_the_plan_is() -> None:
    start, ready = plan(), plan().cancel_answered(cancelled("0"))
    offered = plan().cancel_answered(cancelled("0.3"))
    with pytest.raises(ValueError, match="at step cancel, not look_up"):
        start.looked_up("CANCELED", D("0"))
    with pytest.raises(ValueError, match="at step cancel, not look_up"):
        start.look_up_failed("x")
    with pytest.raises(ValueError, match="at step place, not offer_remainder"):
        ready.remainder_accepted()
    with pytest.raises(ValueError, match="at step place, not offer_remainder"):
        ready.remainder_declined()
    with pytest.raises(ValueError, match="at step offer_remainder, not cancel"):
        offered.cancel_answered(cancelled("0"))


# -- amounts in the words read as in the panes --

BTC_RULES = SymbolRules.from_symbol_info(
    symbol_info(qty_decimals=6, step="0.000001", min_qty="0.000010", tick="0.01", max_price="1000000", min_notional="5")
)


def test_a_price_from_1000_up_has_separators_and_the_symbols_decimals() -> None:
    big = start_replace(order(42, qty="1.5"), D("64000"), D("1.5"), rules=BTC_RULES)
    offered = big.cancel_answered(cancelled("0.25"))
    assert offered.message == (
        "0.250000 BTC more of order 42 filled before the cancel. Place the remainder 1.250000 BTC at 64,000.00 USDT?"
    )
    assert offered.remainder_accepted().message == "Placing the remainder 1.250000 BTC."


def test_a_quantity_keeps_the_digits_of_its_step_not_of_the_precision() -> None:
    coarse = SymbolRules.from_symbol_info(symbol_info(qty_decimals=8, step="0.01", min_qty="0.01"))
    assert (coarse.quantity_decimals, coarse.quantity_places, coarse.price_places) == (8, 2, 2)
    offered = start_replace(order(42, qty="2"), D("1234.5"), D("2"), rules=coarse).cancel_answered(cancelled("0.5"))
    assert offered.message.endswith("Place the remainder 1.50 BTC at 1,234.50 USDT?")
    assert offered.message.startswith("0.50 BTC more of order 42")


def test_a_minimum_total_is_shown_at_the_quotes_precision_and_a_minimum_quantity_at_the_steps() -> None:
    big = start_replace(order(42, qty="0.01"), D("64000"), D("0.01"), rules=BTC_RULES)
    small_total = big.cancel_answered(cancelled("0.00993"))  # 0.00007 x 64,000 = 4.48 < 5
    assert small_total.message == (
        "0.009930 BTC more of order 42 filled before the cancel; the remainder 0.000070 BTC is "
        "below the minimum total 5.00 USDT, so nothing new was placed."
    )
    tiny = big.cancel_answered(cancelled("0.009995"))  # 0.000005 left, under the minimum 0.000010
    assert "the remainder 0.000005 BTC is below the minimum quantity 0.000010 BTC" in tiny.message


def test_without_rules_amounts_are_exact_and_grouped() -> None:
    bare = start_replace(order(42, qty="3"), D("64000.5"), D("3"))
    offered = bare.cancel_answered(cancelled("1"))
    assert offered.message == "1 more of order 42 filled before the cancel. Place the remainder 2 at 64,000.5?"
