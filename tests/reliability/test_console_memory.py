"""Widgets that leave the screen are freed: a console running for days must not grow.

The soak (``benchmarks/soak.py``) showed the console's memory growing with
every key that moves the focus or opens a screen.  The cause: Textual's
``Footer`` recomposes its keys whenever the bindings change, and every
``FooterKey`` it ever made stays referenced by a watcher of the footer's
``compact`` reactive (pruned only when ``compact`` itself changes, which it
never does here).  This test counts the widgets alive but no longer on any
screen after a number of focus changes and dialogs, twice: the count must
not grow with the number of keys pressed.
"""

from __future__ import annotations

import gc
from pathlib import Path

from support.app_harness import make_test_app, wait_for_data
from textual.widget import Widget


def detached_widgets() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, Widget) and not o.is_attached)


async def test_keys_that_move_the_focus_or_open_dialogs_leave_nothing_behind(tmp_path: Path) -> None:
    app = make_test_app(tmp_path)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)

        async def use_the_keyboard(times: int) -> None:
            for _ in range(times):
                await pilot.press("tab")
                await pilot.press("question_mark")
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()

        await use_the_keyboard(2)  # every kind of widget has been made once
        before = detached_widgets()
        await use_the_keyboard(5)
        after = detached_widgets()
        assert after - before <= 10, f"{after - before} more widgets alive off screen after 5 more rounds"
