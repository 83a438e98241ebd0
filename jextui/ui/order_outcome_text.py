"""An order's outcome in words: the sentence (and its level) shown on the ticket or announced."""

from __future__ import annotations

from decimal import Decimal

from jextui.trading.errors_text import UNKNOWN_OUTCOME_TEXT, describe_error
from jextui.trading.fills import expiry_words
from jextui.trading.submit import OutcomeKind, SubmitOutcome
from jextui.ui.screens.account.words import order_status_words

__all__ = ["outcome_text"]


def outcome_text(outcome: SubmitOutcome, *, private: bool = False) -> tuple[str, str]:
    """(sentence, level) for the ticket's result line."""
    kind = outcome.kind
    order_id, status = outcome.order_id, outcome.order_status
    status_words = f"{status} — {order_status_words(status)}" if status else "status not given"
    source = outcome.result or outcome.found
    time_in_force = getattr(source, "time_in_force", None)
    expired = expiry_words(status, time_in_force, getattr(source, "executed_qty", Decimal(0)))
    if expired is not None:
        status_words = f"{expired} ({time_in_force}; the exchange says {status})"
    code = outcome.error_code
    code_text = f" (code {code})" if code is not None else ""
    if kind == OutcomeKind.ACCEPTED:
        return f"PLACED: order {order_id}, {status_words}.", "ok"
    if kind == OutcomeKind.RESOLVED:
        return (
            f"The answer was lost, but the order reached the exchange: order {order_id}, {status_words}. "
            "Nothing was resent.",
            "ok",
        )
    if kind == OutcomeKind.NOT_PLACED:
        return (
            "The answer was lost and the order is NOT on the exchange (checked): nothing was placed, "
            "nothing was resent.",
            "error",
        )
    if kind == OutcomeKind.UNKNOWN:
        detail = "" if private else f" {outcome.message}"
        return (f"OUTCOME UNKNOWN: not resent; it is checked again at the next start.{detail}", "warn")
    if kind == OutcomeKind.REJECTED:
        words = describe_error(outcome.error) if outcome.error is not None else outcome.message
        return f"REFUSED{code_text}: {words}", "error"
    if kind == OutcomeKind.TEST_PASSED:
        return "TEST ORDER — nothing was placed. The exchange would accept this order.", "test"
    if kind == OutcomeKind.TEST_FAILED:
        words = describe_error(outcome.error) if outcome.error is not None else outcome.message
        words = words.replace(f" {UNKNOWN_OUTCOME_TEXT}", "")
        return f"TEST ORDER — nothing was placed. It failed{code_text}: {words}", "error"
    if kind == OutcomeKind.INVALID:
        return "Not sent: fix what is marked above.", "error"
    return outcome.message, "error"
