"""The order journal's errors (its own module, so that the journal's parts can raise them)."""

from __future__ import annotations

__all__ = ["JournalError", "OrderAlreadyClaimed"]


class JournalError(Exception):
    """The journal cannot do what was asked (unknown entry, illegal state change, bad file)."""


class OrderAlreadyClaimed(JournalError):
    """Another intent already owns this exchange order id."""
