"""The key footer, without the memory Textual's own keeps hold of.

Textual 8.2's ``Footer`` rebuilds its keys whenever the bindings change (on
every focus or screen change) and binds each new key's ``compact`` to its own;
the watchers of the keys it throws away are never dropped, so a long session
keeps every key it ever drew (about 20 widgets per focus change).  This
footer prunes the watchers of keys that are no longer on screen after each
rebuild.
"""

from __future__ import annotations

from textual.widgets import Footer

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    """Textual's Footer that lets go of the keys it has replaced."""

    async def recompose(self) -> None:
        await super().recompose()
        self.prune_watchers()

    def prune_watchers(self) -> None:
        watchers = getattr(self, "__watchers", None)
        if not watchers:
            return
        for watcher_list in watchers.values():
            watcher_list[:] = [(node, callback) for node, callback in watcher_list if node.is_attached]
