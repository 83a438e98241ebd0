"""A banner that says the exchange rejected the API key, and what to do.

Hidden until :meth:`KeyRejectedBanner.show_rejected` (a keyed request was
answered "invalid API key, IP or permissions"); then a bold line or two in
the theme's ``$warning`` colours naming the problem and the fix.  Market
data keeps coming from the public endpoints, and the banner says so.
:meth:`KeyRejectedBanner.clear` hides it once a keyed request succeeds.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

__all__ = ["KeyRejectedBanner", "key_rejected_message"]


def key_rejected_message(profile: str | None, reason: str) -> str:
    """The banner's sentence: the problem, the fix, and what still works."""
    where = f"profile '{profile}'" if profile else "this profile"
    return (
        f"API key rejected by the exchange ({reason}). Fix: check the key and secret of {where} "
        "(jextui config check), the key's IP whitelist and its permissions, then restart. "
        "Market data still works; the account panes and trading do not."
    )


class KeyRejectedBanner(Widget):
    """A hard-to-miss notice that the API key does not work."""

    DEFAULT_CSS = """
    KeyRejectedBanner {
        display: none;
        height: auto;
        width: 1fr;
        background: $warning;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    KeyRejectedBanner.-active {
        display: block;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._message = ""

    @property
    def active(self) -> bool:
        return self.has_class("-active")

    @property
    def message(self) -> str:
        return self._message if self.active else ""

    def show_rejected(self, message: str) -> None:
        if message != self._message:
            self._message = message
            self.refresh(layout=True)
        self.add_class("-active")

    def clear(self) -> None:
        self.remove_class("-active")

    def render(self) -> Text:
        return Text(self._message, end="")
