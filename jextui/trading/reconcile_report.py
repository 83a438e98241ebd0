"""What one reconciliation of a journalled intent found (shared by the reconciler
and the settling of interrupted replaces)."""

from __future__ import annotations

from dataclasses import dataclass

from jextui.api.models import Order
from jextui.trading.journal import KIND_ORDER, RESOLVED, JournalEntry

__all__ = ["ReconcileReport"]


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What one reconciliation found; ``settled`` once the question is answered."""

    entry: JournalEntry
    settled: bool
    order: Order | None
    message: str

    @property
    def placed(self) -> bool | None:
        """For an order: True found, False not placed, None still unknown."""
        if not self.settled or self.entry.kind != KIND_ORDER:
            return None
        return self.entry.state == RESOLVED
