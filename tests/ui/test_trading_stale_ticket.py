"""A ticket opened on stale market data says so and needs an explicit yes to send."""

from __future__ import annotations

from pathlib import Path

from support.app_harness import make_test_app, sandbox_of, wait_for_data, wait_until
from support.trading_ui import SYMBOL, open_ticket, type_into

from jextui.feed.health import FeedHealth
from jextui.ui.screens.confirm import ConfirmScreen
from jextui.ui.stale_ticket import STALE_TITLE, stale_market_note


def _book(last_success_ms: int, symbol: str = SYMBOL) -> FeedHealth:
    return FeedHealth(
        kind="book",
        state="ok",
        symbol=symbol,
        last_success_ms=last_success_ms,
        last_error=None,
        last_error_ms=None,
        consecutive_failures=0,
        desired_period_ms=1_000,
        effective_period_ms=1_000,
        checked_ms=last_success_ms,
    )


def test_the_note_names_the_stale_book_and_its_age() -> None:
    assert stale_market_note({"book": _book(10_000)}, SYMBOL, 12_000) is None
    note = stale_market_note({"book": _book(10_000)}, SYMBOL, 52_000)
    assert note is not None and note.startswith("STALE market data: the order book of BTCUSDT is out of date")
    assert "42s" in note.replace(" ", "")
    assert stale_market_note({"book": _book(10_000, "ETHUSDT")}, SYMBOL, 52_000) is None


async def test_a_ticket_on_a_stale_book_says_so_and_asks_before_sending(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        sandbox_of(app).set_faults(error_5xx_rate=1.0, phase="before", paths=("/api/v1/spot/depth",))
        app.clock.advance(30_000)
        app.session.refresh_now("book")
        await wait_until(pilot, lambda: app.trading.stale_market_note(SYMBOL) is not None, what="a stale book")
        ticket = await open_ticket(pilot)
        await wait_until(pilot, lambda: ticket.result_text.startswith("STALE market data"), what="the stale flag")
        bid, _ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None
        await type_into(pilot, ticket, "price", str(bid - 100))
        await type_into(pilot, ticket, "quantity", "0.001")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the stale question")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question_title == STALE_TITLE
        await pilot.press("n")
        await wait_until(pilot, lambda: ticket.result_text == "Not sent: the market data is stale.", what="not sent")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the stale question again")
        await pilot.press("y")  # send anyway: then the usual order confirmation
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ConfirmScreen) and app.screen.question_title.startswith("Send this BUY"),
            what="the order confirmation",
        )


async def test_a_ticket_on_fresh_data_asks_nothing_extra(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        ticket = await open_ticket(pilot)
        assert not ticket.result_text.startswith("STALE")
        bid, _ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None
        await type_into(pilot, ticket, "price", str(bid - 100))
        await type_into(pilot, ticket, "quantity", "0.001")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the order confirmation")
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        assert question.question_title.startswith("Send this BUY")
