"""``jextui journal``: the table, the CSV export, and clear words when something is off."""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal
from pathlib import Path

import pytest

from jextui.cli import main as jextui_main
from jextui.trading.journal import OrderJournal, account_identity
from jextui.trading.journal_cli import main

D = Decimal
SECRET_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
T0 = 1_700_000_000_000  # 2023-11-14 22:13:20 UTC


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def filled_journal(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite"
    with OrderJournal(path, base_url="http://127.0.0.1:8000", account=account_identity(SECRET_KEY)) as journal:
        placed = journal.record_order_intent("BTCUSDT", "BUY", D("100.05"), D("1.5"), "GTC", created_ms=T0)
        journal.mark_accepted(placed.id, order_id=17, order_status="NEW")
        refused = journal.record_order_intent("ETHUSDT", "SELL", D("2000"), D("3"), "IOC", created_ms=T0 + 1000)
        journal.mark_rejected(refused.id, code=-2010, message="=Not enough free balance")
        test = journal.record_order_intent(
            "BTCUSDT", "SELL", D("101"), D("0.1"), "GTC", dry_run=True, created_ms=T0 + 2000
        )
        journal.mark_accepted(test.id)
        cancel = journal.record_cancel_intent("BTCUSDT", 17, created_ms=T0 + 3000)
        journal.mark_unknown(cancel.id, "timeout: no answer in time")
    return path


def test_the_table_lists_newest_first(filled_journal: Path, capsys) -> None:
    assert main(["--journal", str(filled_journal)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["time", "symbol", "side", "price", "quantity", "state", "order", "id", "message"]
    assert lines[1].split()[:6] == ["2023-11-14", "22:13:23", "BTCUSDT", "CANCEL", "UNKNOWN", "17"]
    assert lines[1].endswith("timeout: no answer in time")
    assert lines[2].split()[:8] == ["2023-11-14", "22:13:22", "BTCUSDT", "TEST", "SELL", "101", "0.1", "ACCEPTED"]
    assert "dry run passed" in lines[2]
    assert lines[3].split()[:7] == ["2023-11-14", "22:13:21", "ETHUSDT", "SELL", "2000", "3", "REJECTED"]
    assert lines[4].split()[:9] == [
        "2023-11-14",
        "22:13:20",
        "BTCUSDT",
        "BUY",
        "100.05",
        "1.5",
        "ACCEPTED",
        "NEW",
        "17",
    ]
    assert len(lines) == 5


def test_limit_and_the_cli_dispatcher(filled_journal: Path, capsys) -> None:
    assert jextui_main(["journal", "--journal", str(filled_journal), "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and "CANCEL" in lines[1] and "TEST SELL" in lines[2]


def test_csv_export_has_every_field_and_no_secret(filled_journal: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.csv"
    assert main(["--journal", str(filled_journal), "--csv", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"Wrote 4 journal entries to {target}."
    text = target.read_text(encoding="utf-8")
    assert SECRET_KEY not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["kind"] for r in rows] == ["CANCEL", "TEST_ORDER", "ORDER", "ORDER"]
    placed = rows[3]
    assert (placed["created"], placed["symbol"], placed["side"], placed["price"], placed["quantity"]) == (
        "2023-11-14 22:13:20",
        "BTCUSDT",
        "BUY",
        "100.05",
        "1.5",
    )
    assert (placed["state"], placed["order_id"], placed["order_status"], placed["time_in_force"]) == (
        "ACCEPTED",
        "17",
        "NEW",
        "GTC",
    )
    assert placed["exchange"] == "http://127.0.0.1:8000" and placed["account"] == account_identity(SECRET_KEY)
    assert rows[2]["error_code"] == "-2010"
    assert rows[2]["message"] == "'=Not enough free balance"  # never runs as a spreadsheet formula


def test_csv_to_standard_output(filled_journal: Path, capsys) -> None:
    assert main(["--journal", str(filled_journal), "--csv", "-", "--limit", "1"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:3] == ["id", "created", "created_ms"] and len(rows) == 2


def test_the_default_journal_lives_in_the_data_dir(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("JEXTUI_DATA_DIR", str(tmp_path / "data"))
    assert main([]) == 0
    out = capsys.readouterr().out
    expected = tmp_path / "data" / "journal.sqlite"
    assert out.strip() == f"No order journal yet at {expected} (it is created when the first order is sent)."
    assert not (tmp_path / "data").exists()


def test_an_empty_journal_and_a_broken_one(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.sqlite"
    OrderJournal(empty).close()
    assert main(["--journal", str(empty)]) == 0
    assert capsys.readouterr().out.strip() == f"The order journal at {empty} is empty."
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"garbage" * 1000)
    assert main(["--journal", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"jextui journal: cannot read the order journal {broken}") and "Traceback" not in err


def test_bad_arguments_and_unwritable_csv(filled_journal: Path, tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--limit", "-3"])
    assert exit_info.value.code == 2
    assert "must be 0 or more" in capsys.readouterr().err
    assert main(["--journal", str(filled_journal), "--csv", str(tmp_path / "no" / "such" / "dir.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err
