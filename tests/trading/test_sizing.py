"""Sizing by amount: quantities, quote amounts and shares typed in the quantity field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.trading_fakes import fee, symbol_info

from jextui.config.state import UiState, load_state, update_state
from jextui.trading.sizing import (
    MAX_REMEMBERED_SIZES,
    SIZE_QUANTITY,
    SIZE_QUOTE,
    SIZE_SHARE,
    LastSizes,
    evaluate_size,
    parse_size,
)
from jextui.trading.ticket import OrderTicket

D = Decimal

# (step, quantity decimals, minimum quantity) for the lot steps under test
STEPS = {
    "1": (D("1"), 0, D("1")),
    "0.1": (D("0.1"), 1, D("0.1")),
    "0.001": (D("0.001"), 3, D("0.001")),
    "0.00001": (D("0.00001"), 5, D("0.00001")),
}


def ticket(
    side: str = "BUY",
    *,
    step: str = "0.001",
    price: str = "100",
    free_quote: str = "1000",
    free_base: str = "2",
    min_notional: str | None = "10",
    **context: object,
) -> OrderTicket:
    lot, decimals, minimum = STEPS[step]
    info = symbol_info(
        step=f"{lot}", qty_decimals=decimals, min_qty=f"{minimum}", tick="0.01", max_qty=None, min_notional=min_notional
    )
    context.setdefault("free_balances", {"USDT": D(free_quote), "BTC": D(free_base)})
    return OrderTicket.for_symbol(side, info, price_text=price, **context)  # type: ignore[arg-type]


# --- reading the text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("0.5", SIZE_QUANTITY, "0.5"),
        (" 2 ", SIZE_QUANTITY, "2"),
        ("0.5btc", SIZE_QUANTITY, "0.5"),
        ("0.5 BTC", SIZE_QUANTITY, "0.5"),
        ("500usdt", SIZE_QUOTE, "500"),
        ("500 USDT", SIZE_QUOTE, "500"),
        ("500 UsDt", SIZE_QUOTE, "500"),
        ("1,234.5usdt", SIZE_QUOTE, "1234.5"),
        (".5usdt", SIZE_QUOTE, "0.5"),
        ("37%", SIZE_SHARE, "37"),
        ("12.5 %", SIZE_SHARE, "12.5"),
        ("100%", SIZE_SHARE, "100"),
    ],
)
def test_the_three_forms_are_read(text: str, kind: str, value: str) -> None:
    size = parse_size(text, base_asset="BTC", quote_asset="USDT")
    assert size.ok and size.kind == kind and size.value == D(value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter a quantity, an amount such as 500usdt"),
        ("500eur", "EUR is neither BTC nor USDT"),
        ("500 ETH", "ETH is neither BTC nor USDT"),
        ("0%", "more than 0 % and at most 100 %"),
        ("101%", "more than 0 % and at most 100 %"),
        ("0usdt", "amount must be more than zero"),
        ("0", "quantity must be more than zero"),
        ("abc", "That is not a size"),
        ("usdt500", "That is not a size"),
        ("-5", "positive number"),
        ("1e5", "without an exponent"),
        ("1.2.3", "at most one decimal point"),
        ("1,5usdt", "dot for decimals"),
        ("5 % %", "That is not a size"),
    ],
)
def test_what_is_not_a_size_is_said_in_words(text: str, words: str) -> None:
    size = parse_size(text, base_asset="BTC", quote_asset="USDT")
    assert not size.ok and size.error is not None and words in size.error


def test_parse_size_never_raises_on_odd_input() -> None:
    for odd in (None, 5, "∞usdt", "５usdt", "%", "usdt", " " * 3, "1" * 40 + "usdt"):
        assert not parse_size(odd, base_asset="BTC", quote_asset="USDT").ok


# --- quote amounts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "price", "amount", "quantity"),
    [
        ("1", "24", "500", "20"),  # 20.83 -> 20
        ("0.1", "24", "500", "20.8"),
        ("0.001", "64256.43", "500", "0.007"),
        ("0.00001", "64256.43", "500", "0.00778"),
        ("0.001", "100", "500", "5"),  # exact: nothing lost
    ],
)
def test_a_quote_amount_rounds_down_to_the_lot_step(step: str, price: str, amount: str, quantity: str) -> None:
    result = evaluate_size(f"{amount}usdt", ticket(step=step, price=price, free_quote="100000"))
    assert result.ok, result.error
    assert result.quantity == D(quantity)
    assert result.total == D(quantity) * D(price) <= D(amount)


def test_a_quote_amount_also_sizes_a_sell() -> None:
    result = evaluate_size("150 USDT", ticket("SELL", step="0.001", price="100", free_base="2"))
    assert result.ok and result.quantity == D("1.5") and result.total == D("150")


def test_a_quote_amount_below_the_minimum_total_keeps_the_quantity_and_says_why() -> None:
    result = evaluate_size("9.99usdt", ticket(step="0.001", price="1"))
    assert not result.ok and result.quantity == D("9.99")
    assert result.error is not None and "below the minimum 10 USDT" in result.error


def test_a_quote_amount_below_one_step_says_so() -> None:
    result = evaluate_size("5usdt", ticket(step="1", price="24", min_notional=None))
    assert not result.ok and result.quantity == 0
    assert result.error is not None and "less than one quantity step (1 BTC)" in result.error


def test_a_quote_amount_below_the_minimum_quantity_says_so() -> None:
    info = symbol_info(step="0.001", qty_decimals=3, min_qty="0.01", tick="0.01", min_notional=None)
    buy = OrderTicket.for_symbol("BUY", info, price_text="100", free_balances={"USDT": D("1000")})
    result = evaluate_size("0.5usdt", buy)
    assert result.quantity == D("0.005") and result.error is not None and "below the minimum 0.01 BTC" in result.error


def test_a_quote_amount_needs_a_price() -> None:
    result = evaluate_size("500usdt", ticket(price=""))
    assert not result.ok and result.quantity is None and "Set a valid price first" in (result.error or "")


def test_a_quote_amount_beyond_the_free_balance_is_refused_in_words() -> None:
    result = evaluate_size("5000usdt", ticket(price="100", free_quote="1000"))
    assert result.quantity == D("50") and "Not enough USDT" in (result.error or "")


@settings(max_examples=200, deadline=None)
@given(
    step=st.sampled_from(sorted(STEPS)),
    price_cents=st.integers(min_value=1, max_value=10_000_000),
    amount_cents=st.integers(min_value=1, max_value=100_000_000),
)
def test_quote_amount_property_largest_quantity_on_the_grid_within_the_amount(
    step: str, price_cents: int, amount_cents: int
) -> None:
    price, amount = D(price_cents) / 100, D(amount_cents) / 100
    buy = ticket(step=step, price=f"{price}", free_quote="1000000000", min_notional=None)
    result = evaluate_size(f"{amount}usdt", buy)
    lot = STEPS[step][0]
    assert result.quantity is not None
    assert result.quantity % lot == 0
    assert result.quantity * price <= amount < (result.quantity + lot) * price
    if result.ok:
        assert result.total == result.quantity * price


# --- shares of the free balance ----------------------------------------------------


@pytest.mark.parametrize(
    ("step", "text", "quantity"),
    [
        ("1", "37%", "3"),  # 370 USDT / 100 = 3.7 -> 3
        ("0.1", "37%", "3.7"),
        ("0.001", "37%", "3.7"),
        ("0.00001", "33.3%", "3.33"),
        ("0.001", "100%", "10"),
        ("0.1", "25%", "2.5"),
    ],
)
def test_a_buy_share_uses_the_free_quote_at_the_ticket_price(step: str, text: str, quantity: str) -> None:
    result = evaluate_size(text, ticket(step=step, price="100", free_quote="1000"))
    assert result.ok, result.error
    assert result.quantity == D(quantity) and result.total == D(quantity) * 100


def test_a_sell_share_uses_the_free_base() -> None:
    result = evaluate_size("37%", ticket("SELL", step="0.001", price="100", free_base="2"))
    assert result.ok and result.quantity == D("0.74")


def test_a_share_matches_the_f_keys_sizing() -> None:
    for pct in (25, 50, 75, 100):
        keyed = ticket(step="0.00001", price="64256.43", free_quote="1234.56")
        assert keyed.size_pct(pct) is None
        typed = evaluate_size(f"{pct}%", ticket(step="0.00001", price="64256.43", free_quote="1234.56"))
        assert typed.quantity == keyed.quantity


def test_a_buy_share_leaves_room_for_a_fee_charged_on_top() -> None:
    on_top = ticket(
        step="0.00001",
        price="100",
        free_quote="1000",
        fee=fee(taker="0.002"),
        fee_from_received=False,
        time_in_force="IOC",
    )
    result = evaluate_size("100%", on_top)
    assert result.ok and result.quantity == D("9.98003")  # 1000 / (100 * 1.002), rounded down
    assert result.quantity * 100 * D("1.002") <= 1000


def test_an_exact_share_is_not_cut_one_step_short() -> None:
    # 24 % of 1000 USDT at 0.48 is exactly 500: the quotient 1000 / 0.48 is not
    result = evaluate_size("24%", ticket(step="0.00001", price="0.48", free_quote="1000", min_notional=None))
    assert result.ok and result.quantity == D("500")


def test_a_share_that_gives_too_little_says_why() -> None:
    result = evaluate_size("1%", ticket(step="1", price="100", free_quote="1000"))
    assert not result.ok and "less than one quantity step" in (result.error or "")
    nothing = evaluate_size("50%", ticket(free_balances=None))
    assert "Balances are not loaded yet" in (nothing.error or "")


def test_evaluating_never_changes_the_ticket() -> None:
    buy = ticket(quantity_text="1")
    for text in ("37%", "500usdt", "0.5"):
        evaluate_size(text, buy)
    assert buy.quantity_text == "1"


def test_a_plain_quantity_is_used_as_typed_and_checked() -> None:
    result = evaluate_size("0.0005", ticket(step="0.001", price="100"))
    assert result.quantity == D("0.0005") and result.error is not None


@settings(max_examples=150, deadline=None)
@given(
    step=st.sampled_from(sorted(STEPS)),
    pct=st.integers(min_value=1, max_value=100),
    free_cents=st.integers(min_value=100_000, max_value=10**12),
    price_cents=st.integers(min_value=1, max_value=10_000_000),
)
def test_share_property_never_more_than_the_share_allows(
    step: str, pct: int, free_cents: int, price_cents: int
) -> None:
    price, free = D(price_cents) / 100, D(free_cents) / 100
    buy = ticket(step=step, price=f"{price}", free_quote=f"{free}", min_notional=None)
    result = evaluate_size(f"{pct}%", buy)
    lot = STEPS[step][0]
    if result.quantity is None:
        assert result.error is not None and "less than one quantity step" in result.error
        return
    assert result.quantity % lot == 0
    assert result.quantity * price <= free * pct / 100 < (result.quantity + lot) * price


# --- the last size used -------------------------------------------------------------


def test_the_last_size_is_kept_per_symbol_and_side() -> None:
    sizes = LastSizes()
    assert sizes.remember("BTCUSDT", "BUY", " 500usdt ")
    assert sizes.remember("BTCUSDT", "SELL", "37%")
    assert sizes.remember("BTCUSDT", "BUY", "0.5")
    assert sizes.get("BTCUSDT", "BUY") == "0.5" and sizes.get("BTCUSDT", "SELL") == "37%"
    assert sizes.get("ETHUSDT", "BUY") is None
    assert not sizes.remember("BTCUSDT", "BUY", "nonsense")
    assert not sizes.remember("btc usdt", "BUY", "1")
    assert sizes.get("BTCUSDT", "BUY") == "0.5"


def test_last_sizes_round_trip_through_the_ui_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    sizes = LastSizes({("BTCUSDT", "BUY"): "500usdt", ("DASHUSDT", "SELL"): "100%"})
    update_state(path, last_sizes=sizes.to_state(), theme="jextui-light")
    loaded = load_state(path)
    assert loaded.theme == "jextui-light"
    assert LastSizes.from_state(loaded.last_sizes) == sizes
    assert load_state(tmp_path / "absent.json").last_sizes is None
    assert len(LastSizes.from_state(None)) == 0


def test_malformed_saved_sizes_are_left_out_not_raised() -> None:
    raw = {"BTCUSDT:BUY": "500usdt", "BTCUSDT:HOLD": "1", "nope": "1", "ETHUSDT:SELL": "x" * 100, "LTCBTC:SELL": 5}
    sizes = LastSizes.from_state(raw)
    assert sizes.to_state() == {"BTCUSDT:BUY": "500usdt"}
    state = msgspec.json.decode(b'{"last_sizes": {"BTCUSDT:BUY": "1"}}', type=UiState)
    assert LastSizes.from_state(state.last_sizes).get("BTCUSDT", "BUY") == "1"


def test_only_the_newest_pairs_are_kept() -> None:
    sizes = LastSizes()
    for n in range(MAX_REMEMBERED_SIZES + 5):
        sizes.remember(f"SYM{n}USDT", "BUY", "1")
    assert len(sizes) == MAX_REMEMBERED_SIZES
    assert sizes.get("SYM0USDT", "BUY") is None and sizes.get(f"SYM{MAX_REMEMBERED_SIZES + 4}USDT", "BUY") == "1"


# --- what the ticket screen reads from a result ----------------------------------------


def test_every_result_carries_the_text_it_was_read_from() -> None:
    # the ticket screen decides from result.text whether to show the computed quantity beside the field
    cases = [
        ("nonsense", ticket(), None),
        ("1%", ticket(step="1", price="100", free_quote="1000"), SIZE_SHARE),  # the share is refused
        ("500usdt", ticket(price=""), SIZE_QUOTE),  # no price
        ("5usdt", ticket(step="1", price="24", min_notional=None), SIZE_QUOTE),  # below one step
        ("9.99usdt", ticket(step="0.001", price="1"), SIZE_QUOTE),  # the ticket's checks refuse it
        ("500usdt", ticket(), SIZE_QUOTE),  # accepted
        ("0.5", ticket(), SIZE_QUANTITY),  # accepted as typed
    ]
    for text, on, kind in cases:
        result = evaluate_size(text, on)
        assert result.text == parse_size(text, base_asset="BTC", quote_asset="USDT"), text
        assert result.text.kind == kind, text


def test_a_text_that_is_no_size_gives_the_readers_words() -> None:
    for text in ("nonsense", "500eur", "-5", ""):
        result = evaluate_size(text, ticket())
        expected = parse_size(text, base_asset="BTC", quote_asset="USDT").error
        assert expected and result.error == expected and result.quantity is None and not result.ok


def test_the_words_give_examples_in_the_symbols_own_quote_asset() -> None:
    assert "(500usdt)" in (parse_size("abc", base_asset="BTC", quote_asset="USDT").error or "")
    assert "(e.g. 500usdt)" in (parse_size("5 eur", base_asset="BTC", quote_asset="USDT").error or "")
    for share in ("0%", "100.01 %"):
        error = parse_size(share, base_asset="BTC", quote_asset="USDT").error
        assert error == "A share must be more than 0 % and at most 100 %."


def test_a_quote_amount_at_a_zero_price_asks_for_a_price() -> None:
    result = evaluate_size("500usdt", ticket(price="0"))
    assert result.error == "Set a valid price first: an amount becomes a quantity at the price."
    assert result.quantity is None and result.total is None


def test_below_one_step_the_quantity_and_total_are_zero() -> None:
    result = evaluate_size("5usdt", ticket(step="1", price="24", min_notional=None))
    assert result.quantity == 0 and result.total == 0 and not result.ok


def test_a_refused_size_still_shows_its_total() -> None:
    result = evaluate_size("9.99usdt", ticket(step="0.001", price="1"))
    assert result.total == D("9.99") and not result.ok
    over = evaluate_size("5000usdt", ticket(price="100", free_quote="1000"))
    assert over.total == D("5000") and not over.ok


def test_a_quantity_without_a_price_has_no_total() -> None:
    result = evaluate_size("0.5", ticket(price=""))
    assert result.quantity == D("0.5") and result.total is None


def test_huge_amounts_are_computed_exactly_not_rounded_up() -> None:
    # 36 significant digits: an ordinary 28-digit context would round the quotient up to 10**18
    typed = "999999999999999999.999999999999999999usdt"
    result = evaluate_size(typed, ticket(step="0.00001", price="1", free_quote="10000000000000000000"))
    assert result.quantity == D("999999999999999999.99999")
    plain = evaluate_size("123456789012.345", ticket(price="123456789012345678.12"))
    # 123456789012345 * 12345678901234567812 in whole numbers, then 5 decimals: 34 digits, nothing rounded
    assert plain.total == D("15241578753238752839080164076.39140")


def test_the_quantity_as_the_field_would_hold_it() -> None:
    result = evaluate_size("9.99usdt", ticket(step="0.001", price="1"))
    assert result.quantity_text(3) == "9.990" and result.quantity_text(1) == "9.9"  # cut, never rounded up
    assert evaluate_size("500usdt", ticket(price="")).quantity_text(3) is None


def test_looks_like_size_knows_the_shapes() -> None:
    from jextui.trading.sizing import looks_like_size

    for text in (" 25% ", "0.5", "500usdt", "1 BTC"):
        assert looks_like_size(text), text
    for text in ("", "  ", "abc", "%", "1e5x!"):
        assert not looks_like_size(text), text


def test_a_size_text_of_at_most_forty_characters_is_remembered() -> None:
    sizes = LastSizes()
    forty = "1" + " " * 38 + "%"
    assert len(forty) == 40 and sizes.remember("BTCUSDT", "BUY", forty)
    assert not sizes.remember("BTCUSDT", "SELL", "1" + " " * 39 + "%")
    assert sizes.get("BTCUSDT", "SELL") is None
    assert not sizes.remember("BTCUSDT", "SELL", "")
    assert not sizes.remember("BTCUSDT", "SELL", 5)


def test_remembering_again_makes_the_pair_the_newest() -> None:
    sizes = LastSizes()
    sizes.remember("BTCUSDT", "BUY", "1")
    sizes.remember("ETHUSDT", "BUY", "2")
    sizes.remember("BTCUSDT", "BUY", "3")
    assert list(sizes) == [("ETHUSDT", "BUY"), ("BTCUSDT", "BUY")]
    for n in range(MAX_REMEMBERED_SIZES - 1):
        sizes.remember(f"SYM{n}USDT", "SELL", "1")
    assert sizes.get("ETHUSDT", "BUY") is None and sizes.get("BTCUSDT", "BUY") == "3"


def test_sizes_given_at_construction_are_kept_and_compared() -> None:
    sizes = LastSizes({("BTCUSDT", "BUY"): "500usdt", ("DASHUSDT", "SELL"): "100%"})
    assert sizes.get("BTCUSDT", "BUY") == "500usdt" and sizes.get("DASHUSDT", "SELL") == "100%"
    assert sizes != LastSizes() and sizes != sizes.to_state()
    assert LastSizes.from_state({7: "1", "BTCUSDT:BUY": "2"}).to_state() == {"BTCUSDT:BUY": "2"}
