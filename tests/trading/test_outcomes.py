"""Which failed requests may nevertheless have been executed (never resent, looked up instead)."""

from __future__ import annotations

from jextui.api.errors import ApiError, InvalidArgument, error_from_response
from jextui.trading.outcomes import is_unknown_outcome


def test_an_error_flagged_as_of_unknown_outcome_is_unknown_whatever_its_class() -> None:
    flagged = ApiError(code=None, msg="", status=409, endpoint="new_order", outcome_unknown=True)
    assert is_unknown_outcome(flagged)
    assert not is_unknown_outcome(ApiError(code=None, msg="", status=409, endpoint="new_order"))


def test_an_error_answer_is_a_definite_no_and_anything_unexpected_is_assumed_the_worst() -> None:
    rejected = error_from_response(status=400, code=-2010, msg="insufficient", endpoint="new_order", is_order=True)
    assert not is_unknown_outcome(rejected)
    assert not is_unknown_outcome(InvalidArgument("bad quantity"))  # the client refused before sending
    assert is_unknown_outcome(RuntimeError("a bug in between"))  # nothing says it was not sent
    assert is_unknown_outcome(error_from_response(status=502, code=None, msg="", endpoint="new_order", is_order=True))
