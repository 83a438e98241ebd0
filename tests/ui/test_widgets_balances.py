"""Balances pane: spot / contract / option, zero balances, privacy."""

from __future__ import annotations

from support.widget_harness import UTC, HarnessApp, line_with, sample_account

from jextui.ui.widgets.balances import BalancesView


async def test_spot_balances_with_free_locked_total() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(60, 12)) as pilot:
        view.update_account(sample_account())
        await pilot.pause()
        assert line_with(view, "USDT").split() == ["USDT", "10,250.12345678", "2,160.25", "12,410.37345678"]
        assert line_with(view, "BTC").split() == ["BTC", "0.525", "0.15", "0.675"]
        assert "2 zero hidden (z)" in view.plain_lines()[0]


async def test_zero_balances_hidden_until_toggled() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(60, 12)) as pilot:
        view.update_account(sample_account())
        view.focus()
        await pilot.pause()
        text = "\n".join(view.plain_lines())
        assert "ETH" not in text and "XRP" not in text and "DOGE" in text
        await pilot.press("z")
        assert view.show_zero
        text = "\n".join(view.plain_lines())
        assert "ETH" in text and "XRP" in text
        assert not view.toggle_zero()
        assert "ETH" not in "\n".join(view.plain_lines())


async def test_contract_and_option_balances_are_reachable() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(60, 12)) as pilot:
        view.update_account(sample_account())
        view.focus()
        await pilot.press("right")
        assert view.kind == "contract"
        assert line_with(view, "USDT").split() == ["USDT", "500.00", "0.00", "500.00"]
        await pilot.press("l")
        assert view.kind == "option"
        assert "no option balances" in "\n".join(view.plain_lines())
        await pilot.press("left", "left")
        assert view.kind == "spot"
        tabs = view.plain_lines()[1]
        assert "Spot 5" in tabs and "Contract 1" in tabs and "Option 0" in tabs


async def test_privacy_hides_every_amount() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(60, 12)) as pilot:
        view.update_account(sample_account())
        view.set_private(True)
        await pilot.pause()
        body = view.plain_lines()[3:]
        assert not any(char.isdigit() for line in body for char in line)
        assert line_with(view, "USDT").split() == ["USDT", "•••", "•••", "•••"]
        view.set_private(False)
        await pilot.pause()
        assert "10,250.12345678" in line_with(view, "USDT")


async def test_narrow_keeps_locked_funds_before_the_total_then_drops_both() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(44, 12)) as pilot:
        view.update_account(sample_account())
        await pilot.pause()
        assert "Locked" in view.plain_lines()[2] and "Total" not in view.plain_lines()[2]
        assert line_with(view, "BTC").split() == ["BTC", "0.525", "0.15"]
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(30, 12)) as pilot:
        view.update_account(sample_account())
        await pilot.pause()
        assert line_with(view, "BTC").split() == ["BTC", "0.525"]


async def test_no_api_key_reason_instead_of_an_error() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(40, 12)) as pilot:
        view.set_unavailable("no API key: add one to a profile to see balances")
        await pilot.pause()
        text = " ".join(line.strip() for line in view.plain_lines()[1:])
        assert "no API key: add one to a profile to see balances" in text
        view.update_account(sample_account())
        await pilot.pause()
        assert view.unavailable_reason is None
        assert "USDT" in "\n".join(view.plain_lines())


async def test_asset_decimals_when_known() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(60, 12)) as pilot:
        view.update_account(sample_account())
        view.set_asset_decimals({"BTC": 8})
        await pilot.pause()
        assert line_with(view, "BTC").split()[1] == "0.52500000"


async def test_unexplained_locked_funds_are_said_under_the_spot_balances() -> None:
    view = BalancesView(time_zone=UTC)
    async with HarnessApp(view).run_test(size=(60, 12)) as pilot:
        view.update_account(sample_account())
        view.set_unexplained(["12.5 USDT locked, not in any order found yet"])
        await pilot.pause()
        assert any("12.5 USDT locked, not in any order found yet" in line for line in view.plain_lines())
        view.set_private(True)
        await pilot.pause()
        text = "\n".join(view.plain_lines())
        assert "12.5" not in text and "locked funds not in any order found yet" in text
        view.set_unexplained([])
        await pilot.pause()
        assert not any("not in any order" in line for line in view.plain_lines())
