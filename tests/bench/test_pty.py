"""The benchmarks' terminal model and pseudo-terminal runner (benchmarks/_pty.py).

The start-up and steady-state benchmarks read jextui's screen through this
model; if it misplaced text, missed a frame or a live order book, their
figures would be wrong.
"""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from _pty import BOOK_NUMBERS, Screen, isolated_env, shows_live_book, spawn  # noqa: E402

from jextui.api.models import Depth, DepthLevel  # noqa: E402

ALT_ON = b"\x1b[?1049h"


def painted_screen(cols: int = 20, rows: int = 4) -> Screen:
    screen = Screen(cols, rows)
    screen.feed(ALT_ON + b"".join(b"\x1b[%d;1H" % (y + 1) + b" " * cols for y in range(rows)))
    return screen


def test_text_lands_where_the_cursor_was_sent() -> None:
    screen = Screen(20, 5)
    screen.feed(b"\x1b[3;5Hhello\x1b[1;1H\x1b[38;5;196mtop\x1b[0m")
    assert screen.line(2) == "    hello" + " " * 11
    assert screen.line(0).startswith("top ")
    assert screen.cursor_x == 3 and screen.cursor_y == 0


def test_relative_moves_and_erases() -> None:
    screen = Screen(10, 3)
    screen.feed(b"abcdefghij\r\n0123456789")
    screen.feed(b"\x1b[1A\x1b[4G\x1b[K")  # up one row, column 4, erase to the end
    assert screen.lines()[:2] == ["abc       ", "0123456789"]
    screen.feed(b"\x1b[2;6H\x1b[1K")  # erase from the line start to the cursor
    assert screen.line(1) == "      6789"
    screen.feed(b"\x1b[2J")
    assert screen.visible_cells() == 0


def test_sequences_and_characters_split_between_reads() -> None:
    screen = Screen(20, 3)
    data = "\x1b[2;3Hmid ● 64,250\x1b[0m".encode()
    for cut in range(1, len(data)):
        screen = Screen(20, 3)
        screen.feed(data[:cut])
        screen.feed(data[cut:])
        assert screen.line(1).rstrip() == "  mid ● 64,250", cut


def test_no_wrap_mode_keeps_long_lines_on_their_row() -> None:
    screen = Screen(5, 2)
    screen.feed(b"\x1b[?7l\x1b[1;1Habcdefgh")
    assert screen.lines() == ["abcdh", "     "]
    screen = Screen(5, 2)
    screen.feed(b"\x1b[1;1Habcdefgh")  # autowrap (the default) continues below
    assert screen.lines() == ["abcde", "fgh  "]


def test_wide_characters_take_two_cells() -> None:
    screen = Screen(6, 1)
    screen.feed("\x1b[1;1H漢字ab".encode())
    assert screen.line(0) == "漢字ab"
    assert screen.cursor_x == 5


def test_a_full_paint_needs_every_row_after_the_alternate_screen_switch() -> None:
    screen = Screen(10, 3)
    screen.feed(b"\x1b[1;1Hbefore\x1b[2;1H \x1b[3;1H ")
    assert not screen.fully_painted() or not screen.alt_screen
    screen.feed(ALT_ON)
    assert screen.alt_screen and screen.visible_cells() == 0 and not screen.fully_painted()
    screen.feed(b"\x1b[1;1Htitle\x1b[2;1H          ")
    assert not screen.fully_painted()  # the last row was never written
    screen.feed(b"\x1b[3;1H          ")
    assert screen.fully_painted()


def test_blank_rows_alone_are_not_a_frame() -> None:
    screen = Screen(4, 2)
    screen.feed(ALT_ON + b"\x1b[1;1H    \x1b[2;1H    ")
    assert not screen.fully_painted()


def test_frames_pause_at_each_synchronized_update_end() -> None:
    screen = Screen(10, 1)
    seen = []
    data = b"\x1b[?2026h\x1b[1;1Hone\x1b[?2026l\x1b[?2026h\x1b[1;1Htwo\x1b[?2026l"
    for _ in screen.feed_frames(data):
        seen.append(screen.line(0).strip())
    assert seen == ["one", "two"]
    assert screen.sync_ends == 2


def test_strings_and_queries_draw_nothing() -> None:
    screen = Screen(10, 1)
    screen.feed(b"\x1b]0;title\x07\x1b[?2026$p\x1b[>15u\x1b(B\x1b=ok")
    assert screen.line(0).strip() == "ok"


def test_live_book_pattern_matches_the_book_spread_line() -> None:
    screen = painted_screen(60, 3)
    assert not shows_live_book(screen)
    screen.feed("\x1b[2;3Hwaiting for data…".encode())
    assert not shows_live_book(screen)
    screen.feed(b"\x1b[2;1H      spread 0.01 (0.000%)  mid 64,250.005     ")
    assert shows_live_book(screen)
    assert BOOK_NUMBERS.search("0.01 | 64,250.005")


async def test_live_book_pattern_matches_what_the_order_book_pane_draws() -> None:
    """Coordination with the widget: its spread line, wide and narrow, is what the benchmarks look for."""
    from support.widget_harness import HarnessApp

    from jextui.ui.widgets.order_book import OrderBookView

    depth = Depth(
        last_update_id=1,
        bids=[DepthLevel(Decimal("64250.00"), Decimal("0.5"))],
        asks=[DepthLevel(Decimal("64250.01"), Decimal("0.7"))],
    )
    for width in (60, 22):
        view = OrderBookView()
        async with HarnessApp(view).run_test(size=(width, 12)) as pilot:
            await pilot.pause()
            assert not any(BOOK_NUMBERS.search(line) for line in view.plain_lines())
            view.set_precision(2, 3)
            view.update_book(depth)
            await pilot.pause()
            assert any(BOOK_NUMBERS.search(line) for line in view.plain_lines()), view.plain_lines()


CHILD = (
    "import os, sys\n"
    "cols, rows = os.get_terminal_size()\n"
    "sys.stdout.write(f'\\x1b[?1049h\\x1b[3;4Hsize {cols}x{rows} term {os.environ[\"TERM\"]}')\n"
    "sys.stdout.flush()\n"
    "sys.stdin.buffer.read(1)\n"
)


def test_spawn_runs_a_program_at_the_given_size_and_quits_it(tmp_path: Path) -> None:
    env = isolated_env(os.environ, str(tmp_path))
    process = spawn([sys.executable, "-c", "import tty, sys; tty.setraw(0)\n" + CHILD], cols=100, rows=30, env=env)
    screen = Screen(100, 30)
    found = process.watch(screen, {"size": lambda s: "size" in s.line(2)}, timeout=20)
    assert "size" in found and found["size"] >= process.started_at
    assert screen.line(2).strip() == "size 100x30 term xterm-256color"
    assert process.bytes_read > 0
    assert process.stop(b"q") == "quit"


def test_a_program_that_ignores_the_quit_key_is_terminated(tmp_path: Path) -> None:
    env = isolated_env(os.environ, str(tmp_path))
    busy_then_idle = (
        "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\nwhile True: time.sleep(1)"
    )
    process = spawn([sys.executable, "-c", busy_then_idle], cols=20, rows=5, env=env)
    deadline = time.monotonic() + 30
    while process.cpu_seconds() < 0.3:  # the CPU it burnt is read back from /proc
        assert time.monotonic() < deadline, f"only {process.cpu_seconds()} s of CPU seen"
        time.sleep(0.05)
    assert process.stop(b"q", timeout=0.5) == "terminated"
    assert process.poll() is not None


def test_isolated_env_points_jextui_at_its_own_folders(tmp_path: Path) -> None:
    env = isolated_env({"JEX_API_KEY": "k", "NO_COLOR": "1", "PATH": "/bin", "TERM": "dumb"}, str(tmp_path))
    assert env["TERM"] == "xterm-256color" and env["PATH"] == "/bin"
    assert "JEX_API_KEY" not in env and "NO_COLOR" not in env
    for name in ("CONFIG", "DATA", "LOG"):
        assert Path(env[f"JEXTUI_{name}_DIR"]).is_dir()
        assert Path(env[f"JEXTUI_{name}_DIR"]).is_relative_to(tmp_path)


@pytest.mark.parametrize("bad", [(0, 5), (5, 0)])
def test_a_screen_needs_a_size(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        Screen(*bad)


def test_cpu_time_counts_the_child_processes_too() -> None:
    import subprocess

    from _pty import cpu_seconds, cpu_seconds_with_descendants, descendants

    busy = "import sys, time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\nsys.stdin.read()"
    child = subprocess.Popen([sys.executable, "-c", busy], stdin=subprocess.PIPE)
    try:
        assert child.pid in descendants(os.getpid())
        while cpu_seconds(child.pid) < 0.3:  # until it has burnt its CPU time
            assert child.poll() is None
        own = cpu_seconds(os.getpid())  # read first: it only grows
        assert cpu_seconds_with_descendants(os.getpid()) >= own + 0.3 - 1e-9
    finally:
        child.communicate(b"", timeout=10)
    assert child.pid not in descendants(os.getpid())
