"""Which notices replace each other instead of stacking.

A notice (a toast) of the same *kind* as one still on screen replaces it:
pressing ``p`` ten times leaves one "Privacy" notice saying the current
state, not ten.  The kind is the notice's title, or its text when it has
none (so the same untitled sentence twice shows once).  Notices that each
tell of a different event keep stacking: fills, partial fills and
cancellations of orders, and the order journal's findings, are titled by
what happened, and every one of them matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

from jextui.ui.notifications import FILL_TITLES

__all__ = ["STACKING_TITLES", "notice_kind", "replaced_notices"]

STACKING_TITLES = frozenset({*FILL_TITLES.values(), "Order journal"})
"""Titles of notices that each tell of a separate event: never replaced."""


class _Notice(Protocol):
    title: str
    message: str


def notice_kind(title: str, message: str) -> str | None:
    """The kind a notice replaces others of, or None when it stacks."""
    if title in STACKING_TITLES:
        return None
    return f"title:{title}" if title else f"text:{message}"


N = TypeVar("N", bound=_Notice)


def replaced_notices(shown: Iterable[N], new: _Notice) -> Iterator[N]:
    """The notices on screen that ``new`` replaces."""
    kind = notice_kind(new.title, new.message)
    if kind is None:
        return
    for notice in shown:
        if notice is not new and notice_kind(notice.title, notice.message) == kind:
            yield notice
