"""The terminal settings applied before the console runs (jextui.ui.terminal)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from textual import constants, events
from textual._xterm_parser import XTermParser

from jextui.ui.terminal import (
    ESCAPE_DELAY_MS,
    apply_escape_delay,
    escape_delay_s,
    prompt_escape_parser,
    terminal_refusal,
)


@pytest.fixture
def restore_escape_delay() -> Iterator[None]:
    before = constants.ESCAPE_DELAY
    yield
    constants.ESCAPE_DELAY = before  # type: ignore[misc]


def _keys(parser: XTermParser, data: str) -> list[str]:
    return [event.key for event in parser.feed(data) if isinstance(event, events.Key)]


def _wait_for_escape(parser: XTermParser, seconds: float) -> list[str]:
    """Let ``seconds`` pass after a lone Esc, as the driver would (it ticks the parser)."""
    deadline = time.monotonic() + seconds
    keys: list[str] = []
    while time.monotonic() < deadline:
        keys += [event.key for event in parser.tick() if isinstance(event, events.Key)]
        time.sleep(0.005)
    return keys


def test_the_escape_delay_is_short_unless_escdelay_says_otherwise(restore_escape_delay: None) -> None:
    assert escape_delay_s({}) == ESCAPE_DELAY_MS / 1000 <= 0.03
    assert escape_delay_s({"ESCDELAY": "200"}) == 0.2
    assert escape_delay_s({"ESCDELAY": "soon"}) == ESCAPE_DELAY_MS / 1000
    assert apply_escape_delay({}) == constants.ESCAPE_DELAY == ESCAPE_DELAY_MS / 1000


def test_escape_then_a_key_80_ms_later_is_two_keys_not_alt(restore_escape_delay: None) -> None:
    """With Textual's 100 ms default, Esc then q 80 ms later is read as alt+q."""
    apply_escape_delay({})
    parser = XTermParser()
    keys = _keys(parser, "\x1b")
    keys += _wait_for_escape(parser, 0.08)
    keys += _keys(parser, "q")
    assert keys == ["escape", "q"]


def test_a_key_read_after_the_delay_without_a_tick_between_is_still_two_keys(restore_escape_delay: None) -> None:
    """Textual's Linux driver ticks the parser only when its 100 ms input wait ends empty:
    Esc, then q 60 ms later, reaches the parser with no tick in between."""
    apply_escape_delay({})
    parser = prompt_escape_parser()()
    keys = _keys(parser, "\x1b")
    time.sleep(0.06)
    keys += _keys(parser, "q")
    assert keys == ["escape", "q"]


def test_a_dumb_terminal_is_refused_in_words() -> None:
    refusal = terminal_refusal({"TERM": "dumb"})
    assert refusal is not None and "TERM=dumb" in refusal
    assert terminal_refusal({"TERM": "xterm-256color"}) is None
    assert terminal_refusal({}) is None
