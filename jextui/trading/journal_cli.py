"""``jextui journal``: list the local order journal, or export it as CSV.

    jextui journal                    # the 50 newest intents, newest first
    jextui journal --limit 0          # all of them
    jextui journal --csv orders.csv   # every intent as CSV (``-`` = standard output)
    jextui journal --journal PATH     # another journal file

A replace (amend) is shown as one linked entry: ``REPLACE`` and the side,
the new price and quantity, the replace's state, and both order ids (the old
order → the new one); its cancel and its new order are folded into it.  The
CSV keeps every intent (each names its replace in ``replace_id``) and adds a
``REPLACE`` row per replace, with the old order in ``order_id`` and the new
one in ``new_order_id``.

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

from jextui.trading.journal import (
    KIND_CANCEL,
    KIND_TEST_ORDER,
    JournalEntry,
    JournalError,
)
from jextui.trading.journal_read import read_entries, read_replaces
from jextui.trading.journal_replaces import ReplaceRecord

__all__ = ["main", "build_parser", "default_journal_path", "format_table", "write_csv"]

DEFAULT_TABLE_LIMIT = 50
TABLE_COLUMNS = ("time", "symbol", "side", "price", "quantity", "state", "order id", "message")
CSV_COLUMNS = (
    "id",
    "created",
    "created_ms",
    "updated_ms",
    "kind",
    "exchange",
    "account",
    "symbol",
    "side",
    "price",
    "quantity",
    "time_in_force",
    "state",
    "order_id",
    "order_status",
    "error_code",
    "message",
    "executed_qty",
    "status_ms",
    "order_time_ms",
    "id_reused_ms",
    "replace_id",
    "new_order_id",
)
KIND_REPLACE = "REPLACE"


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
    parser.add_argument(
        "--limit",
        type=_non_negative_int,
        default=None,
        metavar="N",
        help=f"show at most N intents (default {DEFAULT_TABLE_LIMIT} in the table, all in CSV; 0 = all)",
    )
    parser.add_argument("--csv", metavar="FILE", help="write the intents as CSV to FILE ('-' = standard output)")
    parser.add_argument(
        "--journal", metavar="PATH", type=Path, help="the journal file (default: in the data directory)"
    )
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
        replaces = read_replaces(path, limit=limit or None)
    except FileNotFoundError:
        print(f"No order journal yet at {path} (it is created when the first order is sent).")
        return 0
    except JournalError as exc:
        print(f"jextui journal: {exc}", file=sys.stderr)
        return 1
    if args.csv:
        return _export(entries, replaces, args.csv)
    if not entries:
        print(f"The order journal at {path} is empty.")
        return 0
    print(format_table(entries, replaces, limit=limit or None))
    return 0


def _export(entries: list[JournalEntry], replaces: list[ReplaceRecord], target: str) -> int:
    if target == "-":
        write_csv(entries, sys.stdout, replaces)
        return 0
    try:
        with _open_private(target) as handle:
            write_csv(entries, handle, replaces)
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
        local_time(entry.created_ms),
        entry.symbol,
        _side_cell(entry),
        _amount(entry.price),
        _amount(entry.quantity),
        state,
        "" if entry.order_id is None else str(entry.order_id),
        " ".join(entry.message.split()),
    )


def _replace_row(record: ReplaceRecord) -> tuple[str, ...]:
    new = "?" if record.new_order_id is None else str(record.new_order_id)
    return (
        local_time(record.created_ms),
        record.symbol,
        f"{KIND_REPLACE} {record.side}",
        _amount(record.price),
        _amount(record.quantity),
        record.state,
        f"{record.old_order_id}→{new}",
        " ".join(record.message.split()),
    )


def _linked_rows(
    entries: Sequence[JournalEntry], replaces: Sequence[ReplaceRecord], limit: int | None
) -> list[tuple[str, ...]]:
    """One row per intent, and one per replace in place of its cancel and new order; newest first."""
    known = {record.id for record in replaces}
    timed = [(entry.created_ms, _row(entry)) for entry in entries if entry.replace_id not in known]
    timed += [(record.created_ms, _replace_row(record)) for record in replaces]
    timed.sort(key=lambda pair: pair[0], reverse=True)  # stable: the order given within one millisecond
    return [row for _, row in timed[:limit]]


def format_table(
    entries: Sequence[JournalEntry], replaces: Sequence[ReplaceRecord] = (), *, limit: int | None = None
) -> str:
    """The entries (and replaces, each as one linked row) as an aligned plain-text table, newest first."""
    rows = [TABLE_COLUMNS, *_linked_rows(entries, replaces, limit)]
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


def write_csv(entries: Sequence[JournalEntry], handle: TextIO, replaces: Sequence[ReplaceRecord] = ()) -> None:
    """Every field of every entry, one row each, then one row per replace, with a header row."""
    writer = csv.writer(handle)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.id,
                local_time(entry.created_ms),
                entry.created_ms,
                entry.updated_ms,
                entry.kind,
                _text_cell(entry.base_url),
                entry.account,
                _text_cell(entry.symbol),
                entry.side or "",
                _amount(entry.price),
                _amount(entry.quantity),
                entry.time_in_force or "",
                entry.state,
                "" if entry.order_id is None else entry.order_id,
                entry.order_status or "",
                "" if entry.error_code is None else entry.error_code,
                _text_cell(entry.message),
                _amount(entry.executed_qty),
                _optional(entry.status_ms),
                _optional(entry.order_time_ms),
                _optional(entry.id_reused_ms),
                entry.replace_id or "",
                "",
            ]
        )
    for record in replaces:
        writer.writerow(
            [
                record.id,
                local_time(record.created_ms),
                record.created_ms,
                record.updated_ms,
                KIND_REPLACE,
                _text_cell(record.base_url),
                record.account,
                _text_cell(record.symbol),
                record.side,
                _amount(record.price),
                _amount(record.quantity),
                "",
                record.state,
                record.old_order_id,
                "",
                "",
                _text_cell(record.message),
                "",
                "",
                "",
                "",
                record.id,
                _optional(record.new_order_id),
            ]
        )


def _optional(value: int | None) -> object:
    return "" if value is None else value
