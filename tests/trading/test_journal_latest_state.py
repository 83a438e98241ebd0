"""The latest state of an order, as the journal keeps it, and the story its events tell.

``jextui journal`` shows what the console last learned about each order (its
status and how much was executed), and the events say when and why a row
changed; these tests pin both, including a claim whose id the exchange gave
out again.
"""

from __future__ import annotations

from decimal import Decimal

from jextui.trading.journal import RESOLVED, OrderJournal

D = Decimal
SYMBOL = "BTCUSDT"


def accepted(journal: OrderJournal, clock, order_id: int = 7) -> str:
    entry = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_accepted(entry.id, order_id=order_id, order_status="NEW", order_time_ms=clock.now)
    return entry.id


def details(journal: OrderJournal, entry_id: str) -> list[str]:
    return [event.detail for event in journal.events(entry_id)]


def test_a_status_learned_again_unchanged_writes_nothing(journal, clock) -> None:
    entry_id = accepted(journal, clock)
    clock.now += 1_000
    first = journal.note_order_status(SYMBOL, 7, "PARTIALLY_FILLED", executed_qty=D("0.4"))
    clock.now += 1_000
    again = journal.note_order_status(SYMBOL, 7, "PARTIALLY_FILLED", executed_qty=D("0.4"))
    assert first is not None and again == first and again.status_ms == first.status_ms
    assert details(journal, entry_id).count("order 7 is PARTIALLY_FILLED, 0.4 executed") == 1


def test_more_executed_at_the_same_status_is_written(journal, clock) -> None:
    entry_id = accepted(journal, clock)
    journal.note_order_status(SYMBOL, 7, "PARTIALLY_FILLED", executed_qty=D("0.4"))
    clock.now += 1_000
    later = journal.note_order_status(SYMBOL, 7, "PARTIALLY_FILLED", executed_qty=D("0.7"))
    assert later is not None and later.executed_qty == D("0.7") and later.status_ms == clock.now
    assert details(journal, entry_id)[-1] == "order 7 is PARTIALLY_FILLED, 0.7 executed"


def test_a_status_without_a_quantity_keeps_the_quantity_already_known(journal, clock) -> None:
    entry_id = accepted(journal, clock)
    journal.note_order_status(SYMBOL, 7, "PARTIALLY_FILLED", executed_qty=D("0.5"))
    cancelled = journal.note_order_status(SYMBOL, 7, "CANCELED")
    assert cancelled is not None and (cancelled.order_status, cancelled.executed_qty) == ("CANCELED", D("0.5"))
    assert journal.get(entry_id).executed_qty == D("0.5")
    assert details(journal, entry_id)[-1] == "order 7 is CANCELED, 0.5 executed"


def test_a_status_with_no_quantity_ever_known_says_only_the_status(journal, clock) -> None:
    entry_id = accepted(journal, clock)
    noted = journal.note_order_status(SYMBOL, 7, "CANCELED")
    assert noted is not None and noted.executed_qty is None
    assert details(journal, entry_id)[-1] == "order 7 is CANCELED"


def test_a_found_order_whose_id_an_older_row_held_names_it_in_the_older_rows_story(journal, clock) -> None:
    older = accepted(journal, clock, order_id=12)
    clock.now += 60_000
    lost = journal.record_order_intent(SYMBOL, "SELL", D("101"), D("2"), "GTC", created_ms=clock.now)
    journal.mark_unknown(lost.id, "timeout")

    found = journal.mark_resolved(
        lost.id, order_id=12, order_status="NEW", message="found", order_time_ms=clock.now, reused_by=older
    )

    assert found.state == RESOLVED and journal.get(older).id_reused_ms == clock.now
    assert details(journal, older)[-1] == (
        "the exchange gave order id 12 to a later order (it was restarted or "
        "reuses ids): this row's order is the earlier one"
    )


def test_a_resolved_cancel_writes_the_status_to_its_orders_row_only(journal, clock) -> None:
    order_row = accepted(journal, clock)
    cancel = journal.record_cancel_intent(SYMBOL, 7, created_ms=clock.now)
    journal.mark_unknown(cancel.id, "timeout")
    clock.now += 2_000

    resolved = journal.mark_resolved(cancel.id, order_id=None, order_status="CANCELED", message="took effect")

    assert (resolved.state, resolved.order_id, resolved.order_status) == (RESOLVED, 7, "CANCELED")
    assert (resolved.order_time_ms, resolved.status_ms) == (None, None)  # the cancel is not an order
    order = journal.get(order_row)
    assert (order.order_status, order.status_ms) == ("CANCELED", clock.now)
    assert details(journal, order_row)[-1] == "order 7 is CANCELED"


def test_a_cancel_whose_order_is_gone_leaves_the_orders_row_as_it_was(journal, clock) -> None:
    order_row = accepted(journal, clock)
    cancel = journal.record_cancel_intent(SYMBOL, 7, created_ms=clock.now)
    journal.mark_unknown(cancel.id, "timeout")
    before = journal.get(order_row)

    journal.mark_resolved(cancel.id, order_id=None, order_status=None, message="the order no longer exists")

    assert journal.get(order_row) == before


def test_a_found_order_records_when_its_state_was_learned(journal, clock) -> None:
    lost = journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC", created_ms=clock.now)
    journal.mark_unknown(lost.id, "timeout")
    clock.now += 3_000
    found = journal.mark_resolved(
        lost.id, order_id=30, order_status="FILLED", message="found", order_time_ms=clock.now - 2_500
    )
    assert (found.order_status, found.order_time_ms, found.status_ms) == ("FILLED", clock.now - 2_500, clock.now)
