"""A yes/no question in a small dialog: order confirmation, fat-finger check, cancel-all.

The answer comes back through ``dismiss(True | False)``.  Which keys say
"yes" is chosen per question: an order confirmation accepts ``y`` and
Enter, while the fat-finger check accepts only ``y`` so that a second press
of Enter can never send a far-off price by accident.  ``n`` and Esc always
say no.  ``y``, ``n`` and Esc are the keymap's ``confirm.yes`` / ``confirm.no``
(the config file's ``[keys]`` may change them).  The dialog lists its keys on
its last line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from jextui.ui.keymap import key_names

__all__ = ["ConfirmScreen"]

_KEY_NAMES = {"enter": "Enter", "y": "y", "escape": "Esc", "n": "n"}


class ConfirmScreen(ModalScreen[bool]):
    """Asks one question; ``dismiss(True)`` on a yes key, ``dismiss(False)`` on n / Esc."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; background: $background 50%; }
    ConfirmScreen > #confirm-dialog {
        width: 72;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: heavy $primary;
        border-title-style: bold;
        padding: 0 1;
        background: $surface;
    }
    ConfirmScreen.-danger > #confirm-dialog { border: heavy $warning; }
    ConfirmScreen #confirm-body { height: auto; }
    ConfirmScreen #confirm-keys { height: auto; margin-top: 1; color: $foreground-muted; }
    """

    def __init__(
        self,
        title: str,
        lines: Sequence[str | Text],
        *,
        yes_label: str = "Confirm",
        no_label: str = "Back",
        yes_keys: Sequence[str] = ("y", "enter"),
        danger: bool = False,
    ) -> None:
        super().__init__(classes="-danger" if danger else "")
        self.question_title = title
        self.lines = list(lines)
        self.yes_label = yes_label
        self.no_label = no_label
        self.yes_keys = tuple(yes_keys)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog") as dialog:
            dialog.border_title = self.question_title
            body = Text()
            for index, line in enumerate(self.lines):
                if index:
                    body.append("\n")
                body.append(line if isinstance(line, Text) else Text(line))
            yield Static(body, id="confirm-body")
            yield Static(self.keys_text(), id="confirm-keys", markup=False)

    def _remapped(self) -> Mapping[str, str] | None:
        try:
            return getattr(getattr(self.app, "user_keys", None), "remapped", None)
        except RuntimeError:  # no running console (Textual's NoActiveAppError): the defaults
            return None

    def answer_keys(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(yes keys, no keys) as bound: ``y`` stands for the keymap's ``confirm.yes``."""
        remapped = self._remapped()
        yes: list[str] = []
        for key in self.yes_keys:
            for name in key_names("confirm.yes", remapped) if key == "y" else (key,):
                if name not in yes:
                    yes.append(name)
        return tuple(yes), key_names("confirm.no", remapped)

    def keys_text(self) -> str:
        yes_keys, no_keys = self.answer_keys()
        yes = " / ".join(_KEY_NAMES.get(key, key) for key in yes_keys)
        no = " / ".join(_KEY_NAMES.get(key, key) for key in no_keys)
        return f"{yes}: {self.yes_label}    {no}: {self.no_label}"

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        yes_keys, no_keys = self.answer_keys()
        if event.key in yes_keys:
            self.dismiss(True)
        elif event.key in no_keys:
            self.dismiss(False)
