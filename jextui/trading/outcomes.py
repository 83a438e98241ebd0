"""What a submit or a cancel came to: the outcome kinds and the outcomes the UI and the journal read.

Shared by the submitter (:mod:`jextui.trading.submit`) and the time-in-force
check (:mod:`jextui.trading.time_in_force`), which both build outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from jextui.api.errors import DecodeError, JexError, ServerError, TransportError, UnknownOrder
from jextui.api.models import CancelResult, Order, OrderAck, OrderResult
from jextui.trading.journal import JournalEntry

__all__ = ["OutcomeKind", "SubmitOutcome", "CancelOutcome", "is_unknown_outcome"]


class OutcomeKind(StrEnum):
    INVALID = "invalid"  # local validation failed; nothing sent, nothing journalled
    NOT_SENT = "not_sent"  # the journal could not be written, or the exchange was unreachable: nothing sent
    ACCEPTED = "accepted"  # the exchange answered with the order
    REJECTED = "rejected"  # the exchange (or the client, before sending) refused; nothing placed
    UNKNOWN = "unknown"  # answer lost and reconciliation could not tell yet
    RESOLVED = "resolved"  # answer lost, then the order was found on the exchange
    NOT_PLACED = "not_placed"  # answer lost, then confirmed absent
    TEST_PASSED = "test_passed"  # dry run: the exchange would accept it (nothing placed)
    TEST_FAILED = "test_failed"  # dry run refused or unanswered (nothing placed either way)


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    """What happened to one submit, with a sentence for the ticket or a notification."""

    kind: OutcomeKind
    message: str
    # an IOC/FOK order the exchange left resting, cancelled at once (jextui.trading.time_in_force)
    time_in_force_cancel: CancelOutcome | None = None
    dry_run: bool = False
    entry: JournalEntry | None = None
    result: OrderResult | OrderAck | None = None
    found: Order | None = None
    error: BaseException | None = None
    field_errors: dict[str, str] = field(default_factory=dict)
    journal_problem: str = ""  # the journal could not record the answer (shown to the user)

    @property
    def order_id(self) -> int | None:
        source = self.result or self.found
        return int(source.order_id) if source is not None else None

    @property
    def order_status(self) -> str | None:
        source = self.result or self.found
        return getattr(source, "status", None) if source is not None else None

    @property
    def error_code(self) -> int | None:
        code = getattr(self.error, "code", None)
        return code if isinstance(code, int) else None

    @property
    def placed(self) -> bool | None:
        """True when an order is on the exchange, False when surely not, None when unknown."""
        if self.kind in (OutcomeKind.ACCEPTED, OutcomeKind.RESOLVED):
            return True
        if self.kind == OutcomeKind.UNKNOWN:
            return None
        return False


@dataclass(frozen=True, slots=True)
class CancelOutcome:
    """What happened to one cancel request."""

    symbol: str
    order_id: int
    kind: OutcomeKind  # ACCEPTED, REJECTED, UNKNOWN or RESOLVED
    message: str
    entry: JournalEntry | None = None
    result: CancelResult | None = None
    status: str | None = None
    error: BaseException | None = None
    journal_problem: str = ""  # the journal could not record the answer (shown to the user)

    @property
    def cancelled(self) -> bool | None:
        """True when the order is cancelled now, False when not, None when unknown."""
        if self.kind == OutcomeKind.UNKNOWN:
            return None
        return self.status in ("CANCELED", "CANCLEFILLED")

    @property
    def order_gone(self) -> bool:
        """The order was no longer open (a fill got there first): nothing was left to cancel."""
        return isinstance(self.error, UnknownOrder)


def is_unknown_outcome(error: BaseException) -> bool:
    """True when a failed order request may nevertheless have been executed."""
    if getattr(error, "outcome_unknown", False):
        return True
    if isinstance(error, (TransportError, ServerError, DecodeError)):
        return True
    # Any other JexError is a definite "no" (an error answer, or the client
    # refusing before sending); anything else is unexpected, so assume the worst.
    return not isinstance(error, JexError)
