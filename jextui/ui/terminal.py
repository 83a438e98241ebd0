"""What the console needs of the terminal, settled before the app runs.

* **Escape delay.**  A terminal sends Esc alone for the Escape key and Esc
  followed by more bytes for many other keys, so Textual waits a moment
  after a lone Esc before it believes it (``ESCDELAY``, 100 ms by default in
  Textual 8.2).  A key typed within that moment is read as Alt+key: Esc then
  ``q`` becomes Alt+q, the help screen stays open and the q is lost.  The
  console waits :data:`ESCAPE_DELAY_MS` instead, unless ``ESCDELAY`` is set
  (a slow link where escape sequences arrive split may need more).
  Textual's Linux driver checks that delay only when its input wait (100 ms)
  ends without input, so a key arriving within 100 ms of Esc was still read
  as Alt+key whatever the delay: :func:`use_prompt_escape_parser` gives the
  driver a parser that settles an expired lone Esc before reading new input.
* **Terminals that cannot draw a screen.**  ``TERM=dumb`` has no cursor
  movement and no colour: :func:`terminal_refusal` says so in one line
  instead of filling it with escape codes.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ESCAPE_DELAY_MS",
    "apply_escape_delay",
    "escape_delay_s",
    "prompt_escape_parser",
    "terminal_refusal",
    "use_prompt_escape_parser",
]

ESCAPE_DELAY_MS = 25
"""How long a lone Esc waits for the rest of a key sequence (milliseconds)."""


def escape_delay_s(env: Mapping[str, str]) -> float:
    """The escape delay to use: ``ESCDELAY`` (milliseconds) when set and valid, else ours."""
    raw = env.get("ESCDELAY", "").strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw) / 1000.0
    return ESCAPE_DELAY_MS / 1000.0


def apply_escape_delay(env: Mapping[str, str]) -> float:
    """Set Textual's escape delay (its key parser reads it for every lone Esc); the delay set."""
    from textual import constants

    delay = escape_delay_s(env)
    constants.ESCAPE_DELAY = delay  # type: ignore[misc]  # Final in Textual, read at each Esc
    return delay


def prompt_escape_parser() -> type:
    """Textual's key parser, but one that first settles a lone Esc whose delay has passed
    (as the Escape key) before it reads the bytes that came after it."""
    from collections.abc import Iterable

    from textual._xterm_parser import XTermParser

    class PromptEscapeParser(XTermParser):
        def feed(self, data: str) -> Iterable[object]:  # type: ignore[override]  # yields the same events as Textual's parser
            if data:
                yield from self.tick()  # an expired lone Esc is the Escape key, not Alt+ the next key
            yield from super().feed(data)

    return PromptEscapeParser


def use_prompt_escape_parser() -> None:
    """Have Textual's Linux driver read keys with :func:`prompt_escape_parser` (Textual 8.2)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # not on this platform
        return
    if hasattr(linux_driver, "XTermParser"):
        linux_driver.XTermParser = prompt_escape_parser()


def terminal_refusal(env: Mapping[str, str]) -> str | None:
    """Why the console cannot run in this terminal, or None when it can."""
    term = env.get("TERM", "").strip().lower()
    if term == "dumb":
        return (
            "this terminal (TERM=dumb) cannot draw the console's screen: it has no cursor movement "
            "or colour; run jextui in a terminal such as xterm, tmux or screen"
        )
    return None
