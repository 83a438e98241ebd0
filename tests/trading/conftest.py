from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from support.trading_fakes import FakeClock, FakeExchange

from jextui.api.client import JexClient
from jextui.trading.journal import OrderJournal, account_identity


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "journal.sqlite"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_700_000_000_000)


@pytest.fixture
def exchange(journal_path: Path, clock: FakeClock) -> FakeExchange:
    return FakeExchange(clock=clock, journal_path=journal_path)


@pytest.fixture
def journal(journal_path: Path, exchange: FakeExchange, clock: FakeClock):
    opened = OrderJournal(
        journal_path, base_url=exchange.base_url, account=account_identity("demo-key"), now_ms=clock.now_ms
    )
    yield opened
    opened.close()


@pytest.fixture
async def sandbox_client(sandbox) -> AsyncIterator[JexClient]:
    """A real client on the quiet sandbox, its clock synchronised."""
    async with JexClient(sandbox.base_url, sandbox.api_key, sandbox.api_secret) as opened:
        await opened.sync_time()
        yield opened
