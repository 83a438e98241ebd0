"""listenKeys of the user data stream: one live key per account, expiring without keepalive.

``open`` answers an account's live key (extending it) or makes a new one;
``keepalive`` pushes its expiry ``ttl_ms`` ahead; ``close`` deletes it.  A
key that expires or is deleted is reported to every ``on_removed`` callback
(the stream hub closes the key's open streams at once).  Expiry is checked
whenever a key is looked up and by :meth:`purge`, which the stream hub calls
while streams are open.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ListenKeys", "LISTEN_KEY_TTL_MS", "EXPIRED", "DELETED"]

LISTEN_KEY_TTL_MS = 60 * 60 * 1000
EXPIRED = "expired"
DELETED = "deleted"

_ALPHABET = string.ascii_letters + string.digits
_KEY_LENGTH = 60


@dataclass
class _Entry:
    account_id: str
    expires_ms: int


class ListenKeys:
    """The live listenKeys, keyed by key (see the module docstring)."""

    def __init__(self, now_ms: Callable[[], int], ttl_ms: int = LISTEN_KEY_TTL_MS) -> None:
        if ttl_ms < 1:
            raise ValueError("the listenKey lifetime must be at least 1 ms")
        self._now_ms = now_ms
        self.ttl_ms = ttl_ms
        self._keys: dict[str, _Entry] = {}
        self.on_removed: list[Callable[[str, str], None]] = []

    def __len__(self) -> int:
        return len(self._keys)

    def _remove(self, key: str, why: str) -> None:
        del self._keys[key]
        for callback in list(self.on_removed):
            callback(key, why)

    def purge(self) -> None:
        """Remove every expired key (telling the callbacks)."""
        now = self._now_ms()
        for key in [key for key, entry in self._keys.items() if entry.expires_ms <= now]:
            self._remove(key, EXPIRED)

    def open(self, account_id: str) -> str:
        """The account's live key, extended; a new key if it has none."""
        self.purge()
        expires = self._now_ms() + self.ttl_ms
        for key, entry in self._keys.items():
            if entry.account_id == account_id:
                entry.expires_ms = expires
                return key
        key = "".join(secrets.choice(_ALPHABET) for _ in range(_KEY_LENGTH))
        self._keys[key] = _Entry(account_id, expires)
        return key

    def account_of(self, key: str) -> str | None:
        """The account of a live key, None for an unknown, expired or deleted one."""
        self.purge()
        entry = self._keys.get(key)
        return entry.account_id if entry is not None else None

    def keepalive(self, account_id: str, key: str) -> bool:
        """Extend the account's key; False when it is not a live key of that account."""
        if self.account_of(key) != account_id:
            return False
        self._keys[key].expires_ms = self._now_ms() + self.ttl_ms
        return True

    def close(self, account_id: str, key: str) -> bool:
        """Delete the account's key; False when it is not a live key of that account."""
        if self.account_of(key) != account_id:
            return False
        self._remove(key, DELETED)
        return True
