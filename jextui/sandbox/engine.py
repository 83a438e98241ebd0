"""The sandbox's matching engine: order books, accounts, balances, fills.

Pure and synchronous: no I/O, time only from the injected clock, exact
``Decimal`` arithmetic throughout.

Rules (where the API documentation is silent, the choice is noted):

* Price-time priority per symbol; LIMIT orders only; a fill executes at the
  resting (maker) order's price.
* Time in force: ``GTC`` rests what does not fill; ``IOC`` fills what crosses
  and cancels the rest; ``FOK`` fills completely or not at all.  An IOC or FOK
  order that does not (fully) rest ends ``CANCELED`` -- with
  ``executed_qty > 0`` when an IOC filled partly.  A FOK that cannot fill
  completely changes neither the book nor any balance, but it still gets an
  order id and appears in the order history as ``CANCELED`` with nothing
  executed.
* Funds are locked on placement (a BUY locks ``price * qty`` of the quote
  asset, a SELL locks ``qty`` of the base asset) and released on fill or
  cancel; a BUY filled below its limit releases the difference at once.
* Fees are charged on what each side receives (the buyer pays in the base
  asset, the seller in the quote asset) at the account's maker or taker rate,
  rounded down to 8 decimals (in the account's favour).  Negative rates are
  rebates.
* Self-trades are allowed: an account may fill against its own resting order
  (both sides pay their fee).
* At most ``max_open_orders`` (200) open orders per symbol per account; the
  next placement is rejected with ``-2019 "has reach max order number"``
  (the exchange's own message).
* Trade ids increase by one per symbol; order ids increase across the whole
  exchange.
* Every validation failure raises :class:`EngineError` carrying the API's
  code and message.  Checks run in this order: symbol, market status, side,
  time in force, positive price and quantity, decimals (``-1129``), price
  filter, lot size, min notional (``-9000``), open-order cap (``-2019``),
  balance (``-2010``).  Trailing zeros do not count as decimals (``"1.10"``
  is a valid one-decimal price); an unknown account is refused like an
  empty one (``-2010``).
* Open orders and history are listed ascending by order id: the most recent
  ``limit``, or the first ``limit`` from ``from_order_id`` (inclusive).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from jextui.sandbox.clock import Clock
from jextui.sandbox.engine_records import (
    BUY,
    CANCEL_NOT_OPEN,
    CANCELED,
    DEFAULT_MAKER_FEE,
    DEFAULT_TAKER_FEE,
    FEE_UNIT,
    FILLED,
    FOK,
    GTC,
    IOC,
    MAX_OPEN_ORDERS,
    NEW,
    OPEN_STATUSES,
    ORDER_DOES_NOT_EXIST,
    PARTIALLY_FILLED,
    SELL,
    SIDES,
    TIME_IN_FORCES,
    ZERO,
    AssetBalance,
    EngineError,
    EngineOrder,
    Fill,
    filter_failure,
    insufficient_balance,
    invalid_symbol,
    malformed,
    scale_error,
)
from jextui.sandbox.symbol_book import SymbolBook
from jextui.sandbox.symbols import SymbolSpec, unit

__all__ = [
    "EngineError",
    "EngineOrder",
    "Fill",
    "AssetBalance",
    "Engine",
    "BUY",
    "SELL",
    "GTC",
    "IOC",
    "FOK",
    "NEW",
    "PARTIALLY_FILLED",
    "FILLED",
    "CANCELED",
    "DEFAULT_MAKER_FEE",
    "DEFAULT_TAKER_FEE",
    "invalid_symbol",
]


class _Balance:
    __slots__ = ("free", "locked")

    def __init__(self, free: Decimal = ZERO, locked: Decimal = ZERO) -> None:
        self.free = free
        self.locked = locked


class _Account:
    __slots__ = (
        "balances",
        "maker_fee",
        "taker_fee",
        "fee_overrides",
        "open_orders",
        "history",
        "keep_history",
    )

    def __init__(
        self,
        maker_fee: Decimal,
        taker_fee: Decimal,
        fee_overrides: Mapping[str, tuple[Decimal, Decimal]],
        keep_history: bool,
    ) -> None:
        self.balances: dict[str, _Balance] = {}
        self.maker_fee = maker_fee
        self.taker_fee = taker_fee
        self.fee_overrides = dict(fee_overrides)
        # symbol -> {order_id: order}, in order-id (placement) order
        self.open_orders: dict[str, dict[int, EngineOrder]] = {}
        # symbol -> every order ever placed (only when keep_history)
        self.history: dict[str, list[EngineOrder]] = {}
        self.keep_history = keep_history

    def balance(self, asset: str) -> _Balance:
        bal = self.balances.get(asset)
        if bal is None:
            bal = self.balances[asset] = _Balance()
        return bal

    def fees(self, symbol: str) -> tuple[Decimal, Decimal]:
        override = self.fee_overrides.get(symbol)
        return override if override is not None else (self.maker_fee, self.taker_fee)


def _scale_ok(value: Decimal, decimals: int) -> bool:
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        return False
    if exponent >= -decimals:
        return True
    try:  # "1.10" has two decimals written but only one that counts
        return value == value.quantize(unit(decimals))
    except InvalidOperation:
        return False


class Engine:
    """Order books for every symbol plus the accounts trading on them."""

    def __init__(
        self,
        symbols: Iterable[SymbolSpec],
        clock: Clock,
        *,
        max_open_orders: int = 200,
        default_maker_fee: Decimal = DEFAULT_MAKER_FEE,
        default_taker_fee: Decimal = DEFAULT_TAKER_FEE,
    ) -> None:
        self.clock = clock
        self.max_open_orders = max_open_orders
        self.default_maker_fee = default_maker_fee
        self.default_taker_fee = default_taker_fee
        self.symbols: dict[str, SymbolSpec] = {}
        self._books: dict[str, SymbolBook] = {}
        for spec in symbols:
            if spec.symbol in self.symbols:
                raise ValueError(f"symbol {spec.symbol} listed twice")
            self.symbols[spec.symbol] = spec
            self._books[spec.symbol] = SymbolBook(spec)
        self._accounts: dict[str, _Account] = {}
        self._orders: dict[int, EngineOrder] = {}
        self._next_order_id = 1
        self._fill_listeners: list[Callable[[Fill], None]] = []
        self._order_listeners: list[Callable[[EngineOrder], None]] = []

    # --- accounts -------------------------------------------------------------

    def add_account(
        self,
        account_id: str,
        balances: Mapping[str, Decimal],
        *,
        maker_fee: Decimal | None = None,
        taker_fee: Decimal | None = None,
        fee_overrides: Mapping[str, tuple[Decimal, Decimal]] | None = None,
        keep_history: bool = True,
    ) -> None:
        """Open an account with free ``balances``.

        ``fee_overrides`` maps a symbol to its own (maker, taker) rates.  With
        ``keep_history=False`` closed orders are forgotten (the simulated
        traders use this so a long run does not grow without bound).
        """
        if account_id in self._accounts:
            raise ValueError(f"account {account_id!r} already exists")
        account = _Account(
            self.default_maker_fee if maker_fee is None else Decimal(maker_fee),
            self.default_taker_fee if taker_fee is None else Decimal(taker_fee),
            fee_overrides or {},
            keep_history,
        )
        for asset, amount in balances.items():
            amount = Decimal(amount)
            if amount < 0:
                raise ValueError(f"negative opening balance for {asset}")
            account.balance(asset).free = amount
        self._accounts[account_id] = account

    def has_account(self, account_id: str) -> bool:
        return account_id in self._accounts

    def account_ids(self) -> list[str]:
        return list(self._accounts)

    def balances(self, account_id: str) -> dict[str, AssetBalance]:
        """Every asset the account holds or has held, sorted by asset name (8 decimals)."""
        account = self._accounts.get(account_id)
        if account is None:
            return {}
        return {
            asset: AssetBalance(bal.free.quantize(FEE_UNIT), bal.locked.quantize(FEE_UNIT))
            for asset, bal in sorted(account.balances.items())
        }

    def fees(self, account_id: str, symbol: str) -> tuple[Decimal, Decimal]:
        """The (maker, taker) rates the account pays on ``symbol``."""
        if symbol not in self._books:
            raise invalid_symbol()
        account = self._accounts.get(account_id)
        if account is None:
            return (self.default_maker_fee, self.default_taker_fee)
        return account.fees(symbol)

    def set_fees(self, account_id: str, maker_fee: Decimal, taker_fee: Decimal, symbol: str | None = None) -> None:
        """Change an account's rates (for one symbol, or its default rates)."""
        account = self._account(account_id)
        if symbol is None:
            account.maker_fee, account.taker_fee = Decimal(maker_fee), Decimal(taker_fee)
        else:
            if symbol not in self._books:
                raise invalid_symbol()
            account.fee_overrides[symbol] = (Decimal(maker_fee), Decimal(taker_fee))

    def _account(self, account_id: str) -> _Account:
        account = self._accounts.get(account_id)
        if account is None:
            raise EngineError(-2015, "Invalid API-key, IP, or permissions for action.")
        return account

    # --- listeners ------------------------------------------------------------

    def add_fill_listener(self, fn: Callable[[Fill], None]) -> None:
        """Call ``fn(fill)`` for every trade, in trade order."""
        self._fill_listeners.append(fn)

    def add_order_listener(self, fn: Callable[[EngineOrder], None]) -> None:
        """Call ``fn(order)`` whenever an order is placed, filled or canceled."""
        self._order_listeners.append(fn)

    # --- orders ---------------------------------------------------------------

    def _book(self, symbol: str) -> SymbolBook:
        book = self._books.get(symbol)
        if book is None:
            raise invalid_symbol()
        return book

    def _validate(
        self, book: SymbolBook, side: str, price: Decimal, qty: Decimal, time_in_force: str
    ) -> tuple[Decimal, Decimal]:
        """Check an order against the symbol's rules; returns price and qty quantised."""
        spec = book.spec
        if spec.status != "TRADING":
            raise EngineError(-2010, "Market is closed.")
        if side not in SIDES:
            raise EngineError(-1117, "Invalid side.")
        if time_in_force not in TIME_IN_FORCES:
            raise EngineError(-1115, "Invalid timeInForce.")
        if not isinstance(price, Decimal) or not price.is_finite():
            raise malformed("price")
        if not isinstance(qty, Decimal) or not qty.is_finite():
            raise malformed("quantity")
        if price <= 0 or qty <= 0:
            raise EngineError(-2010, "Price * QTY is zero or less.")
        if not _scale_ok(price, spec.quote_precision):
            raise scale_error("price", spec.quote_precision)
        if not _scale_ok(qty, spec.base_precision):
            raise scale_error("quantity", spec.base_precision)
        if price < spec.min_price or price > spec.max_price or price % spec.tick_size:
            raise filter_failure("PRICE_FILTER")
        if qty < spec.min_qty or qty > spec.max_qty or qty % spec.step_size:
            raise filter_failure("LOT_SIZE")
        if price * qty < spec.min_notional:
            raise filter_failure("MIN_NOTIONAL")
        return price.quantize(spec.price_exp), qty.quantize(spec.qty_exp)

    def _check_funds(
        self, account: _Account | None, book: SymbolBook, side: str, price: Decimal, qty: Decimal
    ) -> tuple[_Balance, Decimal]:
        if account is None:
            raise insufficient_balance()
        open_here = account.open_orders.get(book.spec.symbol)
        if open_here is not None and len(open_here) >= self.max_open_orders:
            raise EngineError(*MAX_OPEN_ORDERS)
        if side == BUY:
            asset, amount = book.spec.quote_asset, price * qty
        else:
            asset, amount = book.spec.base_asset, qty
        bal = account.balances.get(asset)
        if bal is None or bal.free < amount:
            raise insufficient_balance()
        return bal, amount

    def check_order(
        self,
        account_id: str,
        symbol: str,
        side: str,
        price: Decimal,
        qty: Decimal,
        time_in_force: str = GTC,
    ) -> None:
        """Every check :meth:`place_order` makes, without changing anything."""
        book = self._book(symbol)
        price, qty = self._validate(book, side, price, qty, time_in_force)
        self._check_funds(self._accounts.get(account_id), book, side, price, qty)

    def place_order(
        self,
        account_id: str,
        symbol: str,
        side: str,
        price: Decimal,
        qty: Decimal,
        time_in_force: str = GTC,
    ) -> tuple[EngineOrder, list[Fill]]:
        """Place a LIMIT order; returns the order (final state) and its fills."""
        book = self._book(symbol)
        price, qty = self._validate(book, side, price, qty, time_in_force)
        account = self._accounts.get(account_id)
        bal, amount = self._check_funds(account, book, side, price, qty)
        assert account is not None
        now = self.clock.now_ms()
        order = EngineOrder(
            self._next_order_id,
            account_id,
            symbol,
            side,
            price,
            qty,
            ZERO,
            ZERO,
            NEW,
            time_in_force,
            "LIMIT",
            now,
            now,
        )
        self._next_order_id += 1
        fills: list[Fill] = []
        makers: list[EngineOrder] = []
        if time_in_force == FOK and book.fillable_qty(side, price, qty) < qty:
            order.status = CANCELED
        else:
            bal.free -= amount
            bal.locked += amount
            touched = self._match(book, order, account, now, fills, makers)
            self._settle_taker(book, order, account)
            if touched:
                book.update_id += 1
        self._record(account, order)
        if fills:
            for fn in self._fill_listeners:
                for fill in fills:
                    fn(fill)
        if self._order_listeners:
            self._notify_orders(order, makers)
        return order, fills

    def _settle_taker(self, book: SymbolBook, order: EngineOrder, account: _Account) -> None:
        """Rest a GTC remainder, or cancel an IOC/FOK remainder and release its funds."""
        remaining = order.remaining_qty
        if not remaining:
            order.status = FILLED
            return
        if order.time_in_force == GTC:
            book.rest(order)
            book.update_id += 1
            account.open_orders.setdefault(order.symbol, {})[order.order_id] = order
            return
        self._release(account, book.spec, order, remaining)
        order.status = CANCELED

    def _release(self, account: _Account, spec: SymbolSpec, order: EngineOrder, remaining: Decimal) -> None:
        if order.side == BUY:
            bal, amount = account.balances[spec.quote_asset], order.price * remaining
        else:
            bal, amount = account.balances[spec.base_asset], remaining
        bal.locked -= amount
        bal.free += amount

    def _record(self, account: _Account, order: EngineOrder) -> None:
        if account.keep_history:
            self._orders[order.order_id] = order
            account.history.setdefault(order.symbol, []).append(order)
        elif order.status in OPEN_STATUSES:
            self._orders[order.order_id] = order

    def _notify_orders(self, taker: EngineOrder, makers: list[EngineOrder]) -> None:
        for fn in self._order_listeners:
            for maker in makers:
                fn(maker)
            fn(taker)

    def _match(
        self,
        book: SymbolBook,
        taker: EngineOrder,
        taker_account: _Account,
        now: int,
        fills: list[Fill],
        makers: list[EngineOrder],
    ) -> bool:
        """Match ``taker`` against the opposite side; returns whether the book changed.

        Appends each trade to ``fills`` and each maker order touched (once) to ``makers``.
        """
        spec = book.spec
        base, quote = spec.base_asset, spec.quote_asset
        limit = taker.price
        is_buy = taker.side == BUY
        if is_buy:
            keys, levels = book.ask_keys, book.asks
        else:
            keys, levels = book.bid_keys, book.bids
        remaining = taker.orig_qty
        accounts = self._accounts
        taker_fee_rate = taker_account.fees(spec.symbol)[1]
        changed = False
        while remaining and keys:
            key = keys[-1]
            level_price = -key if is_buy else key
            if (level_price > limit) if is_buy else (level_price < limit):
                break
            level = levels[key]
            while remaining and level:
                maker = level[0]
                if not makers or makers[-1] is not maker:
                    makers.append(maker)
                maker_left = maker.remaining_qty
                qty = maker_left if maker_left < remaining else remaining
                quote_qty = level_price * qty
                maker_account = accounts[maker.account_id]
                maker_rate = maker_account.fees(spec.symbol)[0]
                # the maker's side of the trade
                maker.executed_qty += qty
                maker.cummulative_quote_qty += quote_qty
                maker.update_time = now
                if qty == maker_left:
                    maker.status = FILLED
                    level.popleft()
                    del maker_account.open_orders[spec.symbol][maker.order_id]
                    if not maker_account.keep_history:
                        del self._orders[maker.order_id]
                else:
                    maker.status = PARTIALLY_FILLED
                # the taker's side
                taker.executed_qty += qty
                taker.cummulative_quote_qty += quote_qty
                remaining -= qty
                if is_buy:
                    maker_fee = _fee(quote_qty, maker_rate)
                    taker_fee = _fee(qty, taker_fee_rate)
                    maker_bal = maker_account.balances[base]
                    maker_bal.locked -= qty
                    maker_account.balance(quote).free += quote_qty - maker_fee
                    taker_quote = taker_account.balances[quote]
                    taker_quote.locked -= limit * qty
                    taker_quote.free += (limit - level_price) * qty
                    taker_account.balance(base).free += qty - taker_fee
                    maker_fee_asset, taker_fee_asset = quote, base
                else:
                    maker_fee = _fee(qty, maker_rate)
                    taker_fee = _fee(quote_qty, taker_fee_rate)
                    maker_bal = maker_account.balances[quote]
                    maker_bal.locked -= quote_qty
                    maker_account.balance(base).free += qty - maker_fee
                    taker_account.balances[base].locked -= qty
                    taker_account.balance(quote).free += quote_qty - taker_fee
                    maker_fee_asset, taker_fee_asset = base, quote
                fills.append(
                    Fill(
                        book.next_trade_id,
                        spec.symbol,
                        level_price,
                        qty,
                        quote_qty,
                        now,
                        not is_buy,
                        maker.order_id,
                        taker.order_id,
                        maker.account_id,
                        taker.account_id,
                        maker_fee,
                        taker_fee,
                        maker_fee_asset,
                        taker_fee_asset,
                    )
                )
                book.next_trade_id += 1
                changed = True
            if not level:
                del levels[key]
                keys.pop()
        if taker.executed_qty:
            taker.status = PARTIALLY_FILLED
            taker.update_time = now
        return changed

    def cancel_order(self, account_id: str, symbol: str, order_id: int) -> EngineOrder:
        """Cancel an open order of the account; returns it in its final state."""
        book = self._book(symbol)
        order = self._orders.get(order_id)
        if order is None or order.account_id != account_id or order.symbol != symbol:
            raise EngineError(*ORDER_DOES_NOT_EXIST)
        if order.status not in OPEN_STATUSES:
            raise EngineError(*CANCEL_NOT_OPEN)
        account = self._accounts[account_id]
        book.unrest(order)
        book.update_id += 1
        self._release(account, book.spec, order, order.remaining_qty)
        order.status = CANCELED
        order.update_time = self.clock.now_ms()
        del account.open_orders[symbol][order_id]
        if not account.keep_history:
            del self._orders[order_id]
        for fn in self._order_listeners:
            fn(order)
        return order

    def get_order(self, account_id: str, symbol: str, order_id: int) -> EngineOrder:
        self._book(symbol)
        order = self._orders.get(order_id)
        if order is None or order.account_id != account_id or order.symbol != symbol:
            raise EngineError(*ORDER_DOES_NOT_EXIST)
        return order

    def open_orders(
        self,
        account_id: str,
        symbol: str,
        *,
        from_order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[EngineOrder]:
        """The account's open orders on ``symbol``, ascending by order id.

        With ``from_order_id`` the first ``limit`` orders whose id is >= it;
        otherwise the most recent ``limit``.  ``start_time``/``end_time``
        bound the placement time (inclusive).
        """
        self._book(symbol)
        account = self._accounts.get(account_id)
        if account is None:
            return []
        orders = account.open_orders.get(symbol, {}).values()
        return _select(orders, from_order_id, start_time, end_time, limit)

    def history_orders(
        self,
        account_id: str,
        symbol: str,
        *,
        from_order_id: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int = 500,
    ) -> list[EngineOrder]:
        """Every order (open and closed) of the account on ``symbol``; same selection as open_orders.

        An account that keeps no history has only its open orders to show.
        """
        account = self._accounts.get(account_id)
        if account is None or not account.keep_history:
            return self.open_orders(
                account_id,
                symbol,
                from_order_id=from_order_id,
                start_time=start_time,
                end_time=end_time,
                limit=limit,
            )
        self._book(symbol)
        orders = account.history.get(symbol, [])
        return _select(orders, from_order_id, start_time, end_time, limit)

    # --- book views -----------------------------------------------------------

    def depth(
        self, symbol: str, limit: int
    ) -> tuple[int, list[tuple[Decimal, Decimal]], list[tuple[Decimal, Decimal]]]:
        """(last_update_id, bids best first, asks best first), one entry per price level."""
        book = self._book(symbol)
        return book.update_id, book.levels(BUY, limit), book.levels(SELL, limit)

    def best_bid_ask(self, symbol: str) -> tuple[tuple[Decimal, Decimal] | None, tuple[Decimal, Decimal] | None]:
        book = self._book(symbol)
        bids = book.levels(BUY, 1)
        asks = book.levels(SELL, 1)
        return (bids[0] if bids else None, asks[0] if asks else None)

    def last_update_id(self, symbol: str) -> int:
        return self._book(symbol).update_id

    # --- persistence support --------------------------------------------------

    @property
    def next_order_id(self) -> int:
        return self._next_order_id

    def next_trade_id(self, symbol: str) -> int:
        return self._book(symbol).next_trade_id

    def set_next_trade_id(self, symbol: str, trade_id: int) -> None:
        """Start (or continue) ``symbol``'s trade ids at ``trade_id``."""
        self._book(symbol).next_trade_id = int(trade_id)

    def account_state(self, account_id: str) -> tuple[Decimal, Decimal, dict[str, tuple[Decimal, Decimal]], bool]:
        """(maker_fee, taker_fee, fee_overrides, keep_history) of an account."""
        account = self._account(account_id)
        return account.maker_fee, account.taker_fee, dict(account.fee_overrides), account.keep_history

    def stored_order(self, order_id: int) -> EngineOrder | None:
        """The order with this id if the engine still keeps it."""
        return self._orders.get(order_id)

    def unlock(self, account_id: str, asset: str, amount: Decimal) -> None:
        """Move ``amount`` from locked to free (restoring state for a symbol no longer listed)."""
        bal = self._account(account_id).balance(asset)
        amount = min(amount, bal.locked)
        bal.locked -= amount
        bal.free += amount

    def stored_orders(self) -> list[EngineOrder]:
        """Every order the engine remembers (all open ones, closed ones of history accounts)."""
        return sorted(self._orders.values(), key=lambda order: order.order_id)

    def restore_account(
        self,
        account_id: str,
        balances: Mapping[str, AssetBalance],
        *,
        maker_fee: Decimal,
        taker_fee: Decimal,
        fee_overrides: Mapping[str, tuple[Decimal, Decimal]] | None = None,
        keep_history: bool = True,
    ) -> None:
        """Re-create an account exactly (free and locked) from saved state."""
        self.add_account(
            account_id,
            {},
            maker_fee=maker_fee,
            taker_fee=taker_fee,
            fee_overrides=fee_overrides,
            keep_history=keep_history,
        )
        account = self._accounts[account_id]
        for asset, saved in balances.items():
            account.balances[asset] = _Balance(saved.free, saved.locked)

    def restore_order(self, order: EngineOrder) -> None:
        """Put a saved order back (on the book when open).  Restore in order-id order."""
        book = self._book(order.symbol)
        account = self._account(order.account_id)
        self._record(account, order)
        if order.status in OPEN_STATUSES:
            book.rest(order)
            account.open_orders.setdefault(order.symbol, {})[order.order_id] = order
        self._next_order_id = max(self._next_order_id, order.order_id + 1)

    def restore_counters(self, next_order_id: int, books: Mapping[str, tuple[int, int]]) -> None:
        """Set the order-id counter and each symbol's (next_trade_id, update_id)."""
        self._next_order_id = max(self._next_order_id, int(next_order_id))
        for symbol, (next_trade_id, update_id) in books.items():
            book = self._books.get(symbol)
            if book is not None:
                book.next_trade_id = int(next_trade_id)
                book.update_id = int(update_id)


def _fee(amount: Decimal, rate: Decimal) -> Decimal:
    if not rate:
        return ZERO
    return (amount * rate).quantize(FEE_UNIT, ROUND_DOWN)


def _select(
    orders: Iterable[EngineOrder],
    from_order_id: int | None,
    start_time: int | None,
    end_time: int | None,
    limit: int,
) -> list[EngineOrder]:
    selected = [
        order
        for order in orders
        if (from_order_id is None or order.order_id >= from_order_id)
        and (start_time is None or order.time >= start_time)
        and (end_time is None or order.time <= end_time)
    ]
    if limit <= 0:
        return []
    if from_order_id is not None:
        return selected[:limit]
    return selected[-limit:]
