"""An unexpected error in the console: logged in full, shown in one line.

Textual ends the app on an unexpected error and prints an error that renders
itself (has ``__rich__``) as it renders, with no traceback (``App.panic``).
:func:`in_one_line` logs the error (the log masks secrets) and gives it that
one line, which names the log file, before the App hands it on.
"""

from __future__ import annotations

import logging

from rich.text import Text

from jextui.logs import current_log_path

__all__ = ["in_one_line"]

log = logging.getLogger("jextui.ui")


class _Unexpected(Exception):
    """Stands in for an unexpected error that cannot carry its own one-line rendering."""

    def __init__(self, line: Text) -> None:
        super().__init__(str(line))
        self._line = line

    def __rich__(self) -> Text:
        return self._line


def in_one_line(error: Exception) -> Exception:
    """``error`` logged, and rendering as one line that says where the details are."""
    log.error("unexpected error in the console", exc_info=error)
    where = current_log_path()
    detail = f"details in {where}" if where is not None else "no log file is configured"
    line = Text(f"jextui: unexpected error ({type(error).__name__}); {detail}")
    try:
        error.__rich__ = lambda: line  # type: ignore[attr-defined]  # how Textual prints an exception: its __rich__
    except AttributeError:  # an error that takes no attributes: shown in the words above all the same
        return _Unexpected(line)
    return error
