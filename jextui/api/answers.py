"""Reading the exchange's answers: typed decoders, decode failures and error
bodies put in words."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from . import models as m
from .errors import ApiError, DecodeError, JexError

_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def _decoder(decode_as: Any) -> msgspec.json.Decoder[Any]:
    decoder = _DECODERS.get(decode_as)
    if decoder is None:
        decoder = msgspec.json.Decoder(decode_as, dec_hook=m.dec_hook)
        _DECODERS[decode_as] = decoder
    return decoder


_MISSING_FIELD_RE = re.compile(r"^Object missing required field `([^`]+)`(?: - at `([^`]+)`)?$")
_AT_PATH_RE = re.compile(r"^(.*) - at `([^`]+)`$", re.DOTALL)


def _decode_error(endpoint: str, exc: msgspec.MsgspecError) -> DecodeError:
    text = str(exc)
    if isinstance(exc, msgspec.DecodeError) and not isinstance(exc, msgspec.ValidationError):
        return DecodeError(endpoint=endpoint, field=None, detail=f"not valid JSON ({text})")
    missing = _MISSING_FIELD_RE.match(text)
    if missing:
        field = f"{missing.group(2) or '$'}.{missing.group(1)}"
        return DecodeError(endpoint=endpoint, field=field, detail="required field is missing")
    located = _AT_PATH_RE.match(text)
    if located:
        return DecodeError(endpoint=endpoint, field=located.group(2), detail=located.group(1))
    return DecodeError(endpoint=endpoint, field="$", detail=text)


def _error_body(content: bytes) -> tuple[int | None, str] | None:
    """``(code, msg)`` from an error body, or None if it is not one."""
    try:
        body = msgspec.json.decode(content)
    except msgspec.DecodeError:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("code")
    msg = body.get("msg")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    msg = msg if isinstance(msg, str) else ""
    if code is None and not msg:
        return None
    return code, msg[:300]


def _short_error(error: JexError) -> str:
    """A one-line description for events: class name plus code/status."""
    if isinstance(error, ApiError):
        bits = [type(error).__name__]
        if error.code is not None:
            bits.append(str(error.code))
        return " ".join(bits) + (f": {error.msg}" if error.msg else "")
    return f"{type(error).__name__}: {error}"
