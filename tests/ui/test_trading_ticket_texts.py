"""The ticket's sentences use the panes' number format; a refusal that spoke of the old price goes
once the price changes; an IOC or FOK that filled nothing says it expired."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from support.app_harness import make_test_app, wait_for_data, wait_until
from support.trading_ui import SYMBOL, open_ticket, text_of, type_into

from jextui.api.models import OrderId, OrderResult
from jextui.trading.submit import OutcomeKind, SubmitOutcome
from jextui.trading.ticket import SymbolRules
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.screens.ticket import outcome_text
from jextui.ui.screens.ticket_modes import fill_words

RULES = SymbolRules(
    symbol="BTCUSDT", status="TRADING", base_asset="BTC", quote_asset="USDT", price_decimals=2, quantity_decimals=6
)


def _result(status: str, executed: str, quote: str, tif: str = "IOC") -> OrderResult:
    return OrderResult(
        symbol="BTCUSDT",
        order_id=OrderId(9),
        transact_time=1,
        price=Decimal("64100.00"),
        orig_qty=Decimal("0.5"),
        executed_qty=Decimal(executed),
        cummulative_quote_qty=Decimal(quote),
        status=status,
        time_in_force=tif,
        type="LIMIT",
        side="BUY",
    )


def test_an_ioc_or_fok_that_filled_nothing_is_said_to_have_expired() -> None:
    for tif in ("IOC", "FOK"):
        outcome = SubmitOutcome(OutcomeKind.ACCEPTED, "", result=_result("CANCELED", "0", "0", tif))
        text, level = outcome_text(outcome)
        assert text == f"PLACED: order 9, expired, nothing filled ({tif}; the exchange says CANCELED).", text
        assert level == "ok"
        assert "cancelled" not in text
    partly = SubmitOutcome(OutcomeKind.ACCEPTED, "", result=_result("CANCELED", "0.2", "12820"))
    assert "expired after a partial fill (IOC" in outcome_text(partly)[0]
    resting = SubmitOutcome(OutcomeKind.ACCEPTED, "", result=_result("NEW", "0", "0", "GTC"))
    assert outcome_text(resting)[0] == "PLACED: order 9, NEW — open, nothing filled yet."


def test_a_marketable_fill_gives_its_average_at_the_price_precision_and_amounts_at_the_lot_precision() -> None:
    # 0.3 BTC for 19,230.0123 USDT: an average of 64,100.041 USDT, shown at the symbol's 2 decimals
    outcome = SubmitOutcome(OutcomeKind.ACCEPTED, "", result=_result("CANCELED", "0.3", "19230.0123"))
    assert fill_words(outcome, RULES, private=False) == (
        "Filled 0.300000 BTC at an average 64,100.04 USDT; 0.200000 BTC expired."
    )
    nothing = SubmitOutcome(OutcomeKind.ACCEPTED, "", result=_result("CANCELED", "0", "0"))
    assert fill_words(nothing, RULES, private=False) == "Nothing filled; 0.500000 BTC expired."


async def test_ticket_sentences_are_grouped_at_the_precision_and_a_not_sent_note_goes_with_the_price(
    tmp_path: Path,
) -> None:
    app = make_test_app(tmp_path, fat_finger_passive="confirm")
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "price", "64000")
        await type_into(pilot, ticket, "quantity", "100.000001")
        balance = text_of(ticket, "#balance-msg")
        # 6,400,000.064 USDT and the fee: rounded up to the quote precision, never understated
        needs = r"needs 6,4\d\d,\d\d\d\.\d\d( including the fee)?, you have [\d,]+\.\d\d free"
        assert re.search(needs, balance), balance
        total = next(line for line in text_of(ticket, "#ticket-summary").splitlines() if line.startswith("Total"))
        assert total.split() == ["Total", "6,400,000.06", "USDT"]  # the quote precision, not 8 decimals
        await pilot.press("escape")

        # a resting SELL far above the market (the guard asks): its question names the price as the panes do
        last = app.store.last_price(SYMBOL)
        assert last is not None
        far = (last * Decimal("1.2")).quantize(Decimal("0.01"))
        ticket = await open_ticket(pilot, "SELL")
        await type_into(pilot, ticket, "price", f"{far:f}")
        await type_into(pilot, ticket, "quantity", "0.001")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the guard's question")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.lines[-1] == f"Send SELL at {far:,.2f} USDT anyway?"
        assert f"{last:,.2f}" in str(question.lines[0])  # the last price it is compared with
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is ticket, what="the ticket again")
        assert ticket.result_text == "Not sent: change the price, or confirm it with y."
        assert text_of(ticket, "#ticket-result") == ticket.result_text

        await type_into(pilot, ticket, "price", f"{far - 1:f}")  # the note spoke of the old price
        assert ticket.result_text == ""
        assert text_of(ticket, "#ticket-result") == ""

        # the order's own question: amounts at the symbol's precisions, the total at the quote precision
        await type_into(pilot, ticket, "price", "70000")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the guard's question")
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ConfirmScreen) and app.screen.question_title == "Send this SELL order?",
            what="the order's question",
        )
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.lines[:2] == [
            "SELL 0.001000 BTC at 70,000.00 USDT, GTC, limit order on BTCUSDT.",
            "Total 70.00 USDT, fee ≈ 0.056 USDT.",
        ]
