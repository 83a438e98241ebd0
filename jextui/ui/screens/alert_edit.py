"""The alert dialog: a new alert on the active symbol, or a console alert changed.

One symbol, one condition (above / below a price, 24 h change beyond ±N %,
spread at least N %) and its level.  A new alert starts as "above" the last
price; switching from a price condition to a percent one puts a typical
percentage in the level field (and switching back, the last price again) as
long as the field still holds what the dialog put there; above and below
keep the level.

Enter in the level field (or ctrl+s anywhere) saves through ``save`` (the alerts watch): it returns ``None`` or the
reason in words, which the dialog shows on its message line while it stays
open with the input as typed -- a bad number or a refused save changes
nothing.  Esc closes without saving.  ``dismiss(True)`` after a save,
``dismiss(False)`` when closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from jextui.alerts import Alert
from jextui.ui.alerts_watch import CONDITION_WORDS
from jextui.ui.format import format_own_digits
from jextui.ui.widgets.in_order_input import InOrderInput

__all__ = ["AlertEditScreen", "DEFAULT_PERCENT"]

#: What a percent condition's level starts at.
DEFAULT_PERCENT: dict[str, str] = {"change_pct": "5", "spread_pct": "0.5"}
_UNITS = {"change_pct": "%", "spread_pct": "%"}


class AlertEditScreen(ModalScreen[bool]):
    """A small dialog: condition and level for one symbol (see the module docstring)."""

    DEFAULT_CSS = """
    AlertEditScreen { align: center middle; background: $background 50%; }
    AlertEditScreen > #alert-dialog {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: heavy $primary;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    AlertEditScreen .alert-row { height: auto; }
    AlertEditScreen .alert-label { width: 11; padding-top: 1; }
    AlertEditScreen #alert-condition { width: 1fr; }
    AlertEditScreen #alert-level { width: 1fr; }
    AlertEditScreen #alert-unit { width: 3; padding-top: 1; }
    AlertEditScreen #alert-message { height: auto; min-height: 1; }
    AlertEditScreen #alert-message.-error { color: $error; }
    AlertEditScreen #alert-keys { height: auto; color: $foreground-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        symbol: str,
        save: Callable[[Mapping[str, Any]], str | None],
        *,
        last_price: Decimal | None = None,
        alert: Alert | None = None,
    ) -> None:
        super().__init__()
        self.symbol = symbol
        self._save = save
        self.last_price = last_price
        self.alert = alert
        if alert is not None:
            self._condition = alert.condition.value
            self._level = format(alert.threshold, "f")
        else:
            self._condition = "above"
            self._level = format(last_price, "f") if last_price is not None else ""
        self._prefilled = {self._condition: self._level}
        self.message = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="alert-dialog") as dialog:
            verb = f"Change alert {self.alert.id}" if self.alert is not None else "New alert"
            dialog.border_title = f"{verb} on {self.symbol}"
            last = format_own_digits(self.last_price) if self.last_price is not None else "not known yet"
            yield Static(f"Last price {last}", id="alert-last", markup=False)
            with Horizontal(classes="alert-row"):
                yield Static("Condition", classes="alert-label")
                yield Select(
                    [(words, value) for value, words in CONDITION_WORDS.items()],
                    value=self._condition,
                    allow_blank=False,
                    id="alert-condition",
                )
            with Horizontal(classes="alert-row"):
                yield Static("Level", classes="alert-label")
                yield InOrderInput(self._level, placeholder="a number, e.g. 70000 or 0.5", id="alert-level")
                yield Static(_UNITS.get(self._condition, ""), id="alert-unit")
            yield Static("", id="alert-message", markup=False)
            yield Static("Enter: save    Esc: cancel    Tab: condition ⇄ level", id="alert-keys", markup=False)

    def on_mount(self) -> None:
        self.query_one("#alert-level", Input).focus()

    # --- fields -----------------------------------------------------------------

    @property
    def condition(self) -> str:
        value = self.query_one("#alert-condition", Select).value
        return value if isinstance(value, str) else self._condition

    @property
    def level(self) -> str:
        return self.query_one("#alert-level", Input).value

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        new = event.value if isinstance(event.value, str) else self._condition
        old, self._condition = self._condition, new
        if new == old:
            return
        level = self.query_one("#alert-level", Input)
        same_kind = (old in DEFAULT_PERCENT) == (new in DEFAULT_PERCENT)  # price to price, percent to percent
        if same_kind:
            self._prefilled[new] = self._prefilled.get(old, "")
        elif level.value.strip() == self._prefilled.get(old, "").strip():  # untouched: suggest one for the new kind
            suggestion = DEFAULT_PERCENT.get(new)
            if suggestion is None:
                suggestion = format(self.last_price, "f") if self.last_price is not None else ""
            level.value = suggestion
            self._prefilled[new] = suggestion
        self.query_one("#alert-unit", Static).update(_UNITS.get(new, ""))
        self.show_message("")

    def table(self) -> dict[str, Any]:
        """The alert as a config table (the command of an alert being changed is kept)."""
        table: dict[str, Any] = {"symbol": self.symbol, self.condition: self.level.strip()}
        if self.alert is not None and self.alert.command is not None:
            table["command"] = list(self.alert.command)
        return table

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message = text
        line = self.query_one("#alert-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # --- keys ----------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the level field saves (on the condition, Enter opens its list)."""
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        if not self.level.strip():
            self.show_message("Level: type a number, e.g. 70000 or 0.5.", error=True)
            return
        condition = self.condition
        problem = self._save(self.table())
        if problem is not None:
            if problem.startswith(f"{condition}: "):  # the level is the condition's value
                problem = "Level: " + problem.removeprefix(f"{condition}: ")
            self.show_message(_sentence(problem), error=True)
            return
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
