"""A text field where a fast burst of keys takes effect in the order typed.

Textual hands every key to the focused widget through its message queue, but
not every key is handled in that queue:

* a printable character is inserted by the field as soon as the key reaches it;
* an editing key (Backspace, Delete, the arrows, Home/End, Ctrl+U, …) and every
  screen or app key (Tab, Enter, ↑/↓ for a price tick) is a *binding*: the key
  bubbles up through each parent to the App, which then runs the action.

Each hop is a message, so in a burst — a fast typist, a terminal paste, a
macro, or simply a loaded machine — a character typed after a Backspace can be
inserted before it (``3150`` End Backspace Backspace ``1`` gave ``3151`` instead of
``311``), and a key meant for the next field can overtake the Tab that moves
there.  In an order ticket that is a wrong price or quantity.

:class:`InOrderInput` handles every key in the one queue, in arrival order:

a key that is not a character runs the bindings at once, as the App would
(the focused widget's own first, then its parents', screen and App).
Priority bindings (the ticket's Tab and Shift+Tab among them) are run by the
App as each key arrives, before the key is handed to any field, so they keep
their place in the burst as before: characters typed before a Tab stay in the
field they were typed in.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

__all__ = ["InOrderInput"]


class InOrderInput(Input):
    """An ``Input`` whose keys all take effect in the order they arrive."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual would bubble a non-character key to the App and run its binding later,
        # after the characters typed behind it; run it now instead.  ``_check_bindings``
        # is the App's own lookup (focused widget first, up to the App, honouring the
        # keymap and modal screens), so the same action runs as before.
        if not event.is_printable and await self.app._check_bindings(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)
