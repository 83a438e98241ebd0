"""Reconnect delays: exponential, capped, with jitter below the ceiling."""

from __future__ import annotations

import pytest

from jextui.api.streams import Backoff
from jextui.api.streams.connection import default_close_error
from jextui.api.streams.errors import StreamClosed, StreamRefused


def test_ceilings_grow_exponentially_up_to_the_cap() -> None:
    backoff = Backoff()
    assert (backoff.initial_s, backoff.factor, backoff.max_s, backoff.jitter) == (0.25, 2.0, 30.0, 0.5)
    assert [backoff.ceiling(n) for n in range(1, 10)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff.ceiling(0) == 0.25 and backoff.ceiling(10_000) == 30.0
    assert Backoff(initial_s=1, factor=3, max_s=100).ceiling(66) == 100


def test_jitter_stays_between_half_and_all_of_the_ceiling() -> None:
    backoff = Backoff()
    assert backoff.delay(3, lambda: 0.0) == 1.0
    assert backoff.delay(3, lambda: 1.0) == 0.5
    assert backoff.delay(3, lambda: 0.5) == 0.75
    assert Backoff(jitter=0.0).delay(2, lambda: 0.9) == 0.5
    assert 0.125 <= backoff.delay(1) <= 0.25


@pytest.mark.parametrize(
    "kwargs",
    [dict(initial_s=0), dict(factor=0.5), dict(initial_s=2, max_s=1), dict(jitter=1.0), dict(jitter=-0.1)],
)
def test_bad_backoffs_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)


def test_edge_backoffs_are_accepted() -> None:
    assert Backoff(factor=1, initial_s=1, max_s=1, jitter=0).delay(9) == 1


def test_close_codes() -> None:
    refused = default_close_error(1008, "unknown stream", label="market streams (1)")
    assert isinstance(refused, StreamRefused) and refused.code == 1008 and refused.reason == "unknown stream"
    assert str(refused) == "market streams (1): closed by the server (code 1008: unknown stream)"
    closed = default_close_error(1001, "")
    assert type(closed) is StreamClosed and closed.code == 1001
    assert str(closed) == "stream: closed by the server (code 1001)"
