"""The order ticket's time-in-force field: GTC / IOC / FOK, chosen from the keyboard."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from jextui.trading.ticket import TIME_IN_FORCE_CHOICES
from jextui.ui.keymap import bindings_for

__all__ = ["TimeInForceSelector"]


class TimeInForceSelector(Widget, can_focus=True):
    """GTC / IOC / FOK, changed with ←/→ or the first letter."""

    DEFAULT_CSS = """
    TimeInForceSelector { width: auto; height: 1; }
    TimeInForceSelector:focus { background: $boost; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(bindings_for("time_in_force"))

    value: reactive[str] = reactive("GTC")

    class Changed(Message):
        def __init__(self, value: str) -> None:
            super().__init__()
            self.value = value

    def render(self) -> Text:
        text = Text(no_wrap=True, end="")
        for index, choice in enumerate(TIME_IN_FORCE_CHOICES):
            if index:
                text.append(" ")
            chosen = choice == self.value
            text.append(f" {choice} ", style="bold reverse" if chosen else "dim")
        return text

    def get_content_width(self, container: object, viewport: object) -> int:
        return len(TIME_IN_FORCE_CHOICES) * 6 - 1

    def action_move(self, step: int) -> None:
        index = TIME_IN_FORCE_CHOICES.index(self.value) if self.value in TIME_IN_FORCE_CHOICES else 0
        self.action_choose(TIME_IN_FORCE_CHOICES[(index + step) % len(TIME_IN_FORCE_CHOICES)])

    def action_choose(self, value: str) -> None:
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(value))
