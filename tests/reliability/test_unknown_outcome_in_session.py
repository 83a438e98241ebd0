"""An order whose answer was lost during an outage is resolved once the exchange answers again.

The submitter looks for such an order twice (at once, and after the grace
period); when both looks fail because the outage goes on, the question stays
open in the journal although the order may be resting on the book.  The
fault matrix found that the console then waited for the next start; it now
looks again as soon as the feed reports the exchange answering, without a
restart — this keeps it so.
"""

from __future__ import annotations

from pathlib import Path

from support.app_harness import wait_until
from support.fault_harness import Console, make_fault_app

from jextui.trading.journal import RESOLVED


async def test_an_order_left_unknown_by_an_outage_is_resolved_without_a_restart(tmp_path: Path) -> None:
    app = make_fault_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        console = Console(pilot)
        await console.start()
        console.sandbox.set_faults(drop_rate=1.0, phase="after")  # the order reaches the engine; the answer is lost
        outcome = await console.ticket_settled(await console.place_order(console.resting_buy_price()))
        assert outcome.startswith("OUTCOME UNKNOWN")
        [order] = console.exchange_orders()
        console.sandbox.set_faults(drop_rate=0.0)
        await console.step(5)  # the exchange answers again: every pane is fresh
        [entry] = console.journal_orders()
        await wait_until(
            pilot,
            lambda: console.journal_orders()[0].state == RESOLVED,
            timeout_s=2,
            what=f"the journal to resolve {entry.describe()}",
        )
        assert console.journal_orders()[0].order_id == order.order_id
        assert any("did reach the exchange" in text for text in app.trading.announcer.announced)
