"""The journal at its edges: what each answer keeps, attempts counted, illegal
changes refused with a JournalError, the folder kept private, and rows read back."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.trading.journal import (
    ACCEPTED,
    FAILED,
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


def order_intent(journal: OrderJournal, created_ms: int = 1_000, *, dry_run: bool = False) -> str:
    return journal.record_order_intent(
        "BTCUSDT", "BUY", D("100"), D("1.5"), "GTC", created_ms=created_ms, dry_run=dry_run
    ).id


def test_a_new_journal_folder_is_private(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "deeper" / "journal.sqlite"
    with OrderJournal(path) as journal:
        order_intent(journal)
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_account_identity_is_twelve_hex_digits_of_the_keys_sha256() -> None:
    assert account_identity("abc") == "key:" + hashlib.sha256(b"abc").hexdigest()[:12]
    assert account_identity("") == "public"


def test_a_file_that_is_not_a_journal_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    path.write_bytes(b"this is not a database, " * 100)
    with pytest.raises(JournalError, match=r"^cannot open the order journal .*journal\.sqlite: "):
        OrderJournal(path)
    with pytest.raises(JournalError, match=r"^cannot read the order journal .*journal\.sqlite: "):
        read_entries(path)
    with pytest.raises(FileNotFoundError):
        read_entries(tmp_path / "missing.sqlite")


def test_an_intent_keeps_what_was_asked(journal: OrderJournal, clock) -> None:
    entry = journal.get(order_intent(journal, created_ms=777))
    assert (entry.symbol, entry.side, entry.price, entry.quantity, entry.time_in_force) == (
        "BTCUSDT",
        "BUY",
        D("100"),
        D("1.5"),
        "GTC",
    )
    assert (entry.state, entry.created_ms, entry.updated_ms, entry.attempts) == (PENDING, 777, clock.now, 0)
    assert (entry.order_id, entry.order_status, entry.error_code, entry.message) == (None, None, None, "")
    assert entry.session == journal.session and entry.is_open_question and not entry.is_dry_run
    unstamped = journal.record_cancel_intent("BTCUSDT", 12)
    assert unstamped.created_ms == clock.now  # no time given: the journal's clock
    assert (unstamped.price, unstamped.quantity, unstamped.side, unstamped.time_in_force) == (None, None, None, None)


def test_descriptions_in_words(journal: OrderJournal) -> None:
    assert journal.get(order_intent(journal)).describe() == "BUY 1.5 BTCUSDT @ 100"
    assert journal.get(order_intent(journal, dry_run=True)).describe() == "test BUY 1.5 BTCUSDT @ 100"
    assert journal.record_cancel_intent("BTCUSDT", 12).describe() == "cancel order 12 on BTCUSDT"
    odd = journal.record_order_intent("BTCUSDT", "SELL", D("1E+2"), D("0.10"), "GTC")
    assert odd.describe() == "SELL 0.1 BTCUSDT @ 100"  # never in exponent form


def test_descriptions_show_amounts_as_the_panes_do(journal: OrderJournal) -> None:
    big = journal.record_order_intent("BTCUSDT", "BUY", D("64000"), D("1.5"), "GTC")
    assert big.describe() == "BUY 1.5 BTCUSDT @ 64,000"  # no precision given: exact, grouped
    assert big.describe((2, 6)) == "BUY 1.500000 BTCUSDT @ 64,000.00"  # at the symbol's grid
    fine = journal.record_order_intent("BTCUSDT", "SELL", D("64000.125"), D("1234.5"), "GTC", dry_run=True)
    assert fine.describe((2, 0)) == "test SELL 1,234.5 BTCUSDT @ 64,000.125"  # finer than the grid: never rounded


def test_the_words_each_answer_leaves(journal: OrderJournal) -> None:
    placed = journal.mark_accepted(order_intent(journal), order_id=5, order_status="NEW")
    assert (placed.state, placed.order_id, placed.message) == (ACCEPTED, 5, "accepted (NEW)")
    bare = journal.mark_accepted(order_intent(journal))
    assert (bare.order_id, bare.message) == (None, "accepted")
    dry = journal.mark_accepted(order_intent(journal, dry_run=True))
    assert dry.message == "dry run passed: the exchange would accept this order (nothing was placed)"
    cancel = journal.record_cancel_intent("BTCUSDT", 5)
    done = journal.mark_accepted(cancel.id, order_status="CANCELED")
    assert (done.state, done.order_id, done.message) == (ACCEPTED, 5, "cancelled (CANCELED)")
    plain = journal.mark_accepted(journal.record_cancel_intent("BTCUSDT", 6).id)
    assert plain.message == "cancelled"
    told = journal.mark_accepted(order_intent(journal), order_id=7, message="as the exchange said")
    assert told.message == "as the exchange said"


def test_a_cancel_keeps_the_order_id_it_refers_to_whatever_the_answer(journal: OrderJournal) -> None:
    accepted = journal.mark_accepted(journal.record_cancel_intent("BTCUSDT", 41).id, order_id=999)
    assert accepted.order_id == 41
    lost = journal.record_cancel_intent("BTCUSDT", 42)
    journal.mark_unknown(lost.id, "timeout")
    resolved = journal.mark_resolved(lost.id, order_id=None, order_status="CANCELED", message="read back")
    assert (resolved.state, resolved.order_id, resolved.order_status, resolved.attempts) == (
        RESOLVED,
        42,
        "CANCELED",
        1,
    )
    assert journal.claimed_order_ids("BTCUSDT") == set()  # a cancel never claims an order


def test_every_look_is_counted(journal: OrderJournal, clock) -> None:
    entry_id = order_intent(journal)
    journal.mark_unknown(entry_id, "timeout")
    clock.now += 10
    once = journal.note_attempt(entry_id, "not visible yet")
    twice = journal.note_attempt(entry_id, "still not visible")
    assert (once.attempts, twice.attempts, twice.state, twice.message) == (1, 2, UNKNOWN, "still not visible")
    assert twice.updated_ms == clock.now
    settled = journal.mark_not_placed(entry_id, "no matching order")
    assert (settled.state, settled.attempts) == (NOT_PLACED, 3)
    other = order_intent(journal)
    journal.mark_unknown(other, "timeout")
    journal.note_attempt(other, "not visible yet")
    assert journal.mark_resolved(other, order_id=9, order_status="NEW", message="found").attempts == 2


def test_a_rejection_keeps_its_code_and_a_dry_run_may_fail(journal: OrderJournal) -> None:
    refused = journal.mark_rejected(order_intent(journal), code=-2010, message="insufficient balance")
    assert (refused.state, refused.error_code, refused.message) == (REJECTED, -2010, "insufficient balance")
    assert not refused.is_open_question
    failed = journal.mark_failed(order_intent(journal, dry_run=True), "no answer")
    assert (failed.state, failed.message) == (FAILED, "no answer")


@pytest.mark.parametrize(
    ("make", "change", "words"),
    [
        ("test", lambda j, i: j.mark_unknown(i, "x"), "a TEST_ORDER intent cannot go from PENDING to UNKNOWN"),
        ("order", lambda j, i: j.mark_failed(i, "x"), "a ORDER intent cannot go from PENDING to FAILED"),
        ("cancel", lambda j, i: j.mark_not_placed(i, "x"), "a CANCEL intent cannot go from PENDING to NOT_PLACED"),
        (
            "accepted",
            lambda j, i: j.mark_rejected(i, code=1, message="x"),
            "a ORDER intent cannot go from ACCEPTED to REJECTED",
        ),
    ],
)
def test_a_change_a_kind_never_allows_is_a_journal_error(journal: OrderJournal, make, change, words) -> None:
    if make == "cancel":
        entry_id = journal.record_cancel_intent("BTCUSDT", 3).id
    else:
        entry_id = order_intent(journal, dry_run=make == "test")
        if make == "accepted":
            journal.mark_accepted(entry_id, order_id=3)
    before = journal.get(entry_id)
    with pytest.raises(JournalError) as refused:
        change(journal, entry_id)
    assert str(refused.value) == words
    assert journal.get(entry_id) == before  # nothing changed
    assert len(journal.events(entry_id)) == (2 if make == "accepted" else 1)


def test_an_unknown_entry_is_a_journal_error(journal: OrderJournal) -> None:
    with pytest.raises(JournalError, match=r"^no journal entry nope$"):
        journal.get("nope")
    with pytest.raises(JournalError, match=r"^no journal entry nope$"):
        journal.mark_unknown("nope", "timeout")


def test_an_accepted_answer_takes_back_a_wrong_claim(journal: OrderJournal, clock) -> None:
    guessed = order_intent(journal)
    journal.mark_unknown(guessed, "timeout")
    journal.mark_resolved(guessed, order_id=77, order_status="NEW", message="found")
    clock.now += 5
    real = journal.mark_accepted(order_intent(journal), order_id=77, order_status="NEW")
    assert real.order_id == 77
    withdrawn = journal.get(guessed)
    assert (withdrawn.state, withdrawn.order_id, withdrawn.order_status) == (UNKNOWN, None, None)
    assert withdrawn.message == "order 77 turned out to belong to another request; checking again"
    assert withdrawn.updated_ms == clock.now
    assert journal.events(guessed)[-1].detail == "claim on order 77 withdrawn"
    assert [e.state for e in journal.events(guessed)] == [PENDING, UNKNOWN, RESOLVED, UNKNOWN]


def test_a_second_claim_of_an_order_is_refused_and_changes_nothing(journal: OrderJournal) -> None:
    first, second = order_intent(journal), order_intent(journal)
    for entry_id in (first, second):
        journal.mark_unknown(entry_id, "timeout")
    journal.mark_resolved(first, order_id=90, order_status="NEW", message="found")
    with pytest.raises(OrderAlreadyClaimed, match=r"^order 90 already belongs to another journal entry$"):
        journal.mark_resolved(second, order_id=90, order_status="NEW", message="found")
    after = journal.get(second)
    assert (after.state, after.attempts, after.order_id) == (UNKNOWN, 0, None)
    assert journal.claimed_order_ids("BTCUSDT") == {90}


def test_entries_newest_first_and_limited(journal: OrderJournal) -> None:
    older, newer = order_intent(journal, created_ms=1), order_intent(journal, created_ms=2)
    same_time = order_intent(journal, created_ms=2)  # a tie: the later row first
    assert [e.id for e in journal.entries()] == [same_time, newer, older]
    assert [e.id for e in journal.entries(limit=2)] == [same_time, newer]
    assert journal.entries(limit=0) == [] and journal.entries(limit=-3) == []


def test_read_entries_limits_too(journal: OrderJournal, journal_path: Path) -> None:
    first, second = order_intent(journal, created_ms=1), order_intent(journal, created_ms=2)
    assert [e.id for e in read_entries(journal_path)] == [second, first]
    assert [e.id for e in read_entries(journal_path, limit=1)] == [second]
    assert read_entries(journal_path, limit=-1) == []


def test_questions_to_reconcile_oldest_first_without_dry_runs(journal: OrderJournal) -> None:
    late, early = order_intent(journal, created_ms=50), order_intent(journal, created_ms=10)
    for entry_id in (late, early):
        journal.mark_unknown(entry_id, "timeout")
    order_intent(journal, created_ms=5, dry_run=True)
    order_intent(journal, created_ms=1)  # pending in this very session: its answer may still come
    assert [e.id for e in journal.needing_reconciliation()] == [early, late]


def test_events_tell_the_story_in_order(journal: OrderJournal, clock) -> None:
    entry_id = order_intent(journal)
    clock.now += 3
    journal.mark_unknown(entry_id, "timeout")
    events = journal.events(entry_id)
    assert [(e.state, e.detail) for e in events] == [(PENDING, "intent written"), (UNKNOWN, "timeout")]
    assert events[1].at_ms == events[0].at_ms + 3 and all(e.entry_id == entry_id for e in events)
    dry = order_intent(journal, dry_run=True)
    assert journal.events(dry)[0].detail == "dry run: sent to order/test, never to the matching engine"


def test_an_unreadable_amount_in_the_file_reads_as_unknown(journal: OrderJournal, journal_path: Path) -> None:
    entry_id = order_intent(journal)
    db = sqlite3.connect(journal_path)
    try:
        db.execute("UPDATE journal SET price = 'garbage', quantity = NULL WHERE id = ?", (entry_id,))
        db.commit()
    finally:
        db.close()
    entry = journal.get(entry_id)
    assert (entry.price, entry.quantity) == (None, None)
    assert entry.describe() == "BUY ? BTCUSDT @ ?"


def test_the_repr_names_the_file_and_scope_only(journal: OrderJournal, journal_path: Path) -> None:
    assert repr(journal) == (
        f"OrderJournal({str(journal_path)!r}, base_url='http://127.0.0.1:9999', account={journal.account!r})"
    )


def test_without_a_clock_the_journal_stamps_wall_clock_milliseconds(tmp_path: Path) -> None:
    import time

    before = time.time_ns() // 1_000_000
    with OrderJournal(tmp_path / "journal.sqlite") as journal:
        entry = journal.get(order_intent(journal, created_ms=None))  # type: ignore[arg-type]
    after = time.time_ns() // 1_000_000
    assert before <= entry.created_ms <= after and entry.updated_ms == entry.created_ms


def test_a_cancel_intent_keeps_what_it_was_told_about_the_order(journal: OrderJournal) -> None:
    cancel = journal.record_cancel_intent("BTCUSDT", 12, side="SELL", price=D("101.5"), quantity=D("0.25"))
    assert (cancel.side, cancel.price, cancel.quantity, cancel.order_id) == ("SELL", D("101.5"), D("0.25"), 12)
    assert [(e.state, e.detail) for e in journal.events(cancel.id)] == [(PENDING, "intent written")]


def test_an_accepted_cancel_never_takes_the_order_from_its_own_intent(journal: OrderJournal) -> None:
    lost = order_intent(journal)
    journal.mark_unknown(lost, "timeout")
    journal.mark_resolved(lost, order_id=5, order_status="NEW", message="found")
    cancel = journal.record_cancel_intent("BTCUSDT", 5)
    journal.mark_accepted(cancel.id, order_id=5, order_status="CANCELED")
    kept = journal.get(lost)
    assert (kept.state, kept.order_id) == (RESOLVED, 5)


def test_a_missing_journal_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    with pytest.raises(FileNotFoundError) as absent:
        read_entries(missing)
    assert str(absent.value) == str(missing)


def _write_raw(journal_path: Path, sql: str, *params: object) -> None:
    db = sqlite3.connect(journal_path)
    try:
        db.execute(sql, params)
        db.commit()
    finally:
        db.close()


def test_an_amount_stored_as_bytes_reads_as_unknown(journal: OrderJournal, journal_path: Path) -> None:
    entry_id = order_intent(journal)
    _write_raw(journal_path, "UPDATE journal SET price = X'313030', quantity = X'32' WHERE id = ?", entry_id)
    entry = journal.get(entry_id)
    assert (entry.price, entry.quantity) == (None, None)  # only text is read as an amount


def test_a_kind_this_version_does_not_know_cannot_change_state(journal: OrderJournal, journal_path: Path) -> None:
    entry_id = order_intent(journal)
    _write_raw(journal_path, "UPDATE journal SET kind = 'AMEND' WHERE id = ?", entry_id)
    with pytest.raises(JournalError, match=r"^a AMEND intent cannot go from PENDING to UNKNOWN$"):
        journal.mark_unknown(entry_id, "timeout")
    assert journal.get(entry_id).state == PENDING


def test_the_journal_can_be_written_from_another_thread(journal: OrderJournal) -> None:
    import threading

    written: list[str] = []
    worker = threading.Thread(target=lambda: written.append(order_intent(journal)))
    worker.start()
    worker.join(timeout=30)
    assert len(written) == 1 and journal.get(written[0]).state == PENDING
