"""What the console tells about the journal: a failed write, a contested match, an order's latest state."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from support.app_harness import client_of, journal_of, make_test_app, wait_for_data, wait_until
from support.trading_ui import SYMBOL, place_from_ticket, resting_buy_price, second_trader, wait_for_open_order

from jextui.trading.journal import JournalError
from jextui.trading.journal_read import read_entries


async def test_a_journal_that_cannot_record_the_answer_is_shown_to_the_trader(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        journal = journal_of(app)

        def broken(*args: object, **kwargs: object) -> None:
            raise JournalError("disk I/O error")

        journal.mark_accepted = broken  # type: ignore[method-assign,assignment]  # a disk that fails
        order_id = await place_from_ticket(pilot, await resting_buy_price(app))
        await wait_until(
            pilot,
            lambda: any(
                "could not record" in text and "disk I/O error" in text for text in app.trading.announcer.announced
            ),
            what="the journal problem notice",
        )
        assert order_id > 0  # the order itself was placed, and said so


async def test_a_contested_match_at_start_is_said_in_words_and_looked_up_again(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        client, journal = client_of(app), journal_of(app)
        price = await resting_buy_price(app)
        placed = await client.new_order(SYMBOL, "BUY", Decimal("0.001"), price, resp_type="RESULT")
        # an earlier row holds the order without its creation time (a journal of an older version) ...
        holder = journal.record_order_intent(SYMBOL, "BUY", price, Decimal("0.001"), "GTC")
        journal.mark_accepted(holder.id, order_id=int(placed.order_id), order_status="NEW")
        # ... and an identical request whose answer was lost
        lost = journal.record_order_intent(
            SYMBOL, "BUY", price, Decimal("0.001"), "GTC", created_ms=client.clock.now_ms()
        )
        journal.mark_unknown(lost.id, "left without an answer by an earlier run")

        await app.trading._reconcile_leftovers()  # what the start-up runs

        said = [text for text in app.trading.announcer.announced if f"order {int(placed.order_id)}" in text]
        assert said and "order history" in said[-1] and "UNKNOWN" in said[-1]
        assert not any("NOT placed" in text for text in app.trading.announcer.announced)
        assert journal.get(lost.id).state == "UNKNOWN"
        assert app.trading._unsettled  # the periodic check looks it up again


async def test_the_journal_row_follows_the_order_to_filled(tmp_path: Path) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        bid, ask = app.store.best_bid_ask(SYMBOL)
        assert bid is not None and ask is not None
        inside = ((bid + ask) / 2).quantize(Decimal("0.01"))
        order_id = await place_from_ticket(pilot, inside, quantity="0.002")
        await wait_for_open_order(pilot, order_id)
        async with second_trader(app) as other:
            await other.sync_time()
            await other.new_order(SYMBOL, "SELL", Decimal("0.002"), inside, resp_type="RESULT")
            app.session.refresh_now("open_orders")
            journal_path = journal_of(app).path

            def row_status() -> str | None:
                rows = [e for e in read_entries(journal_path) if e.order_id == order_id and e.kind == "ORDER"]
                return rows[0].order_status if rows else None

            await wait_until(pilot, lambda: row_status() == "FILLED", what="the journal row to say FILLED")
        [row] = [e for e in read_entries(journal_path) if e.order_id == order_id and e.kind == "ORDER"]
        assert row.state == "ACCEPTED" and row.executed_qty == Decimal("0.002") and row.status_ms is not None
