"""A replace is journalled as one linked record, on a real sandbox, and settled after a restart.

Each test drives a replace the way the console does
(:func:`jextui.trading.replace_run.drive_replace`), then reads the journal
file: one ``replaces`` record naming the old order, the cancel's and the new
order's rows (both carry its ``replace_id``), the new order's id, and the
replace's state.  The restart tests stop a replace between its steps, open
the journal again as the next run would, and let the reconciler settle it.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jextui.api.client import JexClient
from jextui.api.models import Order
from jextui.trading.journal import (
    ACCEPTED,
    KIND_CANCEL,
    KIND_ORDER,
    RESOLVED,
    UNKNOWN,
    JournalError,
    OrderJournal,
    account_identity,
)
from jextui.trading.journal_cli import format_table, main, write_csv
from jextui.trading.journal_read import read_entries, read_replaces
from jextui.trading.journal_replaces import ReplaceState
from jextui.trading.reconcile import Reconciler
from jextui.trading.replace import ReplacePlan, ReplaceStep, start_replace
from jextui.trading.replace_run import drive_replace
from jextui.trading.submit import OrderSubmitter, OutcomeKind
from jextui.trading.ticket import OrderRequest, SymbolRules

D = Decimal
SYMBOL = "BTCUSDT"
ORDER_PATH = "/api/v1/spot/order"  # new order, cancel and the order look-up


def journal_for(path: Path, sandbox: Any) -> OrderJournal:
    return OrderJournal(path, base_url=sandbox.base_url, account=account_identity(sandbox.api_key))


async def resting_buy(client: JexClient, submitter: OrderSubmitter, qty: str = "0.01") -> Order:
    bid = (await client.book_ticker(SYMBOL)).bid_price
    outcome = await submitter.submit(OrderRequest(SYMBOL, "BUY", bid + D("0.01"), D(qty), "GTC"))  # the best bid
    assert outcome.kind == OutcomeKind.ACCEPTED and outcome.order_id is not None
    return await client.get_order(SYMBOL, outcome.order_id)


def told() -> tuple[list[str], Any]:
    said: list[str] = []
    return said, lambda text, level: said.append(text)


async def yes(question: str) -> bool:
    return True


async def drive(plan: ReplacePlan, submitter: OrderSubmitter, client: JexClient, **options: Any) -> ReplacePlan:
    _, tell = told()
    return await drive_replace(plan, submitter, client, tell=tell, ask_remainder=yes, pause_s=0, **options)


async def new_orders_at(client: JexClient, price: Decimal) -> list[Order]:
    return [o for o in await client.open_orders(SYMBOL) if o.price == price]


async def wait_for(condition: Any, what: str, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.02)
    assert await condition(), what


async def test_a_replace_journals_one_linked_record_with_both_order_ids(sandbox, sandbox_client, tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    with journal_for(path, sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter)
        done = await drive(start_replace(old, old.price + D("0.01"), old.orig_qty), submitter, sandbox_client)
        assert done.placed is True and done.outcome is not None and done.outcome.order_id is not None
        new_id = done.outcome.order_id
        record = journal.get_replace(done.replace_id)
        assert (record.state, record.old_order_id, record.new_order_id) == ("PLACED", int(old.order_id), new_id)
        assert (record.symbol, record.side, record.price, record.quantity) == (
            SYMBOL,
            "BUY",
            old.price + D("0.01"),
            old.orig_qty,
        )
        assert record.cancel_entry_id is not None and record.order_entry_id is not None
        cancel, placed = journal.get(record.cancel_entry_id), journal.get(record.order_entry_id)
        assert (cancel.kind, cancel.state, cancel.order_id, cancel.replace_id) == (
            KIND_CANCEL,
            ACCEPTED,
            int(old.order_id),
            done.replace_id,
        )
        assert (placed.kind, placed.state, placed.order_id, placed.replace_id) == (
            KIND_ORDER,
            ACCEPTED,
            new_id,
            done.replace_id,
        )
        assert record.is_final and "replaced" in record.message
    assert [o.order_id for o in await sandbox_client.open_orders(SYMBOL)] == [new_id]

    # `jextui journal`: the replace is one row naming both orders, in place of its cancel and new order
    entries, replaces = read_entries(path), read_replaces(path)
    table = format_table(entries, replaces).splitlines()
    assert len(table) == 1 + 2  # header, the first order, the replace
    assert "REPLACE BUY" in table[1] and f"{int(old.order_id)}→{new_id}" in table[1] and "PLACED" in table[1]
    assert not any(re.search(r"\bCANCEL\b", line) for line in table)  # no cancel row of its own
    assert "ACCEPTED CANCELED" in table[2]  # the first order, cancelled by the replace
    out = io.StringIO()
    write_csv(entries, out, replaces)
    rows = [row for row in csv.DictReader(io.StringIO(out.getvalue())) if row["replace_id"] == done.replace_id]
    assert sorted(row["kind"] for row in rows) == ["CANCEL", "ORDER", "REPLACE"]
    (own,) = [row for row in rows if row["kind"] == "REPLACE"]
    assert (own["id"], own["state"], own["order_id"], own["new_order_id"]) == (
        done.replace_id,
        "PLACED",
        str(int(old.order_id)),
        str(new_id),
    )


async def test_the_journal_command_prints_the_linked_replace(sandbox, sandbox_client, tmp_path, capsys) -> None:
    path = tmp_path / "journal.sqlite"
    with journal_for(path, sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter)
        done = await drive(start_replace(old, old.price - D("0.01"), old.orig_qty), submitter, sandbox_client)
    assert done.outcome is not None
    assert main(["--journal", str(path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    replace_rows = [line for line in printed if "REPLACE" in line]
    assert len(replace_rows) == 1 and f"{int(old.order_id)}→{done.outcome.order_id}" in replace_rows[0]
    assert len(printed) == 3


async def test_a_cancel_that_loses_to_a_fill_journals_filled_instead(sandbox, sandbox_client, tmp_path) -> None:
    with journal_for(tmp_path / "journal.sqlite", sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter)
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        sandbox.exchange.engine.place_order("sim-taker", SYMBOL, "SELL", old.price, old.orig_qty, "IOC")
        done = await drive(plan, submitter, sandbox_client)
        record = journal.get_replace(plan.replace_id)
        linked = [e for e in journal.entries() if e.replace_id == plan.replace_id]
    assert done.placed is False and record.state == ReplaceState.FILLED_INSTEAD and record.is_final
    assert "filled completely before the cancel; nothing new was placed" in record.message
    assert record.order_entry_id is None and record.new_order_id is None
    assert [e.kind for e in linked] == [KIND_CANCEL]  # nothing was placed for it
    assert await new_orders_at(sandbox_client, plan.new_price) == []


async def test_a_partial_fill_journals_the_remainder_placed(sandbox, sandbox_client, tmp_path) -> None:
    with journal_for(tmp_path / "journal.sqlite", sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter, qty="0.02")
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        sandbox.exchange.engine.place_order("sim-taker", SYMBOL, "SELL", old.price, D("0.005"), "IOC")
        done = await drive(plan, submitter, sandbox_client)
        record = journal.get_replace(plan.replace_id)
        assert record.order_entry_id is not None
        placed = journal.get(record.order_entry_id)
    assert done.placed is True and record.state == ReplaceState.PLACED
    assert placed.quantity == D("0.015") and placed.order_id == record.new_order_id


async def test_the_words_of_a_partial_fill_and_the_new_order_carry_the_symbols_digits(
    sandbox, sandbox_client, tmp_path
) -> None:
    info = next(s for s in (await sandbox_client.exchange_info()).spot_symbols if s.symbol == SYMBOL)
    rules = SymbolRules.from_symbol_info(info)
    assert (rules.price_places, rules.quantity_places) == (2, 6)
    asked: list[str] = []

    async def answer_yes(question: str) -> bool:
        asked.append(question)
        return True

    with journal_for(tmp_path / "journal.sqlite", sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter, qty="0.02")
        new_price = old.price + D("0.01")
        plan = start_replace(old, new_price, old.orig_qty, rules=rules)
        sandbox.exchange.engine.place_order("sim-taker", SYMBOL, "SELL", old.price, D("0.005"), "IOC")
        _, tell = told()
        done = await drive_replace(plan, submitter, sandbox_client, tell=tell, ask_remainder=answer_yes, pause_s=0)
    price = f"{new_price:,.2f}"  # BTCUSDT trades above 1,000: grouped, two decimals
    assert asked == [
        f"0.005000 BTC more of order {old.order_id} filled before the cancel. "
        f"Place the remainder 0.015000 BTC at {price} USDT?"
    ]
    assert done.placed is True and done.outcome is not None
    new_id = done.outcome.order_id
    assert (
        done.message == f"Order {old.order_id} replaced: BUY 0.015000 BTCUSDT @ {price}: placed, order {new_id}, NEW."
    )


async def test_an_unknown_cancel_places_nothing_and_the_journal_says_so(sandbox, sandbox_client, tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    client = sandbox_client
    with journal_for(path, sandbox) as journal:
        submitter = OrderSubmitter(client, journal)
        old = await resting_buy(client, submitter)
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        # the cancel is carried out, but every answer on the order path is lost (the look-ups' too)
        sandbox.set_faults(error_5xx_rate=1.0, phase="after", paths=(ORDER_PATH,))
        stopped = await drive(plan, submitter, client, tries=2)
        sandbox.set_faults(error_5xx_rate=0.0, paths=())
        record = journal.get_replace(plan.replace_id)
        linked = [e for e in journal.entries() if e.replace_id == plan.replace_id]
    assert stopped.step == ReplaceStep.LOOK_UP and stopped.placed is False and stopped.outcome is None
    assert record.state == ReplaceState.CANCEL_UNKNOWN and not record.is_final
    assert record.attempts == 2 and "Gave up after 2 looks" in record.message
    assert "nothing new is placed until it is" in record.message
    assert [(e.kind, e.state) for e in linked] == [(KIND_CANCEL, UNKNOWN)]
    assert await new_orders_at(client, plan.new_price) == []

    # the next start: the cancel is found to have taken effect; the new order is not sent now
    with journal_for(path, sandbox) as journal:
        reports = await Reconciler(client, journal).reconcile_pending()
        record = journal.get_replace(plan.replace_id)
        cancel = journal.get(linked[0].id)
    assert record.state == ReplaceState.CANCELLED_ONLY and record.is_final
    assert "it is not sent now" in record.message
    assert (cancel.state, cancel.order_status) == (RESOLVED, "CANCELED")
    assert len(reports) == 1 and reports[0].settled
    assert reports[0].message.startswith(f"Replace of order {int(old.order_id)} on {SYMBOL} (CANCELLED_ONLY): ")
    assert await new_orders_at(client, plan.new_price) == []


async def test_a_replace_stopped_while_its_new_order_was_in_flight_is_settled_at_the_next_start(
    sandbox, sandbox_client, tmp_path
) -> None:
    path = tmp_path / "journal.sqlite"
    client = sandbox_client
    with journal_for(path, sandbox) as journal:
        submitter = OrderSubmitter(client, journal)
        old = await resting_buy(client, submitter)
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        # the first steps, as drive_replace takes them
        journal.record_replace(plan.replace_id, SYMBOL, "BUY", plan.order_id, plan.new_price, plan.new_quantity)
        plan = plan.cancel_answered(await submitter.cancel(SYMBOL, plan.order_id, replace_id=plan.replace_id))
        journal.note_replace(plan.replace_id, plan.state, plan.message)
        assert plan.step == ReplaceStep.PLACE and plan.request is not None
        # the new order reaches the engine, its answer is slow, and the console stops meanwhile
        sandbox.set_faults(latency_ms=2_000, phase="after", paths=(ORDER_PATH,), limit=1)
        sending = asyncio.create_task(submitter.submit(plan.request, replace_id=plan.replace_id))

        async def on_the_book() -> bool:  # the open-orders path has no fault
            return bool(await new_orders_at(client, plan.new_price))

        await wait_for(on_the_book, "the new order on the book")
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sending
        interrupted = journal.get_replace(plan.replace_id)
        assert interrupted.order_entry_id is not None
        assert (interrupted.state, journal.get(interrupted.order_entry_id).state) == ("PLACING", UNKNOWN)
    sandbox.set_faults(latency_ms=0, paths=(), limit=None)

    with journal_for(path, sandbox) as journal:
        reports = await Reconciler(client, journal).reconcile_pending()
        record = journal.get_replace(plan.replace_id)
    on_book = await new_orders_at(client, plan.new_price)
    assert len(on_book) == 1 and record.state == ReplaceState.PLACED
    assert record.new_order_id == int(on_book[0].order_id)
    assert len(reports) == 1 and reports[0].settled and reports[0].placed is True
    assert reports[0].message.startswith(
        f"Replace of order {int(old.order_id)} on {SYMBOL} (PLACED): the new order "
        f"is on the exchange (order {record.new_order_id})."
    )


async def test_a_replace_the_console_left_after_its_cancel_places_nothing_at_the_next_start(
    sandbox, sandbox_client, tmp_path
) -> None:
    path = tmp_path / "journal.sqlite"
    with journal_for(path, sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter)
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        journal.record_replace(plan.replace_id, SYMBOL, "BUY", plan.order_id, plan.new_price, plan.new_quantity)
        plan = plan.cancel_answered(await submitter.cancel(SYMBOL, plan.order_id, replace_id=plan.replace_id))
        journal.note_replace(plan.replace_id, plan.state, plan.message)  # CANCELLED: the new order is next
    with journal_for(path, sandbox) as journal:
        reports = await Reconciler(sandbox_client, journal).reconcile_pending()
        record = journal.get_replace(plan.replace_id)
    assert record.state == ReplaceState.CANCELLED_ONLY and record.order_entry_id is None
    assert f"order {int(old.order_id)} was cancelled (CANCELED)" in record.message
    assert len(reports) == 1 and reports[0].settled and reports[0].entry.kind == KIND_CANCEL
    assert await new_orders_at(sandbox_client, plan.new_price) == []


async def test_the_reconciler_of_the_same_run_leaves_its_own_replace_alone(sandbox, sandbox_client, tmp_path) -> None:
    with journal_for(tmp_path / "journal.sqlite", sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter)
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        journal.record_replace(plan.replace_id, SYMBOL, "BUY", plan.order_id, plan.new_price, plan.new_quantity)
        assert await Reconciler(sandbox_client, journal).reconcile_pending() == []
        assert journal.get_replace(plan.replace_id).state == ReplaceState.CANCEL_SENT  # still being driven


async def test_an_old_order_still_open_or_filled_settles_the_replace(sandbox, sandbox_client, tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    with journal_for(path, sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        still_open = await resting_buy(sandbox_client, submitter)
        filled = await resting_buy(sandbox_client, submitter)
        for old in (still_open, filled):  # each stopped before its cancel went out
            journal.record_replace(f"r{old.order_id}", SYMBOL, "BUY", int(old.order_id), old.price, old.orig_qty)
            journal.record_cancel_intent(SYMBOL, int(old.order_id), replace_id=f"r{old.order_id}")
    sandbox.exchange.engine.place_order("sim-taker", SYMBOL, "SELL", filled.price, D("1"), "IOC")
    with journal_for(path, sandbox) as journal:
        reports = await Reconciler(sandbox_client, journal).reconcile_pending()
        opened, done = journal.get_replace(f"r{still_open.order_id}"), journal.get_replace(f"r{filled.order_id}")
    assert opened.state == ReplaceState.NOT_CANCELLED and "is still open (NEW)" in opened.message
    assert done.state == ReplaceState.FILLED_INSTEAD and "filled before the cancel" in done.message
    assert len(reports) == 2 and all(r.message.startswith("Replace of order") for r in reports)


# --- the journal's rules for a replace ------------------------------------------------------


def test_a_final_replace_never_changes_and_takes_no_new_order(journal: OrderJournal) -> None:
    journal.record_replace("r1", SYMBOL, "SELL", 7, D("101.5"), D("0.25"), message="Cancelling order 7 first.")
    record = journal.get_replace("r1")
    assert (record.state, record.old_order_id, record.price, record.quantity, record.attempts) == (
        "CANCEL_SENT",
        7,
        D("101.5"),
        D("0.25"),
        0,
    )
    assert record.describe() == "replace of order 7 on BTCUSDT by SELL 0.25 @ 101.5"
    journal.note_replace("r1", ReplaceState.CANCEL_UNKNOWN, "looking", attempt=True)
    journal.note_replace("r1", ReplaceState.CANCEL_UNKNOWN, "looking again", attempt=True)
    assert journal.get_replace("r1").attempts == 2
    journal.note_replace("r1", ReplaceState.FILLED_INSTEAD, "filled")
    with pytest.raises(JournalError, match=r"is over \(FILLED_INSTEAD\); it cannot become PLACED"):
        journal.note_replace("r1", ReplaceState.PLACED, "x", new_order_id=9)
    with pytest.raises(JournalError, match="nothing more is sent for it"):
        journal.record_order_intent(SYMBOL, "SELL", D("101.5"), D("0.25"), "GTC", replace_id="r1")
    assert [e for e in journal.entries() if e.kind == KIND_ORDER] == []  # the refused intent left no row
    with pytest.raises(JournalError, match="no replace nope"):
        journal.note_replace("nope", ReplaceState.PLACED, "x")
    journal.record_replace("r2", SYMBOL, "SELL", 8, D("1"), D("1"))
    with pytest.raises(JournalError, match="not a state of a replace"):
        journal.note_replace("r2", "HALF_DONE", "x")
    with pytest.raises(JournalError, match="a TEST_ORDER intent cannot be a step of a replace"):
        journal.record_order_intent(SYMBOL, "SELL", D("1"), D("1"), "GTC", dry_run=True, replace_id="r2")
    order = journal.record_order_intent(SYMBOL, "SELL", D("1"), D("1"), "GTC", replace_id="r2")
    linked = journal.get_replace("r2")
    assert (linked.state, linked.order_entry_id, linked.cancel_entry_id) == ("PLACING", order.id, None)
    journal.note_replace("r2", ReplaceState.PLACED, "on the book", new_order_id=99)
    assert journal.get_replace("r2").new_order_id == 99
    assert [r.id for r in journal.replaces()] == ["r1", "r2"]


async def test_a_replace_is_not_started_when_the_journal_cannot_record_it(sandbox, sandbox_client, tmp_path) -> None:
    with journal_for(tmp_path / "journal.sqlite", sandbox) as journal:
        submitter = OrderSubmitter(sandbox_client, journal)
        old = await resting_buy(sandbox_client, submitter)
        plan = start_replace(old, old.price + D("0.01"), old.orig_qty)
        journal.record_replace(plan.replace_id, SYMBOL, "BUY", 1, D("1"), D("1"))  # the id is taken: the write fails
        said, tell = told()
        done = await drive_replace(plan, submitter, sandbox_client, tell=tell, ask_remainder=yes, pause_s=0)
        cancels = [e for e in journal.entries() if e.kind == KIND_CANCEL]
    assert done.done and done.placed is False and done.state == ReplaceState.NOT_SENT
    assert "was not replaced: the order journal could not be written" in done.message and said == []
    assert cancels == [] and [o.order_id for o in await sandbox_client.open_orders(SYMBOL)] == [old.order_id]


def test_the_table_shows_an_unfinished_replace_as_one_row_and_keeps_the_newest(journal: OrderJournal, clock) -> None:
    journal.record_order_intent(SYMBOL, "BUY", D("100"), D("1"), "GTC")
    clock.now += 1_000
    journal.record_replace("r1", SYMBOL, "BUY", 5, D("101"), D("1"))
    journal.record_cancel_intent(SYMBOL, 5, replace_id="r1")
    journal.record_order_intent(SYMBOL, "BUY", D("101"), D("1"), "GTC", replace_id="r1")
    journal.note_replace("r1", ReplaceState.PLACE_UNKNOWN, "the new order's answer was lost")
    table = format_table(journal.entries(), journal.replaces()).splitlines()
    assert len(table) == 3
    assert table[1].split()[2:9] == ["BTCUSDT", "REPLACE", "BUY", "101", "1", "PLACE_UNKNOWN", "5→?"]
    assert table[1].endswith("the new order's answer was lost") and "PENDING" in table[2]
    newest = format_table(journal.entries(), journal.replaces(), limit=1).splitlines()
    assert newest == table[:2]


# --- an old journal file ----------------------------------------------------------------------

_VERSION_2 = """
CREATE TABLE journal (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, base_url TEXT NOT NULL, account TEXT NOT NULL,
    session TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT, price TEXT, quantity TEXT, time_in_force TEXT,
    created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, state TEXT NOT NULL, order_id INTEGER,
    order_status TEXT, error_code INTEGER, message TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,
    order_time_ms INTEGER, id_reused_ms INTEGER, executed_qty TEXT, status_ms INTEGER
);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, entry_id TEXT NOT NULL REFERENCES journal (id),
    at_ms INTEGER NOT NULL, state TEXT NOT NULL, detail TEXT NOT NULL DEFAULT ''
);
INSERT INTO journal VALUES ('e1', 'ORDER', 'http://x', 'key:abc', 's0', 'BTCUSDT', 'BUY', '100', '0.5', 'GTC',
    1000, 1001, 'ACCEPTED', 41, 'NEW', NULL, 'accepted (NEW)', 0, 999, NULL, '0', 1001);
INSERT INTO events (entry_id, at_ms, state, detail) VALUES ('e1', 1000, 'PENDING', 'intent written');
PRAGMA user_version = 2;
"""


def test_a_journal_of_schema_2_is_read_and_brought_up_to_date_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(_VERSION_2)
    # read-only first (jextui journal on a file the new version never opened)
    assert read_replaces(path) == []
    (old,) = read_entries(path)
    assert (old.id, old.order_id, old.replace_id, old.quantity) == ("e1", 41, None, D("0.5"))
    with OrderJournal(path, base_url="http://x", account="key:abc") as journal:
        assert journal.get("e1") == old
        assert [e.state for e in journal.events("e1")] == ["PENDING"]
        journal.record_replace("r1", "BTCUSDT", "BUY", 41, D("101"), D("0.5"))
        cancel = journal.record_cancel_intent("BTCUSDT", 41, replace_id="r1")
        assert journal.get_replace("r1").cancel_entry_id == cancel.id and cancel.replace_id == "r1"
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (3,)
    assert [e.id for e in read_entries(path)] == [cancel.id, "e1"]
    assert [r.id for r in read_replaces(path, limit=5)] == ["r1"] and read_replaces(path, limit=0) == []
