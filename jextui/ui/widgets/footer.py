"""The key footer, without the memory Textual's own keeps hold of.

Textual 8.2's ``Footer`` rebuilds its keys whenever the bindings change (on
every focus or screen change) and binds each new key's ``compact`` to its own;
the watchers of the keys it throws away are never dropped, so a long session
keeps every key it ever drew (about 20 widgets per focus change).  This
footer prunes the watchers of keys that are no longer on screen after each
rebuild.

On the main screen it also waits for the console's panes: until
:meth:`KeyFooter.show_keys` it lists nothing (as in the first frame), so that
building its keys (a dozen widgets) does not delay the first order book; most
of those keys act on the panes anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    """Textual's Footer that lets go of the keys it has replaced, and lists them once told to."""

    def __init__(self, *, keys_later: bool = False) -> None:
        """``keys_later``: list nothing until :meth:`show_keys` (the main screen, while its panes come)."""
        super().__init__()
        self._keys_shown = not keys_later
        self._bindings_waiting: Screen[object] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not self._keys_shown:
            self._bindings_waiting = screen  # listed by show_keys()
            return
        super().bindings_changed(screen)

    def show_keys(self) -> None:
        """List the keys from now on (idempotent)."""
        if self._keys_shown:
            return
        self._keys_shown = True
        screen, self._bindings_waiting = self._bindings_waiting, None
        # In the footer's own turn, as the screen's signal would call it: the keys are built there.
        self.call_next(self.bindings_changed, screen if screen is not None else self.screen)

    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        watchers = getattr(self, "__watchers", None)
        if not watchers:
            return
        for watcher_list in watchers.values():
            watcher_list[:] = [(node, callback) for node, callback in watcher_list if node.is_attached]
