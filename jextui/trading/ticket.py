"""The order ticket's pure model: parse what the trader typed, validate, size, estimate.

Nothing here talks to the network or to Textual: the ticket screen owns an
:class:`OrderTicket`, writes the trader's text into ``price_text`` /
``quantity_text`` and shows what :meth:`OrderTicket.validate` and
:meth:`OrderTicket.estimate` say.

Decisions the API documentation leaves open (all deliberate):

* **Number text.** Plain decimal numbers only: ``12``, ``12.5``, ``.5``,
  ``12.``; surrounding spaces are ignored.  Thousands separators are accepted
  only where nothing else can be meant: groups of exactly three digits
  followed by a decimal point (``1,234.5``, ``1,234.``).  ``1,234`` (1234 or
  1.234?) and ``1,5`` are refused with a sentence saying why.  Signs,
  exponents (``1e5``), ``NaN``/``Infinity``, hex, non-ASCII digits and more
  than 18 digits on either side of the point are refused with a sentence.
  :func:`parse_amount` never raises.
* **Grids.** A price must be a multiple of ``tickSize`` and have at most
  ``quotePrecision`` decimals; a quantity a multiple of ``stepSize`` and at
  most ``baseAssetPrecision`` decimals (multiples counted from zero).  A
  filter field the server leaves out is simply not checked.  Trailing zeros
  do not count as decimals (``1.50`` is ``1.5``).
* **Fees.** The fee is charged on what the order *receives*: base asset on a
  BUY, quote asset on a SELL (the sandbox's model).  So a BUY needs exactly
  ``price * quantity`` of free quote and a SELL ``quantity`` of free base.
  For an exchange that charges the fee in quote on top of a BUY, pass
  ``fee_from_received=False``: a BUY then needs ``price * quantity * (1 + rate)``
  (a negative rate never lowers what is needed).
* **Maker or taker.** A LIMIT order that would cross the book when estimated
  (BUY at or above the best ask, SELL at or below the best bid), every IOC/FOK
  order, and any order while the book is unknown is estimated with the
  *taker* rate; an order that would rest is estimated with the *maker* rate.
  A partly crossing order is estimated wholly as taker.
* **Fee sign.** Rates are used exactly as the server sends them: positive =
  the trader pays, negative = a rebate (the spec's example shows negative
  rates, the sandbox positive ones).  ``fee_amount`` keeps that sign.
* **Balances unknown.** When ``free_balances`` is ``None`` (not loaded yet)
  the balance check is skipped; the exchange still refuses an unaffordable
  order.  An asset missing from a loaded mapping counts as zero.
* **Fat-finger guard.** A price more than ``fat_finger_pct`` percent away from
  ``last_price`` (or, while no trade price is known, from the mid of the best
  bid and ask) in either direction makes validation fail with a message under
  ``"price"`` until :meth:`OrderTicket.confirm_fat_finger` is called; the
  confirmation belongs to that exact price and lapses when the price changes.

Validation returns ``{field: message}`` with fields :data:`FIELD_SYMBOL`,
:data:`FIELD_SIDE`, :data:`FIELD_PRICE`, :data:`FIELD_QUANTITY`,
:data:`FIELD_TIME_IN_FORCE`, :data:`FIELD_TOTAL` (minimum notional) and
:data:`FIELD_BALANCE`.  An empty dict means the order may be sent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal, InvalidOperation, localcontext
from typing import Literal

from jextui.amount_text import amount_text
from jextui.api.models import SymbolFilter, SymbolInfo, TradeFee

__all__ = [
    "FIELD_SYMBOL",
    "FIELD_SIDE",
    "FIELD_PRICE",
    "FIELD_QUANTITY",
    "FIELD_TIME_IN_FORCE",
    "FIELD_TOTAL",
    "FIELD_BALANCE",
    "TIME_IN_FORCE_CHOICES",
    "SIZE_PERCENTAGES",
    "DEFAULT_FAT_FINGER_PCT",
    "ParsedAmount",
    "parse_amount",
    "SymbolRules",
    "OrderRequest",
    "TicketEstimate",
    "OrderTicket",
    "format_decimal",
]

FIELD_SYMBOL = "symbol"
FIELD_SIDE = "side"
FIELD_PRICE = "price"
FIELD_QUANTITY = "quantity"
FIELD_TIME_IN_FORCE = "time_in_force"
FIELD_TOTAL = "total"
FIELD_BALANCE = "balance"

TIME_IN_FORCE_CHOICES: tuple[str, ...] = ("GTC", "IOC", "FOK")
SIZE_PERCENTAGES: tuple[int, ...] = (25, 50, 75, 100)
DEFAULT_FAT_FINGER_PCT = Decimal(5)
MAX_DIGITS_EACH_SIDE = 18

Side = Literal["BUY", "SELL"]
Liquidity = Literal["maker", "taker"]

# Arithmetic on parsed amounts (at most 18 + 18 digits) stays exact with room
# to spare; quantising is always explicit.
_EXACT = Context(prec=100, traps=[InvalidOperation])
_SHARE_DIGITS = Context(prec=90)


# --- parsing ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedAmount:
    """The result of reading a number typed by the trader: a value or a sentence."""

    value: Decimal | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.value is not None


_PLAIN = re.compile(r"(?P<int>[0-9]*)(?:\.(?P<frac>[0-9]*))?")
_GROUPED = re.compile(r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+)\.(?P<frac>[0-9]*)")
_GROUPED_INTEGER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_WORDS_NOT_NUMBERS = ("nan", "inf", "infinity", "snan")


def parse_amount(text: object, name: str = "number") -> ParsedAmount:
    """Read a non-negative decimal number from the trader's text; never raises.

    ``name`` ("price", "quantity") only words the message for empty text.
    """
    if not isinstance(text, str):
        return ParsedAmount(None, "Enter a number, e.g. 12.5.")
    stripped = text.strip()
    if not stripped:
        return ParsedAmount(None, f"Enter a {name}.")
    refusal = _refusal_for(stripped)
    if refusal:
        return ParsedAmount(None, refusal)
    match = _PLAIN.fullmatch(stripped) or _GROUPED.fullmatch(stripped)
    if match is None:
        return ParsedAmount(None, _explain_bad_text(stripped))
    integer = match.group("int").replace(",", "")
    fraction = match.group("frac") or ""
    if not integer and not fraction:
        return ParsedAmount(None, "Enter a number, e.g. 12.5.")
    if len(integer.lstrip("0")) > MAX_DIGITS_EACH_SIDE or len(fraction) > MAX_DIGITS_EACH_SIDE:
        limit = MAX_DIGITS_EACH_SIDE
        return ParsedAmount(None, f"That number is too long (at most {limit} digits each side of the point).")
    return ParsedAmount(Decimal(f"{integer or '0'}.{fraction}"), None)  # "12." reads as 12


def _refusal_for(text: str) -> str | None:
    lowered = text.lower()
    if lowered.lstrip("+-") in _WORDS_NOT_NUMBERS:
        return "That is not a number; enter a plain number such as 12.5."
    if text.startswith("-"):
        return "Enter a positive number (no minus sign)."
    if text.startswith("+"):
        return "Enter the number without a plus sign."
    if re.fullmatch(r"[0-9.,]*[0-9][0-9.,]*e[+-]?[0-9]+", lowered):
        return "Write the number in full, without an exponent (e.g. 100000 rather than 1e5)."
    return None


def _explain_bad_text(text: str) -> str:
    if "," in text and re.fullmatch(r"[0-9.,]+", text):
        if _GROUPED_INTEGER.fullmatch(text):
            plain = text.replace(",", "")
            return f"Ambiguous: write {plain} (no comma), or use a dot for decimals."
        if re.fullmatch(r"[0-9]+,[0-9]+", text):
            return "Use a dot for decimals (e.g. 1.5), not a comma."
        return "Misplaced comma: use commas only between groups of three digits (1,234.5), or none."
    if text.count(".") > 1 and re.fullmatch(r"[0-9.]+", text):
        return "A number has at most one decimal point."
    return "That is not a number; enter digits with at most one decimal point, e.g. 12.5."


# --- decimal helpers ----------------------------------------------------------


def _decimals_of(value: Decimal) -> int:
    """Decimals a value really needs (trailing zeros do not count)."""
    exponent = value.normalize(_EXACT).as_tuple().exponent
    return max(0, -int(exponent)) if isinstance(exponent, int) else 0


def _unit(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-max(0, decimals))


def _grid_lcm(step: Decimal | None, decimals: int) -> Decimal:
    """The coarsest grid that is a multiple of both ``step`` and ``10**-decimals``."""
    unit = _unit(decimals)
    if step is None or step <= 0:
        return unit
    scale = max(_decimals_of(step), decimals)
    factor = Decimal(10) ** scale
    step_int = int((step * factor).to_integral_value())
    unit_int = int((unit * factor).to_integral_value())
    return Decimal(math.lcm(step_int, unit_int)) / factor


def _round_to_grid(value: Decimal, grid: Decimal, rounding: str) -> Decimal:
    with localcontext(_EXACT):
        steps = (value / grid).to_integral_value(rounding=rounding)
        return (steps * grid).normalize()


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    with localcontext(_EXACT):
        return value % step == 0


def format_decimal(value: Decimal, decimals: int | None = None) -> str:
    """Plain text for an amount (no exponent); quantised down to ``decimals`` if given."""
    if decimals is not None:
        value = value.quantize(_unit(decimals), rounding=ROUND_FLOOR, context=_EXACT)
        return f"{value:f}"
    text = f"{value.normalize(_EXACT):f}"
    return text


# --- symbol rules -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SymbolRules:
    """The trading rules of one symbol, read from its exchangeInfo entry.

    Any bound the server leaves out is ``None`` and is not checked.
    """

    symbol: str
    status: str
    base_asset: str
    quote_asset: str
    price_decimals: int
    quantity_decimals: int
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    tick_size: Decimal | None = None
    min_qty: Decimal | None = None
    max_qty: Decimal | None = None
    step_size: Decimal | None = None
    min_notional: Decimal | None = None

    @classmethod
    def from_symbol_info(cls, info: SymbolInfo) -> SymbolRules:
        found: dict[str, SymbolFilter] = {f.filter_type: f for f in info.filters}
        price = found.get("PRICE_FILTER")
        lot = found.get("LOT_SIZE")
        notional = found.get("MIN_NOTIONAL")
        return cls(
            symbol=info.symbol,
            status=info.status,
            base_asset=info.base_asset,
            quote_asset=info.quote_asset,
            price_decimals=max(0, info.quote_precision),
            quantity_decimals=max(0, info.base_asset_precision),
            min_price=_positive_or_none(price.min_price if price else None),
            max_price=_positive_or_none(price.max_price if price else None),
            tick_size=_positive_or_none(price.tick_size if price else None),
            min_qty=_positive_or_none(lot.min_qty if lot else None),
            max_qty=_positive_or_none(lot.max_qty if lot else None),
            step_size=_positive_or_none(lot.step_size if lot else None),
            min_notional=_positive_or_none(notional.min_notional if notional else None),
        )

    @property
    def price_grid(self) -> Decimal:
        """Smallest valid price increment (tick size and precision together)."""
        return _grid_lcm(self.tick_size, self.price_decimals)

    @property
    def quantity_grid(self) -> Decimal:
        """Smallest valid quantity increment (step size and precision together)."""
        return _grid_lcm(self.step_size, self.quantity_decimals)

    @property
    def price_places(self) -> int:
        """Decimals a price is shown with in a sentence: those of the price grid, as in the panes."""
        return _decimals_of(self.price_grid)

    @property
    def quantity_places(self) -> int:
        """Decimals a quantity is shown with in a sentence: those of the quantity grid, as in the panes."""
        return _decimals_of(self.quantity_grid)


def _positive_or_none(value: Decimal | None) -> Decimal | None:
    """A zero bound (``"minQty": "0.00000000"``) means "no bound"."""
    if value is None or not value.is_finite() or value <= 0:
        return None
    return value


# --- results ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A validated order, ready for the API: amounts at the symbol's precision."""

    symbol: str
    side: Side
    price: Decimal
    quantity: Decimal
    time_in_force: str
    #: (price, quantity) decimals its amounts are shown with in sentences (the symbol's grid)
    places: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True, slots=True)
class TicketEstimate:
    """What the ticket shows under the fields (amounts unrounded; format them for display).

    ``base_after`` / ``quote_after`` are the free balances once the order has
    filled completely (``None`` when balances are not loaded).  ``fee_amount``
    is in ``fee_asset`` and keeps the server's sign (negative = rebate).
    """

    notional: Decimal
    liquidity: Liquidity
    fee_rate: Decimal | None
    fee_amount: Decimal | None
    fee_asset: str
    base_asset: str
    quote_asset: str
    base_after: Decimal | None
    quote_after: Decimal | None


# --- the ticket ---------------------------------------------------------------


@dataclass
class OrderTicket:
    """A buy or sell ticket for one symbol, edited by the trader.

    Market context (``free_balances``, ``last_price``, ``best_bid``,
    ``best_ask``, ``fee``) is refreshed by the screen as new data arrives.
    """

    side: Side
    rules: SymbolRules
    price_text: str = ""
    quantity_text: str = ""
    time_in_force: str = "GTC"
    free_balances: Mapping[str, Decimal] | None = None
    fee: TradeFee | None = None
    last_price: Decimal | None = None
    best_bid: Decimal | None = None
    best_ask: Decimal | None = None
    fat_finger_pct: Decimal = DEFAULT_FAT_FINGER_PCT
    fee_from_received: bool = True
    _fat_finger_confirmed_price: Decimal | None = field(default=None, repr=False)

    @classmethod
    def for_symbol(cls, side: Side, info: SymbolInfo, **context: object) -> OrderTicket:
        """Build a ticket from an exchangeInfo symbol entry (keyword args set the context)."""
        return cls(side=side, rules=SymbolRules.from_symbol_info(info), **context)  # type: ignore[arg-type]  # the context's keywords are the ticket's own fields

    # -- parsed values --

    @property
    def price(self) -> Decimal | None:
        return parse_amount(self.price_text, "price").value

    @property
    def quantity(self) -> Decimal | None:
        return parse_amount(self.quantity_text, "quantity").value

    @property
    def notional(self) -> Decimal | None:
        price, quantity = self.price, self.quantity
        if price is None or quantity is None:
            return None
        with localcontext(_EXACT):
            return price * quantity

    # -- helpers the keys call --

    def prefill_price(self, level_price: Decimal | None = None) -> bool:
        """Set the price to a selected book level, else the best opposite price.

        A buy takes the best ask, a sell the best bid; with no book the last
        price is used.  Returns False (price untouched) when nothing is known.
        """
        opposite = self.best_ask if self.side == "BUY" else self.best_bid
        chosen = next((p for p in (level_price, opposite, self.last_price) if p is not None and p > 0), None)
        if chosen is None:
            return False
        self.price_text = format_decimal(chosen, self.rules.price_decimals)
        return True

    def nudge_price(self, ticks: int) -> bool:
        """Move the price by ``ticks`` ticks (negative = down); snaps onto the tick grid.

        An empty or unreadable price starts from the prefill price.  The result
        stays within the price filter and above zero.  Returns False when there
        is nothing to start from.
        """
        current = self.price
        if current is None:
            if not self.prefill_price():
                return False
            current = self.price
            assert current is not None
        grid = self.rules.price_grid
        with localcontext(_EXACT):
            position = current / grid
            base = position.to_integral_value(rounding=ROUND_FLOOR if ticks >= 0 else ROUND_CEILING)
            moved = (base + ticks) * grid
            moved = self._clamp_price(moved, grid)
        self.price_text = format_decimal(moved, self.rules.price_decimals)
        return True

    def _clamp_price(self, price: Decimal, grid: Decimal) -> Decimal:
        lowest = self.rules.min_price if self.rules.min_price is not None else grid
        lowest = _round_to_grid(max(lowest, grid), grid, ROUND_CEILING)
        if price < lowest:
            return lowest
        if self.rules.max_price is not None:
            highest = _round_to_grid(self.rules.max_price, grid, ROUND_FLOOR)
            if price > highest and highest >= lowest:
                return highest
        return price

    def size_pct(self, pct: int | Decimal) -> str | None:
        """Set the quantity to ``pct`` % of what the free balance allows; None when done.

        Rounded down to the step size and precision, capped at the maximum
        quantity.  When the result would not be a valid order (below the
        minimum quantity or notional, nothing free, no price yet) the
        quantity is left as it was and the reason is returned.
        """
        candidate = self._sized_quantity(pct)
        if isinstance(candidate, str):
            return candidate
        # A sized quantity is affordable by construction (rounded down from what
        # the free balance allows), so only the symbol's bounds can refuse it.
        problems = self._quantity_errors(candidate) or self._total_errors(self.price, candidate)
        if problems:
            return next(iter(problems.values()))
        self.quantity_text = format_decimal(candidate, self.rules.quantity_decimals)
        return None

    def _sized_quantity(self, pct: int | Decimal) -> Decimal | str:
        try:
            share = Decimal(pct)
        except (InvalidOperation, TypeError, ValueError):
            return "Choose a percentage between 1 and 100."
        if not share.is_finite() or share <= 0 or share > 100:
            return "Choose a percentage between 1 and 100."
        if self.free_balances is None:
            return "Balances are not loaded yet."
        affordable = self._affordable_quantity()
        if isinstance(affordable, str):
            return affordable
        grid = self.rules.quantity_grid
        with localcontext(_EXACT):
            wanted = affordable * share / 100
        # ``affordable`` is a quotient cut at 100 digits, so an exact answer such as
        # 24 % of 1000 at 0.48 (= 500) can come out as 499.999...9; at 90 digits it is
        # whole again, while a true value below a grid point stays below it (amounts
        # have at most 18 digits each side, far coarser than the 90th digit).
        quantity = _round_to_grid(_SHARE_DIGITS.plus(wanted), grid, ROUND_FLOOR)
        if self.rules.max_qty is not None and quantity > self.rules.max_qty:
            quantity = _round_to_grid(self.rules.max_qty, grid, ROUND_FLOOR)
        if quantity <= 0:
            asset = self.rules.quote_asset if self.side == "BUY" else self.rules.base_asset
            step = amount_text(grid)
            return f"{share.normalize():f} % of your free {asset} is less than one quantity step ({step})."
        return quantity

    def _affordable_quantity(self) -> Decimal | str:
        if self.side == "SELL":
            return self._free(self.rules.base_asset)
        price = self.price
        if price is None or price <= 0:
            return "Set a valid price first: the quantity a buy allows depends on it."
        with localcontext(_EXACT):
            return self._free(self.rules.quote_asset) / (price * (1 + self._buy_fee_rate_on_top()))

    # -- fat-finger guard --

    @property
    def reference_price(self) -> tuple[Decimal, str] | None:
        """What the guard compares with: the last price, else the book's mid price."""
        if self.last_price is not None and self.last_price > 0:
            return self.last_price, "the last price"
        if self.best_bid is not None and self.best_ask is not None and 0 < self.best_bid <= self.best_ask:
            with localcontext(_EXACT):
                return (self.best_bid + self.best_ask) / 2, "the mid price"
        return None

    @property
    def price_distance_pct(self) -> Decimal | None:
        """How far the price is from the reference price, in percent (signed)."""
        price, reference = self.price, self.reference_price
        if price is None or reference is None:
            return None
        with localcontext(_EXACT):
            return (price - reference[0]) / reference[0] * 100

    @property
    def needs_fat_finger_confirmation(self) -> bool:
        """True while the price is far from the reference price and not yet confirmed."""
        distance = self.price_distance_pct
        if distance is None or abs(distance) <= self.fat_finger_pct:
            return False
        return self._fat_finger_confirmed_price != self.price

    def confirm_fat_finger(self) -> None:
        """The trader's explicit second confirmation of the current price."""
        self._fat_finger_confirmed_price = self.price

    # -- fees and estimate --

    @property
    def liquidity(self) -> Liquidity:
        """Whether the order would take liquidity (see the module docstring)."""
        price = self.price
        if self.time_in_force in ("IOC", "FOK") or price is None:
            return "taker"
        if self.side == "BUY":
            return "taker" if self.best_ask is None or price >= self.best_ask else "maker"
        return "taker" if self.best_bid is None or price <= self.best_bid else "maker"

    @property
    def fee_rate(self) -> Decimal | None:
        if self.fee is None:
            return None
        return self.fee.taker if self.liquidity == "taker" else self.fee.maker

    def _buy_fee_rate_on_top(self) -> Decimal:
        """The fee rate a BUY pays in quote on top of the notional (0 when fees hit the received asset).

        Only BUY tickets ask: a SELL spends base, and its fee never adds to that.
        """
        if self.fee_from_received:
            return Decimal(0)
        rate = self.fee_rate
        return max(rate, Decimal(0)) if rate is not None else Decimal(0)

    def estimate(self) -> TicketEstimate | None:
        """Notional, fee and balances after a complete fill; None until price and quantity parse."""
        price, quantity = self.price, self.quantity
        if price is None or quantity is None:
            return None
        rate = self.fee_rate
        with localcontext(_EXACT):
            notional = price * quantity
            fee_in_quote = self.side == "SELL" or not self.fee_from_received
            fee_asset = self.rules.quote_asset if fee_in_quote else self.rules.base_asset
            fee_base = quantity if fee_asset == self.rules.base_asset else notional
            fee_amount = fee_base * rate if rate is not None else None
            base_after, quote_after = self._balances_after(notional, quantity, fee_asset, fee_amount)
        return TicketEstimate(
            notional=notional,
            liquidity=self.liquidity,
            fee_rate=rate,
            fee_amount=fee_amount,
            fee_asset=fee_asset,
            base_asset=self.rules.base_asset,
            quote_asset=self.rules.quote_asset,
            base_after=base_after,
            quote_after=quote_after,
        )

    def _balances_after(
        self, notional: Decimal, quantity: Decimal, fee_asset: str, fee_amount: Decimal | None
    ) -> tuple[Decimal | None, Decimal | None]:
        if self.free_balances is None:
            return None, None
        base = self._free(self.rules.base_asset)
        quote = self._free(self.rules.quote_asset)
        fee = fee_amount or Decimal(0)
        if self.side == "BUY":
            base, quote = base + quantity, quote - notional
        else:
            base, quote = base - quantity, quote + notional
        if fee_asset == self.rules.base_asset:
            base -= fee
        else:
            quote -= fee
        return base, quote

    def _free(self, asset: str) -> Decimal:
        if not self.free_balances:
            return Decimal(0)
        return self.free_balances.get(asset, Decimal(0))

    # -- validation --

    def validate(self) -> dict[str, str]:
        """Every problem, field by field, in words; empty when the order may be sent."""
        errors: dict[str, str] = {}
        if self.rules.status != "TRADING":
            errors[FIELD_SYMBOL] = f"{self.rules.symbol} is not trading right now (status {self.rules.status})."
        if self.side not in ("BUY", "SELL"):
            errors[FIELD_SIDE] = "Choose BUY or SELL."
        if self.time_in_force not in TIME_IN_FORCE_CHOICES:
            errors[FIELD_TIME_IN_FORCE] = "Choose a time in force: GTC, IOC or FOK."
        parsed_price = parse_amount(self.price_text, "price")
        parsed_quantity = parse_amount(self.quantity_text, "quantity")
        price, quantity = parsed_price.value, parsed_quantity.value
        if price is None:
            errors[FIELD_PRICE] = parsed_price.error or "Enter a price."
        else:
            errors.update(self._price_errors(price))
        if quantity is None:
            errors[FIELD_QUANTITY] = parsed_quantity.error or "Enter a quantity."
        else:
            errors.update(self._quantity_errors(quantity))
        if price is not None and quantity is not None and FIELD_PRICE not in errors and FIELD_QUANTITY not in errors:
            errors.update(self._total_errors(price, quantity))
            errors.update(self._balance_errors(price, quantity))
        if FIELD_PRICE not in errors and self.needs_fat_finger_confirmation:
            errors[FIELD_PRICE] = self._fat_finger_message()
        return errors

    def order_request(self) -> OrderRequest | None:
        """The order to send, or None while :meth:`validate` reports anything."""
        if self.validate():
            return None
        price, quantity = self.price, self.quantity
        assert price is not None and quantity is not None
        return OrderRequest(
            symbol=self.rules.symbol,
            side=self.side,
            price=price.quantize(_unit(_decimals_of(price)), context=_EXACT),
            quantity=quantity.quantize(_unit(_decimals_of(quantity)), context=_EXACT),
            time_in_force=self.time_in_force,
            places=(self.rules.price_places, self.rules.quantity_places),
        )

    def _price_errors(self, price: Decimal) -> dict[str, str]:
        rules = self.rules
        if price <= 0:
            return {FIELD_PRICE: "The price must be more than zero."}
        if _decimals_of(price) > rules.price_decimals:
            return {FIELD_PRICE: _too_many_decimals("price", rules.price_decimals, rules.symbol)}
        if rules.min_price is not None and price < rules.min_price:
            return {FIELD_PRICE: f"The price is below the minimum {amount_text(rules.min_price)}."}
        if rules.max_price is not None and price > rules.max_price:
            return {FIELD_PRICE: f"The price is above the maximum {amount_text(rules.max_price)}."}
        if rules.tick_size is not None and not _is_multiple(price, rules.tick_size):
            return {FIELD_PRICE: _off_grid_message("price", price, rules.tick_size, "tick size")}
        return {}

    def _quantity_errors(self, quantity: Decimal) -> dict[str, str]:
        rules = self.rules
        if quantity <= 0:
            return {FIELD_QUANTITY: "The quantity must be more than zero."}
        if _decimals_of(quantity) > rules.quantity_decimals:
            return {FIELD_QUANTITY: _too_many_decimals("quantity", rules.quantity_decimals, rules.symbol)}
        if rules.min_qty is not None and quantity < rules.min_qty:
            minimum = amount_text(rules.min_qty)
            return {FIELD_QUANTITY: f"The quantity is below the minimum {minimum} {rules.base_asset}."}
        if rules.max_qty is not None and quantity > rules.max_qty:
            maximum = amount_text(rules.max_qty)
            return {FIELD_QUANTITY: f"The quantity is above the maximum {maximum} {rules.base_asset}."}
        if rules.step_size is not None and not _is_multiple(quantity, rules.step_size):
            return {FIELD_QUANTITY: _off_grid_message("quantity", quantity, rules.step_size, "step size")}
        return {}

    def _total_errors(self, price: Decimal | None, quantity: Decimal) -> dict[str, str]:
        minimum = self.rules.min_notional
        if price is None or minimum is None:
            return {}
        with localcontext(_EXACT):
            total = price * quantity
        if total < minimum:
            quote = self.rules.quote_asset
            shown, least = amount_text(total, self.rules.price_decimals, rounding=ROUND_FLOOR), amount_text(minimum)
            return {FIELD_TOTAL: f"The order total {shown} {quote} is below the minimum {least} {quote}."}
        return {}

    def _balance_errors(self, price: Decimal | None, quantity: Decimal) -> dict[str, str]:
        if self.free_balances is None or price is None:
            return {}
        if self.side == "SELL":
            asset, needed = self.rules.base_asset, quantity
        else:
            asset = self.rules.quote_asset
            with localcontext(_EXACT):
                needed = price * quantity * (1 + self._buy_fee_rate_on_top())
        free = self._free(asset)
        if needed <= free:
            return {}
        fee_on_top = asset == self.rules.quote_asset and self._buy_fee_rate_on_top() > 0
        fee_note = " including the fee" if fee_on_top else ""
        decimals = self.rules.quantity_decimals if asset == self.rules.base_asset else self.rules.price_decimals
        need = amount_text(needed, decimals, rounding=ROUND_CEILING)
        have = amount_text(free, decimals, rounding=ROUND_FLOOR)
        return {FIELD_BALANCE: f"Not enough {asset}: this order needs {need}{fee_note}, you have {have} free."}

    def _fat_finger_message(self) -> str:
        distance, reference = self.price_distance_pct, self.reference_price
        assert distance is not None and reference is not None
        direction = "above" if distance > 0 else "below"
        shown = distance.copy_abs().quantize(Decimal("0.01"), rounding=ROUND_FLOOR, context=_EXACT)
        value, name = reference
        return (
            f"This price is {shown:f} % {direction} {name} {amount_text(value, self.rules.price_decimals)} "
            f"(guard: {format_decimal(self.fat_finger_pct)} %). Confirm it to send anyway."
        )


def _too_many_decimals(what: str, decimals: int, symbol: str) -> str:
    if decimals == 0:
        return f"The {what} must be a whole number for {symbol} (no decimals)."
    unit = "decimal" if decimals == 1 else "decimals"
    return f"Too many decimals: the {what} allows at most {decimals} {unit} for {symbol}."


def _off_grid_message(what: str, value: Decimal, step: Decimal, step_name: str) -> str:
    below = _round_to_grid(value, step, ROUND_FLOOR)
    above = _round_to_grid(value, step, ROUND_CEILING)
    options = amount_text(above) if below <= 0 else f"{amount_text(below)} or {amount_text(above)}"
    return f"The {what} must be a multiple of the {step_name} {amount_text(step)} (e.g. {options})."
