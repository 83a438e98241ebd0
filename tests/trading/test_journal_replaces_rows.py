"""The replaces table row by row: what a record reads back, the words it is described in,
how linking the new order and changing the state write it (an in-memory SQLite database)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from jextui.trading import journal_replaces as rows
from jextui.trading.journal_replaces import ReplaceRecord, ReplaceState

D = Decimal
SCOPE = ("https://api.example", "key:abc", "session-1")


@pytest.fixture
def db() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.executescript(rows.SCHEMA)
    return connection


def new_replace(db: sqlite3.Connection, replace_id: str = "r1") -> ReplaceRecord:
    rows.insert(
        db,
        replace_id,
        SCOPE,
        "BTCUSDT",
        "BUY",
        42,
        D("101.5"),
        D("0.25"),
        created_ms=1_000,
        now=1_000,
        message="cancelling order 42 first",
    )
    return rows.fetch(db, replace_id)


def test_a_record_reads_back_every_field_as_written(db: sqlite3.Connection) -> None:
    record = new_replace(db)
    assert (record.id, record.base_url, record.account, record.session) == ("r1", *SCOPE)
    assert (record.symbol, record.side, record.old_order_id) == ("BTCUSDT", "BUY", 42)
    assert (record.price, record.quantity) == (D("101.5"), D("0.25"))
    assert (record.created_ms, record.updated_ms, record.state) == (1_000, 1_000, ReplaceState.CANCEL_SENT)
    assert (record.message, record.cancel_entry_id, record.order_entry_id) == ("cancelling order 42 first", None, None)
    assert (record.new_order_id, record.attempts) == (None, 0)
    assert rows.in_scope(db, SCOPE[0], SCOPE[1]) == [record]
    assert rows.in_scope(db, SCOPE[0], "key:other") == []


def test_a_missing_message_reads_back_empty_and_an_unreadable_amount_as_unknown(db: sqlite3.Connection) -> None:
    new_replace(db)
    db.execute("UPDATE replaces SET message = '', price = 'not a number', quantity = 'unknown' WHERE id = 'r1'")
    record = rows.fetch(db, "r1")
    assert (record.message, record.price, record.quantity) == ("", None, None)
    assert record.describe() == "replace of order 42 on BTCUSDT by BUY ? @ ?"


def test_a_record_is_described_in_the_trader_s_words(db: sqlite3.Connection) -> None:
    assert new_replace(db).describe() == "replace of order 42 on BTCUSDT by BUY 0.25 @ 101.5"
    db.execute("UPDATE replaces SET price = '64000.50', quantity = '1250.000' WHERE id = 'r1'")
    grouped = rows.fetch(db, "r1").describe()  # as in the panes: thousands grouped, never rounded
    assert grouped == "replace of order 42 on BTCUSDT by BUY 1,250 @ 64,000.5"


def test_linking_the_new_order_says_it_was_sent(db: sqlite3.Connection) -> None:
    new_replace(db)
    rows.link(db, "r1", "CANCEL", "cancel-entry", 1_500)
    after_cancel = rows.fetch(db, "r1")
    assert (after_cancel.cancel_entry_id, after_cancel.updated_ms, after_cancel.state) == (
        "cancel-entry",
        1_500,
        ReplaceState.CANCEL_SENT,
    )
    rows.link(db, "r1", "ORDER", "order-entry", 2_000)
    placing = rows.fetch(db, "r1")
    assert (placing.order_entry_id, placing.state, placing.message, placing.updated_ms) == (
        "order-entry",
        ReplaceState.PLACING,
        "the new order was sent",
        2_000,
    )


def test_a_change_counts_an_attempt_only_when_asked(db: sqlite3.Connection) -> None:
    new_replace(db)
    rows.change(db, "r1", ReplaceState.CANCEL_UNKNOWN, "looking", 1_100)
    assert rows.fetch(db, "r1").attempts == 0
    rows.change(db, "r1", ReplaceState.CANCEL_UNKNOWN, "looking again", 1_200, attempt=True)
    again = rows.fetch(db, "r1")
    assert (again.attempts, again.message, again.updated_ms) == (1, "looking again", 1_200)
    rows.change(db, "r1", ReplaceState.PLACED, "placed", 1_300, new_order_id=43)
    done = rows.fetch(db, "r1")
    assert (done.state, done.new_order_id, done.attempts) == (ReplaceState.PLACED, 43, 1)


def test_a_file_without_the_table_has_no_replaces(db: sqlite3.Connection) -> None:
    empty = sqlite3.connect(":memory:")
    assert rows.read_replaces(empty) == []
    new_replace(db)
    assert [record.id for record in rows.read_replaces(db)] == ["r1"]
