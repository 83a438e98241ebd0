"""Fixtures of the API client tests: a fake exchange, a fixed clock, clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from support.api_fake import BASE, KEY, SECRET, FakeClock, FakeExchange

from jextui.api import JexClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def exchange(clock: FakeClock) -> FakeExchange:
    return FakeExchange(clock)


@pytest.fixture
async def client(exchange: FakeExchange, clock: FakeClock) -> AsyncIterator[JexClient]:
    """A client with the vector credentials, talking to the fake exchange."""
    async with JexClient(BASE, KEY, SECRET, transport=exchange.transport(), time_ms=clock) as jex:
        yield jex


@pytest.fixture
async def public_client(exchange: FakeExchange, clock: FakeClock) -> AsyncIterator[JexClient]:
    """A client without credentials."""
    async with JexClient(BASE, transport=exchange.transport(), time_ms=clock) as jex:
        yield jex
