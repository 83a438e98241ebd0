"""The write-ahead journal on disk: intents, answers, claims, scopes, durability settings."""

from __future__ import annotations

import os
import sqlite3
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.trading.journal import (
    ACCEPTED,
    KIND_CANCEL,
    KIND_TEST_ORDER,
    NOT_PLACED,
    PENDING,
    REJECTED,
    RESOLVED,
    UNKNOWN,
    JournalError,
    OrderAlreadyClaimed,
    OrderJournal,
    account_identity,
)
from jextui.trading.journal_read import read_entries

D = Decimal


def test_an_intent_is_on_disk_as_soon_as_it_is_recorded(journal: OrderJournal, journal_path: Path) -> None:
    entry = journal.record_order_intent("BTCUSDT", "BUY", D("100.5"), D("0.25"), "GTC", created_ms=1234)
    seen_elsewhere = read_entries(journal_path)  # another connection sees only committed rows
    assert [(e.id, e.state, e.price, e.quantity, e.created_ms) for e in seen_elsewhere] == [
        (entry.id, PENDING, D("100.5"), D("0.25"), 1234)
    ]


def test_wal_mode_full_sync_and_a_private_file(journal: OrderJournal, journal_path: Path) -> None:
    journal.record_order_intent("BTCUSDT", "BUY", D("1"), D("1"), "GTC")
    db = sqlite3.connect(journal_path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()
    assert journal._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert stat.S_IMODE(os.stat(journal_path).st_mode) == 0o600


def test_the_account_is_a_hash_never_the_key(journal_path: Path) -> None:
    key = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    identity = account_identity(key)
    assert identity.startswith("key:") and len(identity) == 16 and key not in identity
    assert account_identity(None) == "public"
    with OrderJournal(journal_path, base_url="https://api.jex.com/", account=identity) as journal:
        journal.record_order_intent("BTCUSDT", "BUY", D("1"), D("1"), "GTC")
    raw = b"".join(path.read_bytes() for path in journal_path.parent.glob("journal.sqlite*"))
    assert key.encode() not in raw
    assert read_entries(journal_path)[0].base_url == "https://api.jex.com"


def test_answers_move_the_intent_along_and_keep_its_story(journal: OrderJournal) -> None:
    placed = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC")
    journal.mark_accepted(placed.id, order_id=77, order_status="NEW")
    refused = journal.record_order_intent("BTCUSDT", "SELL", D("100"), D("1"), "GTC")
    journal.mark_rejected(refused.id, code=-2010, message="Not enough free balance")
    lost = journal.record_order_intent("BTCUSDT", "BUY", D("99"), D("1"), "IOC")
    journal.mark_unknown(lost.id, "timeout: no answer in time")
    journal.note_attempt(lost.id, "not visible yet")
    journal.mark_resolved(lost.id, order_id=78, order_status="FILLED", message="found")

    got = {e.id: e for e in journal.entries()}
    assert (got[placed.id].state, got[placed.id].order_id, got[placed.id].order_status) == (ACCEPTED, 77, "NEW")
    assert (got[refused.id].state, got[refused.id].error_code) == (REJECTED, -2010)
    assert (got[lost.id].state, got[lost.id].order_id, got[lost.id].attempts) == (RESOLVED, 78, 2)
    assert [(e.state, e.detail) for e in journal.events(lost.id)] == [
        (PENDING, "intent written"),
        (UNKNOWN, "timeout: no answer in time"),
        (UNKNOWN, "not visible yet"),
        (RESOLVED, "found"),
    ]


def test_illegal_state_changes_are_refused(journal: OrderJournal) -> None:
    entry = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC")
    journal.mark_rejected(entry.id, code=-1013, message="no")
    with pytest.raises(JournalError):
        journal.mark_accepted(entry.id, order_id=5, order_status="NEW")
    with pytest.raises(JournalError):
        journal.mark_unknown(entry.id, "late")
    with pytest.raises(JournalError):
        journal.get("no-such-id")


def test_an_exchange_order_is_claimed_once(journal: OrderJournal) -> None:
    first = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC")
    second = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC")
    journal.mark_unknown(first.id, "dropped")
    journal.mark_unknown(second.id, "dropped")
    journal.mark_resolved(first.id, order_id=9, order_status="NEW", message="found")
    with pytest.raises(OrderAlreadyClaimed):
        journal.mark_resolved(second.id, order_id=9, order_status="NEW", message="found")
    assert journal.get(second.id).state == UNKNOWN
    assert journal.claimed_order_ids("BTCUSDT") == {9}


def test_a_wrong_claim_gives_way_to_the_real_answer(journal: OrderJournal) -> None:
    lost = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC")
    journal.mark_unknown(lost.id, "dropped")
    journal.mark_resolved(lost.id, order_id=9, order_status="NEW", message="found")
    answered = journal.record_order_intent("BTCUSDT", "BUY", D("100"), D("1"), "GTC")
    journal.mark_accepted(answered.id, order_id=9, order_status="NEW")
    assert journal.get(answered.id).order_id == 9
    reopened = journal.get(lost.id)
    assert (reopened.state, reopened.order_id) == (UNKNOWN, None)
    assert [e.id for e in journal.needing_reconciliation()] == [lost.id]


def test_dry_runs_and_cancels_are_marked(journal: OrderJournal) -> None:
    test = journal.record_order_intent("BTCUSDT", "SELL", D("100"), D("1"), "GTC", dry_run=True)
    journal.mark_accepted(test.id)
    cancel = journal.record_cancel_intent("BTCUSDT", 55)
    journal.mark_accepted(cancel.id, order_status="CANCELED")
    test_entry, cancel_entry = journal.get(test.id), journal.get(cancel.id)
    assert test_entry.kind == KIND_TEST_ORDER and test_entry.is_dry_run
    assert "dry run" in test_entry.message and "nothing was placed" in test_entry.message
    assert test_entry.describe() == "test SELL 1 BTCUSDT @ 100"
    assert (cancel_entry.kind, cancel_entry.order_id, cancel_entry.order_status) == (KIND_CANCEL, 55, "CANCELED")
    assert cancel_entry.describe() == "cancel order 55 on BTCUSDT"
    assert journal.claimed_order_ids("BTCUSDT") == set()  # a cancel claims nothing


def test_open_questions_are_this_scopes_unknowns_and_earlier_runs_pendings(journal_path: Path, clock) -> None:
    earlier = OrderJournal(journal_path, base_url="http://x", account="key:a", now_ms=clock.now_ms)
    crashed = earlier.record_order_intent("BTCUSDT", "BUY", D("1"), D("1"), "GTC")
    other_account = OrderJournal(journal_path, base_url="http://x", account="key:b")
    other_account.record_order_intent("BTCUSDT", "BUY", D("1"), D("1"), "GTC")
    earlier.close()
    other_account.close()

    now = OrderJournal(journal_path, base_url="http://x", account="key:a", now_ms=clock.now_ms)
    in_flight = now.record_order_intent("BTCUSDT", "BUY", D("2"), D("1"), "GTC")
    lost = now.record_order_intent("BTCUSDT", "BUY", D("3"), D("1"), "GTC")
    now.mark_unknown(lost.id, "timeout")
    settled = now.record_order_intent("BTCUSDT", "BUY", D("4"), D("1"), "GTC")
    now.mark_unknown(settled.id, "timeout")
    now.mark_not_placed(settled.id, "nothing found")
    try:
        assert [e.id for e in now.needing_reconciliation()] == [crashed.id, lost.id]
        assert in_flight.id not in {e.id for e in now.needing_reconciliation()}
        assert len(now.entries()) == 4 and len(now.entries(all_scopes=True)) == 5
        assert now.get(settled.id).state == NOT_PLACED
    finally:
        now.close()


def test_entries_are_newest_first_and_limited(journal: OrderJournal, clock) -> None:
    for step in range(5):
        clock.now += 1000
        journal.record_order_intent("BTCUSDT", "BUY", D(step + 1), D("1"), "GTC", created_ms=clock.now)
    assert [e.price for e in journal.entries(limit=3)] == [D(5), D(4), D(3)]
    assert [e.price for e in read_entries(journal.path, limit=2)] == [D(5), D(4)]


def test_a_file_that_is_not_a_journal_is_refused_in_words(tmp_path: Path) -> None:
    bogus = tmp_path / "journal.sqlite"
    bogus.write_text("this is not a database, just text" * 100)
    with pytest.raises(JournalError, match="cannot open the order journal"):
        OrderJournal(bogus)
    with pytest.raises(JournalError, match="cannot read the order journal"):
        read_entries(bogus)
    with pytest.raises(FileNotFoundError):
        read_entries(tmp_path / "missing.sqlite")
