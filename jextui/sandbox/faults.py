"""Fault injection for reliability tests.

Per request, with a seeded random generator:

* ``latency_ms``: the answer is delayed by this much;
* ``error_5xx_rate``: the answer is a 500/502/503/504 with a JSON error body;
* ``malformed_rate``: the answer is a 200 whose JSON is cut short (invalid);
* ``drop_rate``: the connection is closed without any answer;
* ``clock_skew_ms``: the server clock runs this far ahead (negative: behind);
* ``ignore_time_in_force``: new orders ignore ``timeInForce`` and are all
  treated as GTC (and answered so), as an exchange that does not know the
  parameter would.

``phase`` says when latency, a 5xx or a drop strikes: ``"before"`` the request
is processed, ``"after"`` it was processed — an order request then reached the
engine although the client never learns it (the realistic, dangerous case) —
or ``"random"`` (each request picks, seeded).  A malformed answer always
carries a processed request.  ``paths`` limits the faults to some endpoint
paths (empty: all); ``limit`` stops injecting after that many faults (None:
no limit), handy for "drop the next order only".

The stream faults (WebSocket streams, see docs/streams.md) are switches that
act on every stream connection while they are on:

* ``stream_drop``: open stream connections are cut (no close frame), and new
  ones right after their handshake;
* ``stream_stall``: connections stay open but nothing is sent (what would
  have been sent is lost);
* ``stream_gap``: diff-depth pushes that carry changes are not sent, so their
  versions are missing from the stream;
* ``stream_reorder``: user data events are delivered in swapped pairs;
* ``stream_duplicate``: every stream message is sent twice.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

__all__ = ["STREAM_FAULTS", "FaultSettings", "FaultPlan", "FaultInjector", "FAULT_STATUSES", "malformed_body"]

Phase = Literal["before", "after", "random"]
FaultKind = Literal["5xx", "malformed", "drop"]
PHASES: tuple[str, ...] = ("before", "after", "random")
STREAM_FAULTS: tuple[str, ...] = ("stream_drop", "stream_stall", "stream_gap", "stream_reorder", "stream_duplicate")

FAULT_STATUSES: dict[int, tuple[int, str]] = {
    500: (-1000, "An unknown error occurred while processing the request."),
    502: (-1001, "Internal error; unable to process your request. Please try again."),
    503: (-1001, "Internal error; unable to process your request. Please try again."),
    504: (-1007, "Timeout waiting for response from backend server. Send status unknown; execution status unknown."),
}


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: int = 0
    error_5xx_rate: float = 0.0
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    clock_skew_ms: int = 0
    phase: Phase = "random"
    paths: tuple[str, ...] = ()
    limit: int | None = None
    stream_drop: bool = False
    stream_stall: bool = False
    stream_gap: bool = False
    stream_reorder: bool = False
    stream_duplicate: bool = False
    ignore_time_in_force: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.latency_ms, int) or isinstance(self.latency_ms, bool) or self.latency_ms < 0:
            raise ValueError("latency_ms must be a whole number of milliseconds >= 0")
        if not isinstance(self.clock_skew_ms, int) or isinstance(self.clock_skew_ms, bool):
            raise ValueError("clock_skew_ms must be a whole number of milliseconds")
        for name in ("error_5xx_rate", "malformed_rate", "drop_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number between 0 and 1")
        if self.error_5xx_rate + self.malformed_rate + self.drop_rate > 1.0:
            raise ValueError("the 5xx, malformed and drop rates must add up to at most 1")
        if self.phase not in PHASES:
            raise ValueError(f"phase must be one of {', '.join(PHASES)}")
        if not isinstance(self.paths, tuple) or not all(isinstance(path, str) for path in self.paths):
            raise ValueError("paths must be a list of endpoint paths")
        if self.limit is not None and (
            isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 0
        ):
            raise ValueError("limit must be a whole number >= 0, or null")
        for name in STREAM_FAULTS:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        if not isinstance(self.ignore_time_in_force, bool):
            raise ValueError("ignore_time_in_force must be true or false")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(item.name for item in fields(cls))

    def updated(self, **changes: Any) -> FaultSettings:
        """A copy with ``changes`` applied; unknown names or bad values raise ValueError."""
        unknown = sorted(set(changes) - set(self.names()))
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        if "paths" in changes and isinstance(changes["paths"], list):
            changes["paths"] = tuple(changes["paths"])
        try:
            return replace(self, **changes)
        except TypeError as exc:  # a comparison on a wrong type inside the checks
            raise ValueError(str(exc)) from None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["paths"] = list(self.paths)
        return data

    @property
    def any_per_request(self) -> bool:
        return bool(self.latency_ms or self.error_5xx_rate or self.malformed_rate or self.drop_rate)


@dataclass(frozen=True)
class FaultPlan:
    """What happens to one request."""

    kind: FaultKind | None = None
    after: bool = False
    latency_ms: int = 0
    status: int = 0


CLEAN = FaultPlan()


class FaultInjector:
    """Draws a :class:`FaultPlan` per request from the current settings."""

    def __init__(self, settings: FaultSettings | None = None, *, seed: int = 1) -> None:
        self.settings = settings or FaultSettings()
        self._rng = random.Random(seed)
        self.injected = 0

    def update(self, **changes: Any) -> FaultSettings:
        self.settings = self.settings.updated(**changes)
        if "limit" in changes:
            self.injected = 0
        return self.settings

    def plan(self, path: str) -> FaultPlan:
        settings = self.settings
        if not settings.any_per_request:
            return CLEAN
        if settings.paths and path not in settings.paths:
            return CLEAN
        if settings.limit is not None and self.injected >= settings.limit:
            return CLEAN
        rng = self._rng
        after = settings.phase == "after" or (settings.phase == "random" and rng.random() < 0.5)
        draw = rng.random()
        kind: FaultKind | None = None
        if draw < settings.error_5xx_rate:
            kind = "5xx"
        elif draw < settings.error_5xx_rate + settings.malformed_rate:
            kind, after = "malformed", True
        elif draw < settings.error_5xx_rate + settings.malformed_rate + settings.drop_rate:
            kind = "drop"
        if kind is not None or settings.latency_ms:
            self.injected += 1
        status = rng.choice(tuple(FAULT_STATUSES)) if kind == "5xx" else 0
        return FaultPlan(kind=kind, after=after, latency_ms=settings.latency_ms, status=status)


def malformed_body(body: bytes) -> bytes:
    """``body`` cut short: never valid JSON (the closing bracket is gone)."""
    return body[: max(1, len(body) // 2)]
