"""The replace planner: cancel, confirm the cancel's outcome, then place; never on a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support.trading_fakes import order, symbol_info

from jextui.api.client import JexClient
from jextui.api.errors import UnknownOrder, error_from_response
from jextui.api.models import CancelResult, OrderId, OrderResult
from jextui.trading.journal import OrderJournal, account_identity
from jextui.trading.replace import ReplacePlan, ReplaceStep, start_replace
from jextui.trading.submit import CancelOutcome, OrderSubmitter, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest, SymbolRules

D = Decimal
RULES = SymbolRules.from_symbol_info(symbol_info(min_qty="0.01", min_notional="10"))


def plan(executed: str = "0", qty: str = "1", new_qty: str = "1") -> ReplacePlan:
    resting = order(42, qty=qty, executed=executed, status="NEW" if executed == "0" else "PARTIALLY_FILLED")
    return start_replace(resting, D("101"), D(new_qty), rules=RULES)


def cancelled(executed: str, status: str = "CANCELED", kind: OutcomeKind = OutcomeKind.ACCEPTED) -> CancelOutcome:
    result = CancelResult(symbol="BTCUSDT", order_id=OrderId(42), transact_time=1, price=D("100"), orig_qty=D("1"),
                          executed_qty=D(executed), cummulative_quote_qty=D("0"), status=status,
                          time_in_force="GTC", type="LIMIT", side="BUY")
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
    unknown_order = error_from_response(status=400, code=-2011, msg="Unknown order sent.", endpoint="cancel_order",
                                        is_order=False)
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
    assert offered.message == "0.3 BTC more of order 42 filled before the cancel. Place the remainder 0.7 BTC at 101?"
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
    assert tiny.done and tiny.placed is False and "below the minimum quantity 0.01" in tiny.message
    small_total = plan().cancel_answered(cancelled("0.95"))  # 0.05 * 101 = 5.05 < 10
    assert small_total.done and "below the minimum total 10 USDT" in small_total.message


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
