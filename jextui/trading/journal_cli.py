"""``jextui journal``: list the local order journal, or export it as CSV.

    jextui journal                    # the 50 newest intents, newest first
    jextui journal --limit 0          # all of them
    jextui journal --csv orders.csv   # every intent as CSV (``-`` = standard output)
    jextui journal --journal PATH     # another journal file

The journal holds no secret (an account is a short hash of its API key), so
everything in it can be shown.  A CSV file is still written private (0600),
like the journal: it lists a trader's orders.  Output cut short by its reader
(``jextui journal | head``) ends the command quietly.
"""

from __future__ import annotations

import argparse
import csv
import os
import stat
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from jextui.trading.journal import KIND_CANCEL, KIND_TEST_ORDER, JournalEntry, JournalError, read_entries

__all__ = ["main", "build_parser", "default_journal_path", "format_table", "write_csv"]

DEFAULT_TABLE_LIMIT = 50
TABLE_COLUMNS = ("time", "symbol", "side", "price", "quantity", "state", "order id", "message")
CSV_COLUMNS = (
    "id", "created", "created_ms", "updated_ms", "kind", "exchange", "account", "symbol", "side", "price",
    "quantity", "time_in_force", "state", "order_id", "order_status", "error_code", "message",
    "executed_qty", "status_ms", "order_time_ms", "id_reused_ms",
)


def default_journal_path() -> Path:
    """The journal in jextui's data directory (``JEXTUI_DATA_DIR`` overrides it)."""
    try:
        from jextui.locations import journal_file
    except ImportError:  # pragma: no cover - only while the locations module is missing
        import platformdirs

        return Path(platformdirs.user_data_dir("jextui", appauthor=False)) / "journal.sqlite"
    return journal_file()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jextui journal",
        description="List the local order journal (newest first), or export it as CSV.",
    )
    parser.add_argument("--limit", type=_non_negative_int, default=None, metavar="N",
                        help=f"show at most N intents (default {DEFAULT_TABLE_LIMIT} in the table, "
                             "all in CSV; 0 = all)")
    parser.add_argument("--csv", metavar="FILE", help="write the intents as CSV to FILE ('-' = standard output)")
    parser.add_argument("--journal", metavar="PATH", type=Path,
                        help="the journal file (default: in the data directory)")
    return parser


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """Standard output's reader closed it (``| head``): stop quietly, as a filter does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return 0


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    path: Path = args.journal or default_journal_path()
    limit = args.limit if args.limit is not None else (None if args.csv else DEFAULT_TABLE_LIMIT)
    try:
        entries = read_entries(path, limit=limit or None)
    except FileNotFoundError:
        print(f"No order journal yet at {path} (it is created when the first order is sent).")
        return 0
    except JournalError as exc:
        print(f"jextui journal: {exc}", file=sys.stderr)
        return 1
    if args.csv:
        return _export(entries, args.csv)
    if not entries:
        print(f"The order journal at {path} is empty.")
        return 0
    print(format_table(entries))
    return 0


def _export(entries: list[JournalEntry], target: str) -> int:
    if target == "-":
        write_csv(entries, sys.stdout)
        return 0
    try:
        with _open_private(target) as handle:
            write_csv(entries, handle)
    except OSError as exc:
        print(f"jextui journal: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote {len(entries)} journal entr{'y' if len(entries) == 1 else 'ies'} to {target}.")
    return 0


def _open_private(target: str) -> TextIO:
    """``target`` opened for writing as a file only its owner can read (0600), like the journal."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
        return open(descriptor, "w", newline="", encoding="utf-8")
    except BaseException:
        os.close(descriptor)
        raise


def local_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M:%S")


def _side_cell(entry: JournalEntry) -> str:
    if entry.kind == KIND_CANCEL:
        return "CANCEL"
    if entry.kind == KIND_TEST_ORDER:
        return f"TEST {entry.side or ''}".strip()
    return entry.side or ""


def _amount(value: object) -> str:
    return "" if value is None else f"{value:f}"


def _row(entry: JournalEntry) -> tuple[str, ...]:
    state = entry.state if not entry.order_status else f"{entry.state} {entry.order_status}"
    return (
        local_time(entry.created_ms), entry.symbol, _side_cell(entry), _amount(entry.price), _amount(entry.quantity),
        state, "" if entry.order_id is None else str(entry.order_id), " ".join(entry.message.split()),
    )


def format_table(entries: Sequence[JournalEntry]) -> str:
    """The entries as an aligned plain-text table, in the order given."""
    rows = [TABLE_COLUMNS, *(_row(entry) for entry in entries)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS) - 1)]
    numeric = {3, 4, 6}
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in numeric and row is not rows[0] else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def _text_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula is prefixed with a quote."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(entries: Sequence[JournalEntry], handle: TextIO) -> None:
    """Every field of every entry, one row each, with a header row."""
    writer = csv.writer(handle)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([
            entry.id, local_time(entry.created_ms), entry.created_ms, entry.updated_ms, entry.kind,
            _text_cell(entry.base_url), entry.account, _text_cell(entry.symbol), entry.side or "",
            _amount(entry.price), _amount(entry.quantity),
            entry.time_in_force or "", entry.state, "" if entry.order_id is None else entry.order_id,
            entry.order_status or "", "" if entry.error_code is None else entry.error_code, _text_cell(entry.message),
            _amount(entry.executed_qty), _optional(entry.status_ms), _optional(entry.order_time_ms),
            _optional(entry.id_reused_ms),
        ])


def _optional(value: int | None) -> object:
    return "" if value is None else value
