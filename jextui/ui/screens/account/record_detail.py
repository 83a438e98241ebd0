"""One wallet record in full: every field on its own line, whatever the width, with copy keys.

The history tables cut long addresses and transaction ids to the room they
have; this screen shows them whole (a line wraps only when the terminal is
narrower than the value) and copies them: ``y`` the address, ``t`` the
transaction id (through the terminal, where it allows clipboard access).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.ui.widgets.footer import KeyFooter

__all__ = ["RecordDetailScreen"]


class RecordDetailScreen(ModalScreen[None]):
    """``fields`` as label and value lines; ``address`` and ``tx_id`` are what the keys copy."""

    DEFAULT_CSS = """
    RecordDetailScreen { align: center middle; background: $background 60%; }
    RecordDetailScreen > #record-frame {
        width: 100%;
        height: auto;
        max-height: 100%;
        border: round $border;
        border-title-style: bold;
        border-subtitle-align: left;
        border-subtitle-background: $warning;
        border-subtitle-color: $background;
        border-subtitle-style: bold;
        padding: 0 1;
        background: $surface;
    }
    RecordDetailScreen .record-label { color: $foreground-muted; }
    RecordDetailScreen .record-value { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close"),
        Binding("y", "copy('address')", "Copy address"),
        Binding("t", "copy('tx_id')", "Copy transaction id"),
    ]

    def __init__(
        self, title: str, fields: Sequence[tuple[str, str]], *, address: str, tx_id: str, demo: bool = False
    ) -> None:
        super().__init__()
        self.demo = demo
        self.record_title = title
        self.fields = list(fields)
        self.values = {"address": address, "tx_id": tx_id}

    def compose(self) -> ComposeResult:
        with Vertical(id="record-frame") as frame:
            frame.border_title = self.record_title
            if self.demo:
                frame.border_subtitle = " DEMO "
            for label, value in self.fields:
                yield Static(label, classes="record-label", markup=False)
                yield Static(value, classes="record-value", markup=False)
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self, which: str) -> None:
        self.copy_value(self.app, which, self.values.get(which, ""))

    @staticmethod
    def copy_value(app: App[object], which: str, value: str) -> None:
        """Copy ``value`` (the record's ``which``: "address" or "tx_id") and say so."""
        what = "address" if which == "address" else "transaction id"
        if not value:
            app.notify(f"This record has no {what}.", severity="warning")
            return
        app.copy_to_clipboard(value)
        app.notify(f"The {what} was copied (if the terminal allows clipboard access).")
