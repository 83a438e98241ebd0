"""Replacing an order (amend): cancel, confirm the cancel's outcome, then place.

The API has no amend, so moving an order is two requests, and the second
must never go out on a guess.  :class:`ReplacePlan` is a pure state machine
the screen drives: it says what to do next (:attr:`ReplacePlan.step`), the
screen does it (with :class:`~jextui.trading.submit.OrderSubmitter` and the
API client) and feeds the answer back; each transition returns a new plan.

Steps::

    CANCEL ──cancel_answered──▶ PLACE | OFFER_REMAINDER | LOOK_UP | DONE   (not_sent: DONE)
    LOOK_UP ──looked_up──────▶ PLACE | OFFER_REMAINDER | DONE   (look_up_failed: stays)
    OFFER_REMAINDER ──remainder_accepted──▶ PLACE   (remainder_declined: DONE)
    PLACE ──placed──────────▶ DONE

Rules (all deliberate):

* **Filled**: if the order filled completely before the cancel took effect,
  nothing is placed and the plan says so.
* **Partly filled**: fills that arrived *during* the replace (beyond those
  known when it started) are taken off the new quantity; what is left is
  offered to the trader (never placed without a yes).  When nothing is left,
  nothing is placed.
* **Unknown**: a cancel whose outcome is unknown (answer lost, or the order
  "no longer open" without knowing why) leads to a look-up of the order;
  nothing is placed until its final state is known.  A look-up that fails
  keeps the plan waiting.  An order still open after the cancel means the
  cancel did not take effect: nothing new is placed.
* **Refused**: a cancel the exchange refused leaves the order as it was, and
  nothing new is placed.
* A remainder below the symbol's minimum quantity or minimum total (when the
  rules are given) is not offered.

``replace_id`` names the replace so the journal can link its two steps, and
:attr:`ReplacePlan.state` is what the journal records of it (a
:class:`ReplaceState`): the step it is at, or why it ended.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from jextui.amount_text import amount_text, whole_amount_text
from jextui.api.models import Order, Side
from jextui.trading.journal_replaces import FINAL_STATES, ReplaceState
from jextui.trading.outcomes import CancelOutcome, OutcomeKind, SubmitOutcome
from jextui.trading.ticket import OrderRequest, SymbolRules

__all__ = ["ReplaceStep", "ReplaceState", "FINAL_STATES", "ReplacePlan", "OPEN_STATUSES", "start_replace"]

#: Statuses of an order still on the book.
OPEN_STATUSES = frozenset({"NEW", "PARTIALLY_FILLED"})


class ReplaceStep(StrEnum):
    CANCEL = "cancel"  # send the cancel of the old order
    LOOK_UP = "look_up"  # read the old order's state (get_order) before going on
    OFFER_REMAINDER = "offer_remainder"  # ask the trader whether to place the remainder
    PLACE = "place"  # send the new order (``request``)
    DONE = "done"  # finished: ``message`` says how; ``placed`` whether a new order went out


_STEP_STATES = {
    ReplaceStep.CANCEL: ReplaceState.CANCEL_SENT,
    ReplaceStep.LOOK_UP: ReplaceState.CANCEL_UNKNOWN,
    ReplaceStep.OFFER_REMAINDER: ReplaceState.REMAINDER_OFFERED,
    ReplaceStep.PLACE: ReplaceState.CANCELLED,
}


@dataclass(frozen=True, slots=True)
class ReplacePlan:
    """Where a replace stands.  Build it with :func:`start_replace`."""

    symbol: str
    order_id: int
    side: Side
    orig_qty: Decimal
    executed_at_start: Decimal
    new_price: Decimal
    new_quantity: Decimal
    time_in_force: str = "GTC"
    rules: SymbolRules | None = None
    step: ReplaceStep = ReplaceStep.CANCEL
    message: str = ""
    place_quantity: Decimal | None = None  # the quantity to place (PLACE) or offer (OFFER_REMAINDER)
    placed: bool | None = False  # DONE: True placed, False nothing placed, None unknown
    ending: ReplaceState | None = None  # DONE: why it ended
    replace_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    cancel: CancelOutcome | None = None
    outcome: SubmitOutcome | None = None

    # -- what the screen needs --

    @property
    def request(self) -> OrderRequest | None:
        """The new order to send, in the PLACE step only."""
        if self.step != ReplaceStep.PLACE or self.place_quantity is None:
            return None
        places = (0, 0) if self.rules is None else (self.rules.price_places, self.rules.quantity_places)
        return OrderRequest(self.symbol, self.side, self.new_price, self.place_quantity, self.time_in_force, places)

    @property
    def done(self) -> bool:
        return self.step == ReplaceStep.DONE

    @property
    def state(self) -> ReplaceState:
        """What the journal records: the step under way, or (when done) why it ended."""
        if self.ending is not None:
            return self.ending
        return _STEP_STATES[self.step]

    # -- transitions --

    def cancel_answered(self, outcome: CancelOutcome) -> ReplacePlan:
        """The answer to the cancel of the old order."""
        self._expect(ReplaceStep.CANCEL)
        plan = replace(self, cancel=outcome)
        if outcome.kind == OutcomeKind.UNKNOWN:
            return plan._to(
                ReplaceStep.LOOK_UP,
                f"The cancel of order {self.order_id} has no known outcome yet: "
                "nothing new is placed until it is known.",
            )
        if outcome.kind == OutcomeKind.REJECTED:
            if outcome.order_gone:
                return plan._to(
                    ReplaceStep.LOOK_UP,
                    f"Order {self.order_id} was no longer open: looking at how it ended before placing anything.",
                )
            return plan._finish(
                False,
                f"The cancel of order {self.order_id} was refused ({outcome.message}); "
                "the order stays as it was and nothing new was placed.",
                ReplaceState.CANCEL_REFUSED,
            )
        executed = outcome.result.executed_qty if outcome.result is not None else None
        if outcome.cancelled and executed is not None:
            return plan._decide(executed)
        return plan._to(ReplaceStep.LOOK_UP, f"Checking how order {self.order_id} ended before placing anything.")

    def looked_up(self, status: str, executed_qty: Decimal) -> ReplacePlan:
        """The old order's state as the exchange reports it now (``get_order``)."""
        self._expect(ReplaceStep.LOOK_UP)
        if status in OPEN_STATUSES:
            return self._finish(
                False,
                f"Order {self.order_id} is still open ({status}): the cancel did not take "
                "effect, so nothing new was placed.",
                ReplaceState.NOT_CANCELLED,
            )
        return self._decide(executed_qty, status=status)

    def look_up_failed(self, reason: str) -> ReplacePlan:
        """The look-up got no answer: keep waiting, place nothing."""
        self._expect(ReplaceStep.LOOK_UP)
        return self._to(
            ReplaceStep.LOOK_UP,
            f"Order {self.order_id}'s state is not known yet ({reason}); nothing new is placed until it is.",
        )

    def not_sent(self, reason: str) -> ReplacePlan:
        """The replace could not start (its journal record was not written): nothing is sent."""
        self._expect(ReplaceStep.CANCEL)
        return self._finish(
            False, f"Order {self.order_id} was not replaced: {reason}; nothing was sent.", ReplaceState.NOT_SENT
        )

    def remainder_accepted(self) -> ReplacePlan:
        self._expect(ReplaceStep.OFFER_REMAINDER)
        return self._to(
            ReplaceStep.PLACE, f"Placing the remainder {self._qty(self.place_quantity)}.", self.place_quantity
        )

    def remainder_declined(self) -> ReplacePlan:
        self._expect(ReplaceStep.OFFER_REMAINDER)
        return self._finish(
            False,
            f"Order {self.order_id} was cancelled after a partial fill; the remainder was not placed.",
            ReplaceState.REMAINDER_DECLINED,
        )

    def placed_outcome(self, outcome: SubmitOutcome) -> ReplacePlan:
        """The answer to the new order."""
        self._expect(ReplaceStep.PLACE)
        plan = replace(self, outcome=outcome)
        placed = outcome.placed
        ending = (
            ReplaceState.PLACE_UNKNOWN
            if placed is None
            else (ReplaceState.PLACED if placed else ReplaceState.NOT_PLACED)
        )
        return plan._finish(
            placed,
            f"Order {self.order_id} replaced: {outcome.message}"
            if placed
            else f"Order {self.order_id} was cancelled; the new order: {outcome.message}",
            ending,
        )

    # -- inside --

    def _decide(self, executed: Decimal, *, status: str | None = None) -> ReplacePlan:
        if executed >= self.orig_qty or status == "FILLED":
            return self._finish(
                False,
                f"Order {self.order_id} had filled completely before the cancel; nothing new was placed.",
                ReplaceState.FILLED_INSTEAD,
            )
        extra = executed - self.executed_at_start
        if extra <= 0:
            return self._to(
                ReplaceStep.PLACE, f"Order {self.order_id} cancelled; placing the new order.", self.new_quantity
            )
        remainder = self.new_quantity - extra
        filled = f"{self._qty(extra)} more of order {self.order_id} filled before the cancel"
        if remainder <= 0:
            return self._finish(False, f"{filled}: nothing is left to place.", ReplaceState.NOTHING_LEFT)
        too_small = self._below_minimum(remainder)
        if too_small:
            return self._finish(
                False,
                f"{filled}; the remainder {self._qty(remainder)} is {too_small}, so nothing new was placed.",
                ReplaceState.NOTHING_LEFT,
            )
        return self._to(
            ReplaceStep.OFFER_REMAINDER,
            f"{filled}. Place the remainder {self._qty(remainder)} at {self._price(self.new_price)}?",
            remainder,
        )

    def _below_minimum(self, quantity: Decimal) -> str | None:
        rules = self.rules
        if rules is None:
            return None
        if rules.min_qty is not None and quantity < rules.min_qty:
            return f"below the minimum quantity {self._qty(rules.min_qty)}"
        if rules.min_notional is not None and quantity * self.new_price < rules.min_notional:
            total = whole_amount_text(rules.min_notional, rules.price_decimals)
            return f"below the minimum total {total} {rules.quote_asset}"
        return None

    # Amounts read as in the panes: thousands grouped, at the digits of the symbol's grid
    # (a total at the quote's precision); without the rules, exactly as they are.

    def _qty(self, quantity: Decimal | None) -> str:
        value = quantity or Decimal(0)
        rules = self.rules
        if rules is None:
            return amount_text(value)
        return f"{whole_amount_text(value, rules.quantity_places)} {rules.base_asset}"

    def _price(self, price: Decimal) -> str:
        rules = self.rules
        if rules is None:
            return amount_text(price)
        return f"{whole_amount_text(price, rules.price_places)} {rules.quote_asset}"

    def _to(self, step: ReplaceStep, message: str, quantity: Decimal | None = None) -> ReplacePlan:
        return replace(self, step=step, message=message, place_quantity=quantity)

    def _finish(self, placed: bool | None, message: str, ending: ReplaceState) -> ReplacePlan:
        return replace(self, step=ReplaceStep.DONE, message=message, placed=placed, place_quantity=None, ending=ending)

    def _expect(self, step: ReplaceStep) -> None:
        if self.step != step:
            raise ValueError(f"this replace is at step {self.step}, not {step}")


def start_replace(
    order: Order,
    new_price: Decimal,
    new_quantity: Decimal,
    *,
    rules: SymbolRules | None = None,
) -> ReplacePlan:
    """A plan to replace the open ``order`` by one at ``new_price`` for ``new_quantity``.

    ``new_quantity`` is what the trader chose (the ticket prefills the
    order's remaining quantity).  Raises ``ValueError`` for an order that is
    not open or a price/quantity that is not positive.
    """
    if order.status not in OPEN_STATUSES:
        raise ValueError(f"order {order.order_id} is not open (status {order.status}); nothing to replace")
    if new_price <= 0 or new_quantity <= 0:
        raise ValueError("the new price and quantity must be more than zero")
    return ReplacePlan(
        symbol=order.symbol,
        order_id=int(order.order_id),
        side=order.side,
        orig_qty=order.orig_qty,
        executed_at_start=order.executed_qty,
        new_price=new_price,
        new_quantity=new_quantity,
        time_in_force=order.time_in_force or "GTC",
        rules=rules,
        message=f"Cancelling order {int(order.order_id)} first.",
    )
