"""The persisted UI state: round trip, atomic writes, bad files ignored."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from jextui.config.state import UiState, load_state, save_state, update_state


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "data" / "state.json"
    state = UiState(watchlist=("BTCUSDT", "ETHBTC"), active_symbol="ETHBTC", kline_interval="15m", theme="jextui-amber")
    assert save_state(path, state)
    assert load_state(path) == state
    on_disk = json.loads(path.read_text())
    assert on_disk["watchlist"] == ["BTCUSDT", "ETHBTC"] and on_disk["version"] == 1


def test_missing_file_is_an_empty_state(tmp_path: Path) -> None:
    state = load_state(tmp_path / "nope.json")
    assert state == UiState()
    assert state.watchlist is None and state.theme is None


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"watchlist": "BTCUSDT"}',
        b'{"watchlist": ["btc-usdt"]}',
        b'{"kline_interval": "7m"}',
        b"",
    ],
)
def test_corrupt_file_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="jextui.config.state"):
        assert load_state(path) == UiState()
    assert any(str(path) in r.getMessage() and "ignored" in r.getMessage() for r in caplog.records)


def test_unknown_keys_from_a_newer_version_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"version": 2, "watchlist": ["BTCUSDT"], "layout": "wide"}')
    assert load_state(path).watchlist == ("BTCUSDT",)


def test_save_replaces_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, UiState(theme="jextui-light"))
    save_state(path, UiState(theme="jextui-dark"))
    assert load_state(path).theme == "jextui-dark"
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_save_failure_is_reported_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with caplog.at_level(logging.WARNING, logger="jextui.config.state"):
        assert save_state(blocker / "state.json", UiState(theme="x")) is False
    assert "not saved" in caplog.text


def test_update_changes_only_the_given_fields(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, UiState(watchlist=("BTCUSDT",), theme="jextui-amber"))
    new = update_state(path, watchlist=["ETHUSDT", "LTCBTC"], kline_interval="1h")
    assert new == UiState(watchlist=("ETHUSDT", "LTCBTC"), theme="jextui-amber", kline_interval="1h")
    assert load_state(path) == new


def test_update_with_a_bad_value_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, UiState(kline_interval="1m"))
    with pytest.raises(ValueError):
        update_state(path, kline_interval="2m")
    with pytest.raises(ValueError):
        update_state(path, colour="red")
    assert load_state(path).kline_interval == "1m"
