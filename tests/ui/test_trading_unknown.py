"""A refused order says why; a lost answer never duplicates an order, and the journal resolves it.

The sandbox drops the response to ``POST /api/v1/spot/order`` after the
order reached its engine; the console must show "outcome unknown —
checking…", never resend, and end with the order found.  Then the same with
the app dying between the journal write and the answer: the next run
reconciles the intent at start.
"""

from __future__ import annotations

import socket
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path

import pytest
from support.app_harness import client_of, journal_of, make_test_app, sandbox_of, wait_for_data, wait_until
from support.trading_ui import SYMBOL, exchange_orders, open_ticket, resting_buy_price, type_into

from jextui.api.errors import TransportError
from jextui.trading.journal import RESOLVED

ORDER_PATH = "/api/v1/spot/order"


async def test_a_refusal_shows_its_code_and_a_dropped_answer_shows_checking_then_the_order_found_once(
    tmp_path: Path,
) -> None:
    app = make_test_app(tmp_path, confirm_orders=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        # first a refusal: the code and its meaning, nothing placed
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "price", f"{await resting_buy_price(app):f}")
        await type_into(pilot, ticket, "quantity", "1")
        # another program spends the balance; the ticket's (last polled) balances still show it
        client = client_of(app)
        assert client is not None
        lock_price = await resting_buy_price(app, ticks_below_bid=20_000)
        balances = app.store.free_balances()
        assert balances is not None
        free_usdt = balances["USDT"]
        lock_qty = ((free_usdt - 1000) / lock_price).quantize(Decimal("0.000001"), rounding=ROUND_FLOOR)
        await client.new_order(SYMBOL, "BUY", lock_qty, lock_price, resp_type="RESULT")
        await pilot.press("enter")  # no confirmation step: sent at once
        await wait_until(pilot, lambda: ticket.result_text.startswith("REFUSED"), what="the refusal")
        assert "(code -" in ticket.result_text and "balance" in ticket.result_text.lower()
        assert len(await exchange_orders(app)) == 1  # only the other program's order
        await client.cancel_order(SYMBOL, int((await exchange_orders(app))[0].order_id))
        await pilot.press("escape")
        await pilot.pause()

        # then a dropped answer
        price = await resting_buy_price(app)
        ticket = await open_ticket(pilot, "BUY")
        await type_into(pilot, ticket, "price", f"{price:f}")
        await type_into(pilot, ticket, "quantity", "0.003")
        sandbox_of(app).set_faults(drop_rate=1.0, phase="after", paths=(ORDER_PATH,), limit=1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "reached the exchange" in ticket.result_text, what="the reconciled outcome")

        assert "Outcome unknown — checking… (the order is never resent)" in ticket.result_history
        assert (
            ticket.result_history.index("Outcome unknown — checking… (the order is never resent)")
            < len(ticket.result_history) - 1
        )
        mine = [o for o in await exchange_orders(app) if o.price == price and o.orig_qty == Decimal("0.003")]
        assert len(mine) == 1  # exactly one order: nothing was resent
        assert f"order {int(mine[0].order_id)}" in ticket.result_text
        entry = journal_of(app).entries()[0]  # newest first
        assert (entry.state, entry.order_id) == (RESOLVED, int(mine[0].order_id))
        await wait_until(
            pilot,
            lambda: any(int(o.order_id) == entry.order_id for o in app.main.panes.open_orders.orders),
            what="the order listed",
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_an_intent_left_pending_by_a_dead_run_is_resolved_at_the_next_start(tmp_path: Path) -> None:
    exchange = {"port": _free_port(), "state_path": str(tmp_path / "exchange.sqlite")}
    first = make_test_app(tmp_path, sandbox_overrides=exchange)
    async with first.run_test(size=first.size_for_tests) as pilot:
        await wait_for_data(pilot)
        price = await resting_buy_price(first)
        client, journal = client_of(first), journal_of(first)
        # the intent is on disk, the order reaches the exchange, the app dies before the answer
        intent = journal.record_order_intent(
            SYMBOL, "BUY", price, Decimal("0.004"), "GTC", created_ms=client.clock.now_ms()
        )
        sandbox_of(first).set_faults(drop_rate=1.0, phase="after", paths=(ORDER_PATH,), limit=1)
        with pytest.raises(TransportError) as lost:
            await client.new_order(SYMBOL, "BUY", Decimal("0.004"), price, resp_type="RESULT")
        assert lost.value.outcome_unknown  # the answer was lost, not refused
        assert journal.get(intent.id).state == "PENDING"

    second = make_test_app(tmp_path, sandbox_overrides=exchange)
    async with second.run_test(size=second.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await wait_until(
            pilot,
            lambda: any("did reach the exchange" in text for text in second.trading.announcer.announced),
            what="the start-up reconciliation",
        )
        entry = journal_of(second).get(intent.id)
        mine = [o for o in await exchange_orders(second) if o.price == price]
        assert len(mine) == 1
        assert (entry.state, entry.order_id) == (RESOLVED, int(mine[0].order_id))
        summary = second.trading.announcer.announced[0]
        assert summary.startswith("1 request(s) left unanswered by an earlier run were checked: 1 found")


async def test_an_outcome_still_unknown_is_looked_for_again_while_the_app_runs(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        price = await resting_buy_price(app)
        client, journal = client_of(app), journal_of(app)
        # this run sent an order whose answer was lost, and its first looks found nothing conclusive
        intent = journal.record_order_intent(
            SYMBOL, "BUY", price, Decimal("0.005"), "GTC", created_ms=client.clock.now_ms()
        )
        journal.mark_unknown(intent.id, "timeout: no answer in time")
        await client.new_order(SYMBOL, "BUY", Decimal("0.005"), price, resp_type="RESULT")
        app.trading._unsettled = True

        app.trading.periodic_checks()
        await wait_until(
            pilot,
            lambda: any("did reach the exchange" in text for text in app.trading.announcer.announced),
            what="the second look",
        )
        assert journal.get(intent.id).state == RESOLVED
        assert not app.trading._unsettled
        assert len([o for o in await exchange_orders(app) if o.price == price]) == 1
