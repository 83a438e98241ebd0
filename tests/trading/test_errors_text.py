"""Error codes and client errors in words a trader understands."""

from __future__ import annotations

import pytest

from jextui.api.errors import (
    ConnectionFailed,
    DecodeError,
    MissingCredentials,
    RequestTimeout,
    error_from_response,
)
from jextui.trading.errors_text import CODE_TEXT, UNKNOWN_OUTCOME_TEXT, describe_code, describe_error

# Every code docs/protocol.md#error-codes lists.
DOCUMENTED_CODES = [
    -1000,
    -1001,
    -1002,
    -1003,
    -1006,
    -1007,
    -1014,
    -1015,
    -1016,
    -1020,
    -1021,
    -1022,
    -1100,
    -1101,
    -1102,
    -1103,
    -1104,
    -1105,
    -1106,
    -1111,
    -1112,
    -1114,
    -1115,
    -1116,
    -1117,
    -1120,
    -1121,
    -1125,
    -1127,
    -1128,
    -1129,
    -1010,
    -2010,
    -2011,
    -2012,
    -2013,
    -2014,
    -2015,
    -2019,
    -9000,
    -8000,
    -8001,
    -8002,
    -8003,
    -8004,
    -8005,
    -8006,
]


@pytest.mark.parametrize("code", DOCUMENTED_CODES)
def test_every_documented_code_has_its_own_sentence(code: int) -> None:
    text = describe_code(code)
    assert text == CODE_TEXT[code]
    assert text.endswith(".") and str(code) not in text


def test_sentences_are_distinct_enough_to_tell_codes_apart() -> None:
    texts = [CODE_TEXT[code] for code in DOCUMENTED_CODES]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize(
    ("code", "msg", "expected"),
    [
        (-9000, "Filter failure: PRICE_FILTER", "The price breaks the symbol's price rules"),
        (-9000, "Filter failure: LOT_SIZE", "The quantity breaks the symbol's lot rules"),
        (-9000, "Filter failure: MIN_NOTIONAL", "The order total (price x quantity) is below"),
        (-9000, "Filter failure: MAX_NUM_ORDERS", "Too many open orders"),
        (-2010, "Account has insufficient balance for requested action.", "Not enough free balance"),
        (-2010, "Market is closed.", "The market for this symbol is closed"),
        (-2010, "Price * QTY is zero or less.", "Price times quantity is zero or less"),
        (-1010, "Unsupported order combination", "This combination of order options is not supported."),
        (-2011, "Unknown order sent.", "The order is unknown to the exchange"),
        (
            -1102,
            "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
            "The required value 'price' was missing",
        ),
        (
            -1129,
            "error scale in parameter 'quantity', should be scale no more than '4'",
            "Too many decimals in 'quantity': at most 4 allowed.",
        ),
        (
            -1003,
            "Too many requests; current limit is 1200 requests per minute.",
            "Too many requests: the limit is 1200 requests per minute.",
        ),
    ],
)
def test_the_exchange_message_refines_the_sentence(code: int, msg: str, expected: str) -> None:
    assert describe_code(code, msg).startswith(expected)


def test_unlisted_codes_fall_back_to_the_exchange_message() -> None:
    assert describe_code(-4242, "Something odd.") == "The exchange refused the request: Something odd."
    assert describe_code(-4242) == "The exchange refused the request (code -4242)."


def test_client_errors_in_words() -> None:
    rejected = error_from_response(
        status=400,
        code=-2010,
        msg="Account has insufficient balance for requested action.",
        endpoint="new_order",
        is_order=True,
    )
    assert describe_error(rejected).startswith("Not enough free balance for this order; nothing was placed.")
    server = error_from_response(status=503, code=None, msg="", endpoint="new_order", is_order=True)
    assert describe_error(server) == f"The exchange had an internal error (HTTP 503). {UNKNOWN_OUTCOME_TEXT}"
    timeout = RequestTimeout("timed out", endpoint="new_order", outcome_unknown=True)
    assert describe_error(timeout) == f"The exchange did not answer in time. {UNKNOWN_OUTCOME_TEXT}"
    dropped = ConnectionFailed("dropped", endpoint="account", outcome_unknown=False)
    assert describe_error(dropped) == "The connection to the exchange failed or was dropped."
    limited = error_from_response(status=429, code=-1003, msg="", endpoint="depth", is_order=False, retry_after=30)
    assert describe_error(limited) == (
        "Too many requests: a rate limit was reached. jextui waits before sending more (retry in about 30 s)."
    )
    banned = error_from_response(status=418, code=None, msg="", endpoint="depth", is_order=False, retry_after=120)
    assert describe_error(banned).startswith("The exchange has banned this IP for a while")
    assert describe_error(DecodeError(endpoint="account", field="$.x", detail="bad")) == (
        "The exchange's answer was not in the expected shape."
    )
    assert describe_error(MissingCredentials("no key")).startswith("This needs an API key and secret")
    assert describe_error(RuntimeError("boom")) == "boom."
