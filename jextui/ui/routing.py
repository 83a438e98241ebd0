"""The one table from feed event type to what handles it.

A feed event (from the poller, or any other source that produces the same
events: every source hands them to the same sink) reaches the app as a
:class:`~jextui.ui.messages.FeedArrived` message and then
:meth:`FeedRouter.route`:

1. the row's *rememberer* (the market store's method for that type) keeps
   what the event carries and says what it changed
   (:class:`~jextui.market_store.Changed`);
2. every *handler* subscribed to that type is called with the event and
   that change, in the order they subscribed (the panes, the status bar,
   trading).

A handler's failure is logged and does not keep the event from the next
handlers, nor the next events from any.  Types are matched exactly (the
events are final dataclasses), so the table is a plain dictionary.

A part that is built later than the first events (trading waits for the
first order book) has the router :meth:`~FeedRouter.hold` them, and gets
those of its types replayed when it :meth:`~FeedRouter.subscribe_all`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jextui.feed.events import FeedEvent
from jextui.market_store import NOTHING, Changed

__all__ = ["FeedRouter", "Handler", "Rememberer"]

log = logging.getLogger("jextui.ui")

E = TypeVar("E", bound=FeedEvent)
Handler = Callable[[Any, Changed], object]
"""Called with an event of its subscribed type and what it changed in the store."""
Rememberer = Callable[[Any], Changed]
"""Keeps an event of its type and says what changed."""


def _remember_nothing(_event: FeedEvent) -> Changed:
    return NOTHING


@dataclass
class _Route:
    remember: Rememberer = _remember_nothing
    handlers: list[Handler] = field(default_factory=list)


class FeedRouter:
    """Event type -> the store's rememberer and the handlers, in subscription order."""

    def __init__(self) -> None:
        self._routes: dict[type[FeedEvent], _Route] = {}
        self._holding = False
        self._held: list[FeedEvent] = []

    def _route_of(self, event_type: type[FeedEvent]) -> _Route:
        route = self._routes.get(event_type)
        if route is None:
            route = self._routes[event_type] = _Route()
        return route

    def remember(self, event_type: type[E], rememberer: Callable[[E], Changed]) -> None:
        """``rememberer`` keeps events of ``event_type`` (one per type: the store)."""
        self._route_of(event_type).remember = rememberer

    def subscribe(self, event_type: type[E], handler: Callable[[E, Changed], object]) -> None:
        """``handler`` is called with every event of ``event_type`` from now on."""
        self._route_of(event_type).handlers.append(handler)

    def hold(self) -> None:
        """Keep every event until :meth:`subscribe_all` (a part built later wants those of its types)."""
        self._holding = True

    def subscribe_all(self, handlers: Mapping[type[FeedEvent], Handler]) -> None:
        """Subscribe each handler to its type; events held for them are replayed to them first."""
        held, self._held, self._holding = self._held, [], False
        for event in held:
            handler = handlers.get(type(event))
            if handler is not None:
                self._call(handler, event, NOTHING)
        for event_type, handler in handlers.items():
            self.subscribe(event_type, handler)

    def handles(self, event_type: type[FeedEvent]) -> list[Handler]:
        """The handlers of ``event_type``, in order (for tests and the curious)."""
        route = self._routes.get(event_type)
        return list(route.handlers) if route is not None else []

    def route(self, event: FeedEvent) -> Changed:
        """Remember ``event`` and hand it to its handlers; what it changed."""
        route = self._routes.get(type(event))
        if self._holding:
            self._held.append(event)
        if route is None:
            return NOTHING
        try:
            changed = route.remember(event)
        except Exception:
            log.exception("remembering %s failed", type(event).__name__)
            changed = NOTHING
        for handler in route.handlers:
            self._call(handler, event, changed)
        return changed

    @staticmethod
    def _call(handler: Handler, event: FeedEvent, changed: Changed) -> None:
        try:
            handler(event, changed)
        except Exception:  # one part's problem must not lose the event for the others
            log.exception("handling %s failed", type(event).__name__)
