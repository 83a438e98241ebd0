"""``jextui sandbox`` serves the streams on its REST port, with the stream flags applied."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
import websockets
from support.streams import collect

from jextui.sandbox.cli import main


def test_the_process_serves_streams_with_its_flags(run_cli: Any) -> None:
    run = run_cli("--quiet", "--fault-stream-duplicate", "--stream-lifetime", "1500")
    base_url = run.base_url()
    match = re.search(r"streams:\s+(ws://127\.0\.0\.1:\d+)/ws/<stream>", run.out)
    assert match is not None and match.group(1) == "ws" + base_url[len("http") :]

    async def read() -> tuple[list[Any], Any]:
        async with websockets.connect(f"{match.group(1)}/ws/btcusdt@spotDepth5") as ws:
            messages = await collect(ws, 3.0)
            return messages, ws.protocol.close_rcvd

    messages, closed = asyncio.run(read())
    assert len(messages) == 2 and messages[0] == messages[1]  # duplicated; one push before the lifetime ends
    assert closed is not None and (closed.code, closed.reason) == (1001, "connection lifetime reached")
    status, _out, err = run.finish(2)
    assert status == 0 and "Traceback" not in err and "No supported WebSocket library" not in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--listen-key-ttl", "0"], "out of range"),
        (["--stream-lifetime", "soon"], "not a whole number"),
        (["--fault-stream-gap", "yes"], "unrecognized arguments"),
    ],
)
def test_bad_stream_flags_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_help_lists_the_stream_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in (
        "--stream-lifetime",
        "--listen-key-ttl",
        "--stream-ping-interval",
        "--stream-pong-timeout",
        "--fault-stream-drop",
        "--fault-stream-stall",
        "--fault-stream-gap",
        "--fault-stream-reorder",
        "--fault-stream-duplicate",
    ):
        assert flag in out
