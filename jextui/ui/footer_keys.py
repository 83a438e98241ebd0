"""What the main screen's footer lists: Textual's active bindings, corrected for remapped keys.

Textual keeps one binding per key for the footer, a priority binding first.
Three things go wrong with keys from the config file's ``[keys]`` table, and
:func:`footer_bindings` puts them right (the keys themselves act as before;
only what the footer lists changes):

* ``quit`` and ``quit_anywhere`` are twins (:data:`~jextui.ui.keymap.TWIN_ACTIONS`).
  ``quit = "ctrl+q"`` puts the shown ``quit`` on a key the hidden, priority
  ``quit_anywhere`` holds too, and Textual lists the hidden one: the footer
  had no Quit at all.  The shown twin is listed for that key (pressing it
  runs the priority twin, which quits the same way).
* Textual moves a remapped binding after every other one; the entries are
  put back in the keymap's order, so Quit stays first whatever its key (and
  of an action's keys, the footer shows the first the user gave).
* The footer finds the palette's entry under ``App.COMMAND_PALETTE_BINDING``
  (``ctrl+p``) only; a palette bound elsewhere is listed under that name
  while no other binding holds it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.binding import ActiveBinding, Binding, BindingsMap
from textual.dom import DOMNode

from jextui.ui.keymap import KEYMAP, TWIN_ACTIONS, keys_of

__all__ = ["footer_bindings"]

_TABLE_ORDER = {spec.action_id: index for index, spec in enumerate(KEYMAP)}
_SPECS = {spec.action_id: spec for spec in KEYMAP}
_TWINS: dict[str, frozenset[str]] = {name: pair - {name} for pair in TWIN_ACTIONS for name in pair}
_PALETTE_ID = "command_palette"


def _shown_twin(key: str, hidden: Binding, chain: Iterable[tuple[DOMNode, BindingsMap]]) -> Binding | None:
    """A shown binding of ``key`` whose action is ``hidden``'s twin, or None."""
    twins = _TWINS.get(hidden.id or "")
    if not twins:
        return None
    for _node, bindings in chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            if binding.show and binding.id in twins:
                return binding
    return None


def _position(key: str, binding: Binding, remapped: Mapping[str, str] | None) -> tuple[int, int]:
    """Where an entry goes: its action's row in the keymap, then the key's place among the action's keys."""
    spec = _SPECS.get(binding.id or "")
    if spec is None:
        return len(_TABLE_ORDER), 0
    keys = keys_of(spec, remapped).split(",")
    return _TABLE_ORDER[spec.action_id], keys.index(key) if key in keys else len(keys)


def footer_bindings(
    active: Mapping[str, ActiveBinding],
    chain: Iterable[tuple[DOMNode, BindingsMap]],
    palette_key: str,
    remapped: Mapping[str, str] | None = None,
) -> dict[str, ActiveBinding]:
    """``active`` (a screen's active bindings, by key) as the footer should list them.

    ``chain`` is the screen's binding chain (where a key's other bindings are
    found); ``palette_key`` is the key the footer looks the palette up by;
    ``remapped`` is the ``[keys]`` table as resolved (action id -> keys).
    """
    chain = list(chain)
    listed: dict[str, ActiveBinding] = {}
    for key, entry in active.items():
        twin = None if entry.binding.show else _shown_twin(key, entry.binding, chain)
        listed[key] = entry if twin is None else entry._replace(binding=twin, tooltip=twin.tooltip)
    ordered = sorted(listed.items(), key=lambda item: _position(item[0], item[1].binding, remapped))
    result = dict(ordered)
    if palette_key not in result:
        for key, entry in ordered:
            if entry.binding.id == _PALETTE_ID:
                del result[key]
                result[palette_key] = entry
                break
    return result
