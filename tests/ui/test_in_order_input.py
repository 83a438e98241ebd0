"""Keys typed in a burst take effect in the order typed (editing keys included).

Textual's ``Input`` runs Backspace and the arrows as bindings that travel up
to the App and back, while characters are inserted at once, so a burst such
as ``Backspace Backspace 1 2`` could apply as ``1 2 Backspace Backspace``.
The ticket's price and quantity fields are :class:`InOrderInput`, which
applies every key in arrival order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.app_harness import make_test_app, wait_for_data, wait_until
from support.trading_ui import burst
from textual.app import App, ComposeResult
from textual.widgets import Input

from jextui.ui.widgets.in_order_input import InOrderInput

BURST = ["end", "backspace", "backspace", "1", "2", "left", "9", "home", "delete", "7"]
# 3150 -> 31 -> 3112 -> cursor before the last 2 -> 31192 -> start -> 1192 -> 71192
EXPECTED = "71192"


class _OneField(App[None]):
    def __init__(self, value: str, kind: type[Input] = InOrderInput) -> None:
        super().__init__()
        self.value, self.kind = value, kind

    def compose(self) -> ComposeResult:
        yield self.kind(self.value, select_on_focus=False)

    @property
    def field(self) -> Input:
        return self.query_one(Input)


async def test_a_burst_with_editing_keys_applies_in_typing_order() -> None:
    app = _OneField("3150")
    async with app.run_test() as pilot:
        app.field.focus()
        await pilot.pause()
        burst(app, *BURST)
        await wait_until(
            pilot, lambda: app.field.value == EXPECTED, timeout_s=5, what=f"{EXPECTED!r}, got {app.field.value!r}"
        )
        await pilot.pause(0.05)
        assert app.field.value == EXPECTED


async def test_keys_the_field_does_not_bind_still_reach_the_screen() -> None:
    submitted: list[str] = []

    class Submitting(_OneField):
        def on_input_submitted(self, event: Input.Submitted) -> None:
            submitted.append(event.value)

    app = Submitting("12")
    async with app.run_test() as pilot:
        app.field.focus()
        await pilot.pause()
        burst(app, "backspace", "5", "enter")
        await wait_until(pilot, lambda: submitted, timeout_s=5, what="the submit")
        assert submitted == ["15"]


async def test_the_tickets_price_takes_a_fast_correction_in_order(tmp_path: Path) -> None:
    app: Any = make_test_app(tmp_path, streams=False)
    async with app.run_test(size=app.size_for_tests) as pilot:
        await wait_for_data(pilot)
        await pilot.press("b")
        await wait_until(pilot, lambda: app.screen.query("#price"), what="the ticket")
        price = app.screen.query_one("#price", Input)
        assert isinstance(price, InOrderInput)
        price.focus()
        price.value = "3150"
        await pilot.pause()
        burst(app, *BURST)
        await wait_until(pilot, lambda: price.value == EXPECTED, timeout_s=5, what=f"{EXPECTED!r}, got {price.value!r}")
        await pilot.pause(0.05)
        assert price.value == EXPECTED
        assert app.screen.ticket.price_text == EXPECTED
