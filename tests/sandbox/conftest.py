"""Fixtures of the sandbox's tests: ``run_cli`` starts ``jextui sandbox`` processes
and stops whatever is still running after the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.sandbox_cli import CliRun


@pytest.fixture
def run_cli() -> Iterator[Any]:
    runs: list[CliRun] = []

    def start(*args: str) -> CliRun:
        runs.append(CliRun(*args))
        return runs[-1]

    yield start
    for run in runs:
        run.close()
