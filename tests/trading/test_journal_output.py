"""``jextui journal``'s output: a reader that stops early, and a private CSV export."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from jextui.trading.journal import OrderJournal
from jextui.trading.journal_cli import format_table
from jextui.trading.journal_cli import main as journal_main
from jextui.trading.journal_read import read_entries

ROOT = Path(__file__).resolve().parents[2]


def filled_journal(path: Path, rows: int) -> None:
    with OrderJournal(path, base_url="http://127.0.0.1:1") as journal:
        # Test data only: no fsync per write (the journal's own durability is tested in test_journal.py);
        # 2,400 synced commits took most of this module's time.
        journal._db.execute("PRAGMA synchronous=OFF")
        for index in range(rows):
            entry = journal.record_order_intent(
                "BTCUSDT", "BUY", Decimal(100 + index), Decimal("1"), "GTC", created_ms=1_700_000_000_000 + index
            )
            journal.mark_accepted(entry.id, order_id=index + 1, order_status="NEW")


def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    filled_journal(journal, 1_200)
    assert len(format_table(read_entries(journal))) > 65_536  # more than a pipe buffer (64 KiB) holds
    logs = tmp_path / "logs"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "JEXTUI_LOG_DIR": str(logs),
        "JEXTUI_DATA_DIR": str(tmp_path / "data"),
        "JEXTUI_CONFIG_DIR": str(tmp_path / "config"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jextui", "journal", "--limit", "0", "--journal", str(journal)],
        # From the project folder: a tool that swaps in changed copies of the code (mutation
        # testing) reads its settings there, in this child process too.
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.read(200)  # like `head -c 200`: read a little, then hang up
    process.stdout.close()
    error = process.stderr.read().decode()
    code = process.wait(timeout=60)

    assert first.startswith(b"time")
    assert code == 0
    assert error == ""  # no "unexpected error", no "Exception ignored ... BrokenPipeError"
    log_text = "".join(p.read_text(errors="replace") for p in logs.rglob("*") if p.is_file()) if logs.exists() else ""
    assert "Traceback" not in log_text and "unexpected error" not in log_text


def test_the_csv_export_is_private(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    filled_journal(journal, 2)
    target = tmp_path / "orders.csv"
    old_umask = os.umask(0o022)  # the usual umask would give 0644
    try:
        assert journal_main(["--journal", str(journal), "--csv", str(target)]) == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().count("\n") == 3


def test_an_existing_csv_file_is_made_private_when_overwritten(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite"
    filled_journal(journal, 1)
    target = tmp_path / "orders.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    assert journal_main(["--journal", str(journal), "--csv", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "old" not in target.read_text()
