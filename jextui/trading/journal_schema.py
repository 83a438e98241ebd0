"""The order journal's SQLite schema: its tables, the columns added since the
first version (for files written by an older console), and the one live claim
per exchange order.  The journal itself: :mod:`jextui.trading.journal`."""

from __future__ import annotations

__all__ = ["ADDED_COLUMNS", "CLAIM_INDEX", "COLUMNS", "SCHEMA", "SCHEMA_VERSION"]

SCHEMA_VERSION = 3
"""``PRAGMA user_version`` of a journal written by this console."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    base_url      TEXT NOT NULL,
    account       TEXT NOT NULL,
    session       TEXT NOT NULL,
    symbol        TEXT NOT NULL,
    side          TEXT,
    price         TEXT,
    quantity      TEXT,
    time_in_force TEXT,
    created_ms    INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    state         TEXT NOT NULL,
    order_id      INTEGER,
    order_status  TEXT,
    error_code    INTEGER,
    message       TEXT NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0,
    order_time_ms INTEGER,
    id_reused_ms  INTEGER,
    executed_qty  TEXT,
    status_ms     INTEGER,
    replace_id    TEXT
);
CREATE INDEX IF NOT EXISTS journal_by_time ON journal (created_ms);
CREATE INDEX IF NOT EXISTS journal_by_state ON journal (state);
CREATE TABLE IF NOT EXISTS events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id  TEXT NOT NULL REFERENCES journal (id),
    at_ms     INTEGER NOT NULL,
    state     TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS events_by_entry ON events (entry_id);
"""

# Columns added after the first schema: (name, SQL type) for ALTER TABLE.
ADDED_COLUMNS = (
    ("order_time_ms", "INTEGER"),
    ("id_reused_ms", "INTEGER"),
    ("executed_qty", "TEXT"),
    ("status_ms", "INTEGER"),
    ("replace_id", "TEXT"),
)

CLAIM_INDEX = """
DROP INDEX IF EXISTS journal_one_claim_per_order;
CREATE UNIQUE INDEX IF NOT EXISTS journal_one_live_claim_per_order
    ON journal (base_url, account, symbol, order_id)
    WHERE kind = 'ORDER' AND order_id IS NOT NULL AND id_reused_ms IS NULL;
"""

COLUMNS = (
    "id, kind, base_url, account, session, symbol, side, price, quantity, time_in_force, "
    "created_ms, updated_ms, state, order_id, order_status, error_code, message, attempts, "
    "order_time_ms, id_reused_ms, executed_qty, status_ms, replace_id"
)
