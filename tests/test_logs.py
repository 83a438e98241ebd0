"""The log file: everything goes there, nothing to stderr, no secret ever."""

from __future__ import annotations

import logging
import stat
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sandbox import root_logging_restored

from jextui import logs
from jextui.secret import Secret

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    with root_logging_restored():
        yield


def _log_text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_secret_in_message_args_and_exception_is_masked(tmp_path: Path) -> None:
    path = tmp_path / "log" / "jextui.log"
    logs.setup_logging("DEBUG", path, [API_KEY, Secret(SECRET)])
    log = logging.getLogger("jextui.test")
    log.info("signing with " + SECRET)
    log.warning("key=%s secret=%s", API_KEY, SECRET)
    log.debug("params %r", {"apiKey": API_KEY})
    try:
        raise RuntimeError(f"bad signature for secret {SECRET}")
    except RuntimeError:
        log.exception("request failed for %s", API_KEY)
    text = _log_text(path)
    assert SECRET not in text and API_KEY not in text
    assert text.count("***") >= 6
    assert "RuntimeError: bad signature for secret ***" in text  # the traceback itself is kept
    assert "Traceback (most recent call last)" in text


def test_url_encoded_secret_and_later_registration(tmp_path: Path) -> None:
    path = tmp_path / "jextui.log"
    logs.setup_logging("INFO", path, [])
    odd = "p@ss/w+rd=42"
    log = logging.getLogger("jextui.test")
    log.info("before registration: %s", "harmless")
    logs.register_secret(odd)
    log.info("raw %s encoded %s", odd, "p%40ss%2Fw%2Brd%3D42")
    text = _log_text(path)
    assert odd not in text and "p%40ss%2Fw%2Brd%3D42" not in text
    assert "raw *** encoded ***" in text


def test_very_short_strings_are_not_registered(tmp_path: Path) -> None:
    path = tmp_path / "jextui.log"
    logs.setup_logging("INFO", path, ["ab", "", None])
    logging.getLogger("jextui.test").info("abc table")
    assert "abc table" in _log_text(path)


def test_nothing_reaches_stderr_and_warnings_go_to_the_file(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "jextui.log"
    logs.setup_logging("WARNING", path, [])
    logging.getLogger("jextui.feed").error("server unreachable")
    logging.getLogger("somelib").critical("library trouble")
    logging.getLogger("jextui.feed").info("below the level")
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    text = _log_text(path)
    assert "server unreachable" in text and "library trouble" in text and "deprecated thing" in text
    assert "below the level" not in text


def test_log_file_is_private_and_setup_twice_does_not_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "jextui.log"
    logs.setup_logging("INFO", path, [])
    logs.setup_logging("INFO", path, [])
    logging.getLogger("jextui").info("once")
    assert _log_text(path).count("once") == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert logs.current_log_path() == path


def test_unknown_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="DEBUG, INFO, WARNING, ERROR"):
        logs.setup_logging("LOUD", tmp_path / "x.log", [])


def test_bad_format_arguments_do_not_lose_the_record(tmp_path: Path) -> None:
    path = tmp_path / "jextui.log"
    logs.setup_logging("INFO", path, [SECRET])
    logging.getLogger("jextui").info("%d items for " + SECRET, "not-a-number")
    text = _log_text(path)
    assert "items for ***" in text and SECRET not in text
