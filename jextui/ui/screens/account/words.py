"""Status codes in words: orders, deposits, withdrawals.

The words are listed in docs/protocol.md (sections "Values" and "Deposit and
withdrawal statuses").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jextui.ui.widgets.table import Role

__all__ = [
    "ORDER_STATUS_WORDS",
    "DEPOSIT_STATUS_WORDS",
    "WITHDRAW_STATUS_WORDS",
    "order_status_words",
    "deposit_status_words",
    "withdraw_status_words",
    "status_role",
]

ORDER_STATUS_WORDS: dict[str, str] = {
    "NEW": "open, nothing filled yet",
    "PARTIALLY_FILLED": "open, partly filled",
    "FILLED": "filled",
    "CANCELED": "cancelled",
    "PENDING_CANCEL": "being cancelled",
    "CANCLEFILLED": "cancelled after a partial fill",
    "REJECTED": "rejected by the exchange",
    "EXPIRED": "expired (time in force)",
    "FAIL": "failed",
}

DEPOSIT_STATUS_WORDS: dict[int, str] = {
    0: "pending",
    1: "success",
    2: "other",  # used by the API's own example, defined nowhere: a word that claims nothing
}

WITHDRAW_STATUS_WORDS: dict[int, str] = {
    0: "email sent",
    1: "cancelled",
    2: "awaiting approval",
    3: "rejected",
    4: "processing",
    5: "failure",
    6: "completed",
}

_GOOD = {"FILLED", "success", "completed"}
_BAD = {"REJECTED", "FAIL", "EXPIRED", "rejected", "failure", "cancelled"}
_WAITING = {"NEW", "PARTIALLY_FILLED", "PENDING_CANCEL", "pending", "email sent", "awaiting approval", "processing"}


def order_status_words(status: str) -> str:
    return ORDER_STATUS_WORDS.get(status, status.lower().replace("_", " "))


def deposit_status_words(status: int) -> str:
    return DEPOSIT_STATUS_WORDS.get(status, f"unknown (code {status})")


def withdraw_status_words(status: int) -> str:
    return WITHDRAW_STATUS_WORDS.get(status, f"unknown (code {status})")


def status_role(status: str) -> Role:
    """The colour role of a status (an order status or the words of a wallet status)."""
    if status in _GOOD:
        return "good"
    if status in _BAD:
        return "bad"
    if status in _WAITING:
        return "warn"
    return ""
