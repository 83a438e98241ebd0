"""The user's ``[keys]`` table: checked against the keymap, turned into Textual's keymap.

``[keys]`` maps action ids (:attr:`~jextui.ui.keymap.KeySpec.action_id`) to
keys: ``buy = "B"``, ``quit = "ctrl+q"``, several keys as ``"a,b"`` or
``["a", "b"]``.  Ids of a pane or screen have a dot (``watchlist.up``); TOML
reads ``watchlist.up = "w"`` and ``[keys.watchlist]`` tables as nested
tables, and both are accepted.  Binding an action to new keys takes its old
keys away.

:func:`resolve_user_keys` never raises: an unknown id, a key name Textual
does not know, a value that is not a key, or a conflict (two actions on one
key in one scope) becomes a problem in words, and the action keeps its
default keys.  ``jextui config check`` prints the problems; the console shows
them in a notice at start.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys, _character_to_key, key_to_character

from jextui.ui.keymap import KEYMAP, SCOPE_TITLES, SHARED_SCOPES, TWIN_ACTIONS, KeySpec, Scope, key_label

__all__ = ["UserKeys", "resolve_user_keys", "normalize_key", "is_key_name"]

_MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})
_NAMED_KEYS = frozenset(
    {key.value.rpartition("+")[2] for key in Keys}
    | set(KEY_NAME_REPLACEMENTS.values())  # slash, backslash, at, minus, plus, underscore
    | set(KEY_TO_UNICODE_NAME)
    | {"enter", "space", "tab", "escape", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown"}
)


@dataclass(frozen=True)
class UserKeys:
    """What the console binds differently from the defaults, and what it refused."""

    remapped: dict[str, str] = field(default_factory=dict)  # action id -> Textual keys, comma separated
    problems: tuple[str, ...] = ()

    def textual_keymap(self) -> dict[str, str]:
        """The keymap for ``App.set_keymap``: the remapped ids, plus any twin sharing one of their keys.

        Textual takes a key away from a binding the keymap does not name when a remapped
        binding claims it; a twin (``quit`` / ``quit_anywhere``) keeps its keys by being named.
        """
        keymap = dict(self.remapped)
        specs = {spec.action_id: spec for spec in KEYMAP}
        for action_id, keys in self.remapped.items():
            for pair in TWIN_ACTIONS:
                if action_id in pair:
                    for twin in pair - {action_id}:
                        twin_keys = keymap.get(twin, specs[twin].keys)
                        if set(keys.split(",")) & set(twin_keys.split(",")):
                            keymap.setdefault(twin, twin_keys)
        return keymap


def normalize_key(text: str) -> str:
    """One key as Textual names it: ``"?"`` → ``"question_mark"``, ``"Ctrl+Q"`` → ``"ctrl+q"``."""
    text = text.strip()
    if len(text) == 1:
        return _character_to_key(text)
    modifiers, plus, base = text.rpartition("+")
    if plus and not base:  # "ctrl++"
        modifiers, base = text[:-2], "+"
    # a letter with a modifier is named in lower case (ctrl+q); alone, its case is the key (B = shift+b)
    base = _character_to_key(base.lower() if modifiers else base) if len(base) == 1 else base.lower()
    return f"{modifiers.lower()}+{base}" if modifiers else base


def is_key_name(key: str) -> bool:
    """True when Textual can read ``key`` (as :func:`normalize_key` gives it)."""
    modifiers, _, base = key.rpartition("+")
    if modifiers and not set(modifiers.split("+")) <= _MODIFIERS:
        return False
    if not base:
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    return base in _NAMED_KEYS or key_to_character(base) is not None


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name, value in table.items():
        action_id = f"{prefix}{name}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{action_id}."))
        else:
            flat[action_id] = value
    return flat


def _quoted(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_quoted(item) for item in value) + "]"
    return repr(value)


def _parse_keys(action_id: str, value: Any) -> tuple[list[str] | None, str | None]:
    """(keys, None) or (None, why not)."""
    if isinstance(value, str):
        texts = value.split(",") if value.strip() != "," else [","]
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        texts = list(value)
    else:
        return None, f'keys.{action_id}: give a key as a string ("ctrl+q"), several as "a,b" or a list'
    texts = [text for text in texts if text.strip() or text == " "]
    if not texts:
        return None, f"keys.{action_id}: no key given"
    keys: list[str] = []
    for text in texts:
        key = "space" if text == " " else normalize_key(text)
        if not is_key_name(key):
            examples = "e.g. b, B, ctrl+q, f5, enter, up"
            return None, f"keys.{action_id} = {_quoted(value)}: {text.strip()!r} is not a key name ({examples})"
        if key not in keys:
            keys.append(key)
    return keys, None


def _unknown_id(action_id: str, known: Mapping[str, KeySpec]) -> str:
    close = difflib.get_close_matches(action_id, list(known), n=3, cutoff=0.6)
    hint = f" (did you mean {' or '.join(close)}?)" if close else " (`jextui keys` lists every action id)"
    return f"keys.{action_id}: no action has this id{hint}; ignored"


#: Scopes whose keys are read while a text field has the focus: a character types into it,
#: and the field's own editing keys (ctrl+a, ctrl+k ...) come first.
_TYPING_SCOPES: frozenset[Scope] = frozenset({"ticket", "search"})


def _text_field_keys() -> frozenset[str]:
    from textual.binding import Binding
    from textual.widgets import Input

    return frozenset(
        key.strip() for binding in Input.BINDINGS if isinstance(binding, Binding) for key in binding.key.split(",")
    )


def _types_a_character(key: str) -> bool:
    typed = key_to_character(key)
    return typed is not None and typed.isprintable()


def _priority_key_problem(spec: KeySpec, keys: list[str]) -> str | None:
    """Why a key of a priority action (it acts before the focused widget, text fields
    included: ctrl+q over the ticket) would take a character from every text field, or None."""
    for key in keys:
        if key not in spec.keys.split(",") and _types_a_character(key):
            return (
                f"keys.{spec.action_id}: {key_label(key)} cannot be its key (it acts over every text field, "
                f"so that character could never be typed); keeps its default {key_label(spec.keys)}"
            )
    return None


def _typed_key_problem(spec: KeySpec, keys: list[str]) -> str | None:
    """Why a key of a ticket or search action would never reach it, or None."""
    if spec.priority:
        return _priority_key_problem(spec, keys)
    if spec.scope not in _TYPING_SCOPES:
        return None
    field_keys = _text_field_keys()
    for key in keys:
        if key in spec.keys.split(","):  # a default key works as it always has
            continue
        if _types_a_character(key):
            why = "it types into the text field"
        elif key in field_keys:
            why = "the text field uses it for editing"
        else:
            continue
        where = SCOPE_TITLES[spec.scope].lower()
        default = key_label(spec.keys)
        return (
            f"keys.{spec.action_id}: {key_label(key)} cannot work in the {where} ({why}); keeps its default {default}"
        )
    return None


def _scope_group(scope: Scope) -> Scope:
    return SHARED_SCOPES.get(scope, scope)


def _conflicts(remapped: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(user's action id, other action id, key) for each key two actions hold in one scope."""
    holders: dict[tuple[Scope, str], list[str]] = {}
    for spec in KEYMAP:
        keys = remapped.get(spec.action_id, spec.keys)
        for key in keys.split(","):
            holders.setdefault((_scope_group(spec.scope), key), []).append(spec.action_id)
    found = []
    for (_, key), ids in holders.items():
        if len(ids) < 2:
            continue
        for user_id in ids:
            if user_id not in remapped:
                continue
            for other in ids:
                if other != user_id and frozenset({user_id, other}) not in TWIN_ACTIONS:
                    found.append((user_id, other, key))
    return found


def resolve_user_keys(table: Mapping[str, Any] | None) -> UserKeys:
    """Check the ``[keys]`` table; what is wrong keeps its defaults and is said in ``problems``."""
    if not table:
        return UserKeys()
    known = {spec.action_id: spec for spec in KEYMAP}
    problems: list[str] = []
    wanted: dict[str, str] = {}
    for action_id, value in _flatten(table).items():
        if action_id not in known:
            problems.append(_unknown_id(action_id, known))
            continue
        keys, problem = _parse_keys(action_id, value)
        if problem is not None or keys is None:
            default = key_label(known[action_id].keys)
            problems.append(f"{problem or f'keys.{action_id}: no key given'}; {action_id} keeps its default {default}")
            continue
        typed = _typed_key_problem(known[action_id], keys)
        if typed is not None:
            problems.append(typed)
            continue
        if ",".join(keys) != known[action_id].keys:
            wanted[action_id] = ",".join(keys)
    # A conflict sends the user's action back to its defaults; that may clash with another
    # remapped action in turn, so repeat until no two actions share a key in one scope.
    while conflicts := _conflicts(wanted):
        user_id, other, key = conflicts[0]
        scope = SCOPE_TITLES[known[user_id].scope]
        whose = "by default" if other not in wanted else "in [keys]"
        problems.append(
            f"keys.{user_id} = {_quoted(key_label(wanted[user_id]))}: {key_label(key)} is already the key of "
            f"{other} ({whose}; scope: {scope}); {user_id} keeps its default {key_label(known[user_id].keys)}"
        )
        del wanted[user_id]
    return UserKeys(remapped=wanted, problems=tuple(problems))
