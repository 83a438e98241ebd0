"""The sliding-window budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jextui.trading.pacing import SlidingWindow


def test_spending_expires_after_the_window() -> None:
    window = SlidingWindow(10, 60.0)
    assert window.available(0.0) == 10 and window.used(0.0) == 0
    window.record(0.0, 4)
    window.record(30.0, 5)
    assert window.used(30.0) == 9 and window.available(30.0) == 1
    window.record(30.0, 1)
    assert window.available(30.0) == 0 and window.wait_for(30.0, 1) == 30.0
    assert window.used(59.999) == 10
    assert window.used(60.0) == 6  # the first spend is a whole window old
    assert window.used(90.0) == 0 and window.available(90.0) == 10
    window.record(100.0)
    assert window.used(100.0) == 1


def test_wait_for_says_when_an_amount_fits() -> None:
    window = SlidingWindow(10, 60.0)
    assert window.wait_for(0.0, 10) == 0.0
    window.record(0.0, 4)
    window.record(20.0, 5)
    assert window.wait_for(25.0, 1) == 0.0
    assert window.wait_for(25.0, 2) == 35.0  # the 4 of t=0 must expire
    assert window.wait_for(25.0, 5) == 35.0
    assert window.wait_for(25.0, 6) == 55.0  # both must expire
    assert window.wait_for(60.0, 5) == 0.0 and window.wait_for(60.0, 6) == 20.0
    with pytest.raises(ValueError, match="never fit"):
        window.wait_for(0.0, 11)
    window.wait_for(100.0, 10)


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match=r"^limit must be at least 1$"):
        SlidingWindow(0, 1.0)
    with pytest.raises(ValueError, match=r"^window_s must be positive$"):
        SlidingWindow(1, 0.0)
    SlidingWindow(1, 0.001)


@given(st.lists(st.tuples(st.floats(0, 5, allow_nan=False), st.integers(1, 5)), max_size=40))
def test_following_wait_for_never_overspends(steps: list[tuple[float, int]]) -> None:
    window = SlidingWindow(7, 1.0)
    now = 0.0
    log: list[tuple[float, int]] = []
    for gap, amount in steps:
        now += gap
        now += window.wait_for(now, amount)
        assert window.available(now) >= amount
        window.record(now, amount)
        log.append((now, amount))
        assert sum(a for t, a in log if t + 1.0 > now + 1e-9) <= 7
