"""HMAC-SHA256 request signing (docs/protocol.md#signing).

The signed message is *totalParams*: the query string concatenated directly
with the request body, with nothing between them.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["total_params", "sign", "verify"]


def total_params(query: str, body: str) -> str:
    """The message that is signed: query string, then body, no separator."""
    return f"{query}{body}"


def sign(secret: str, message: str) -> str:
    """Hex HMAC-SHA256 of ``message`` keyed with ``secret``."""
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, message: str, signature: str) -> bool:
    """Constant-time check of a hex signature (case-insensitive, as the API says)."""
    return hmac.compare_digest(sign(secret, message), signature.strip().lower())
