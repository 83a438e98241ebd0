"""API keys, permissions and signed-request checks of the sandbox (docs/protocol.md#signing).

* MARKET_DATA and USER_STREAM endpoints need a known key in the
  ``X-JEX-APIKEY`` header: a missing or ill-formed key is -2014, an unknown
  one -2015 (HTTP 401).
* TRADE and USER_DATA endpoints also need ``timestamp`` and ``signature``:
  the signature is the hex HMAC-SHA256 of *totalParams* — the raw query
  string followed directly by the raw body, exactly as received, minus the
  ``signature`` pair itself.  A bad signature is -1022; a timestamp that is not
  ``< serverTime + 1000`` or older than ``recvWindow`` (default 5000, at most
  60000) is -1021.
* A read-only key is refused on TRADE endpoints with -2015.

Secrets are held as :class:`~jextui.secret.Secret` and never appear in a
message, a repr or a log line.
"""

from __future__ import annotations

import enum
import re
import secrets
import string
from dataclasses import dataclass
from urllib.parse import unquote_plus

from jextui.api.signing import total_params, verify
from jextui.sandbox.params import ApiRejection, ParamReader, RawParams, duplicate, mandatory
from jextui.secret import Secret

__all__ = [
    "API_KEY_HEADER",
    "Security",
    "ApiKeyRecord",
    "KeyStore",
    "generate_credential",
    "is_valid_credential",
    "signed_message",
    "check_signed_request",
    "DEFAULT_RECV_WINDOW",
    "MAX_RECV_WINDOW",
]

API_KEY_HEADER = "x-jex-apikey"
DEFAULT_RECV_WINDOW = 5000
MAX_RECV_WINDOW = 60_000
FUTURE_TOLERANCE_MS = 1000

_CREDENTIAL_RE = re.compile(r"[A-Za-z0-9]{1,128}")
_CREDENTIAL_ALPHABET = string.ascii_letters + string.digits
_CREDENTIAL_LENGTH = 64
_SIGNATURE_RE = re.compile(r"[0-9A-Fa-f]{64}")


class Security(enum.Enum):
    """The security type of an endpoint (the spec's labels)."""

    NONE = "NONE"
    MARKET_DATA = "MARKET_DATA"
    USER_STREAM = "USER_STREAM"
    TRADE = "TRADE"
    USER_DATA = "USER_DATA"

    @property
    def needs_key(self) -> bool:
        return self is not Security.NONE

    @property
    def is_signed(self) -> bool:
        return self in (Security.TRADE, Security.USER_DATA)


@dataclass(frozen=True)
class ApiKeyRecord:
    """One API key: whose account it acts on and whether it may trade."""

    key: str
    secret: Secret
    account_id: str
    can_trade: bool = True

    def __repr__(self) -> str:
        return f"ApiKeyRecord(key={self.key[:4]}…, account_id={self.account_id!r}, can_trade={self.can_trade})"


def generate_credential() -> str:
    """A fresh random 64-character key or secret."""
    return "".join(secrets.choice(_CREDENTIAL_ALPHABET) for _ in range(_CREDENTIAL_LENGTH))


def is_valid_credential(text: str) -> bool:
    """Keys and secrets are 1-128 ASCII letters and digits."""
    return bool(_CREDENTIAL_RE.fullmatch(text))


def _format_invalid() -> ApiRejection:
    return ApiRejection(-2014, "API-key format invalid.", status=401)


def _not_permitted() -> ApiRejection:
    return ApiRejection(-2015, "Invalid API-key, IP, or permissions for action.", status=401)


class KeyStore:
    """The API keys the sandbox knows."""

    def __init__(self) -> None:
        self._records: dict[str, ApiKeyRecord] = {}

    def add(self, key: str, secret: str, account_id: str, *, can_trade: bool = True) -> ApiKeyRecord:
        if not is_valid_credential(key) or not is_valid_credential(secret):
            raise ValueError("API keys and secrets must be 1-128 ASCII letters and digits")
        record = ApiKeyRecord(key=key, secret=Secret(secret), account_id=account_id, can_trade=can_trade)
        self._records[key] = record
        return record

    def __len__(self) -> int:
        return len(self._records)

    def lookup(self, header_value: str | None) -> ApiKeyRecord:
        """The record of the key sent in the header: -2014 ill-formed, -2015 unknown."""
        if header_value is None or not _CREDENTIAL_RE.fullmatch(header_value):
            raise _format_invalid()
        record = self._records.get(header_value)
        if record is None:
            raise _not_permitted()
        return record

    def authorize(self, header_value: str | None, security: Security) -> ApiKeyRecord | None:
        """The caller's key for an endpoint of the given security type (None for NONE)."""
        if not security.needs_key:
            return None
        record = self.lookup(header_value)
        if security is Security.TRADE and not record.can_trade:
            raise _not_permitted()
        return record


def _strip_signature(raw: str) -> tuple[str, list[str]]:
    """``raw`` without its ``signature=`` pairs (bytes of the rest untouched), and their values."""
    if "signature" not in raw:
        return raw, []
    kept: list[str] = []
    found: list[str] = []
    for segment in raw.split("&"):
        name, _, value = segment.partition("=")
        if unquote_plus(name) == "signature":
            found.append(unquote_plus(value))
        else:
            kept.append(segment)
    return "&".join(kept), found


def signed_message(params: RawParams) -> tuple[str, str]:
    """(totalParams without the signature, the signature sent); -1102 / -1101 when absent / repeated."""
    query, query_signatures = _strip_signature(params.query)
    body, body_signatures = _strip_signature(params.body)
    signatures = query_signatures + body_signatures
    if len(signatures) > 1:
        raise duplicate()
    if not signatures or not signatures[0]:
        raise mandatory("signature")
    return total_params(query, body), signatures[0]


def check_signed_request(record: ApiKeyRecord, params: RawParams, server_time_ms: int) -> None:
    """Signature first (-1022), then the timestamp/recvWindow rule (-1021)."""
    message, signature = signed_message(params)
    reader = ParamReader(params.values)
    timestamp = reader.long("timestamp", required=True)
    assert timestamp is not None
    recv_window = reader.bounded_int("recvWindow", default=DEFAULT_RECV_WINDOW, low=0, high=MAX_RECV_WINDOW)
    if not _SIGNATURE_RE.fullmatch(signature) or not verify(record.secret.reveal(), message, signature):
        raise ApiRejection(-1022, "Signature for this request is not valid.")
    if timestamp >= server_time_ms + FUTURE_TOLERANCE_MS:
        raise ApiRejection(-1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    if server_time_ms - timestamp > recv_window:
        raise ApiRejection(-1021, "Timestamp for this request is outside of the recvWindow.")
