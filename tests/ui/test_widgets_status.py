"""Status bar and rate-limit banner."""

from __future__ import annotations

from support.widget_harness import BASE_TIME_MS, UTC, HarnessApp

from jextui.ui.widgets.rate_limit_banner import RateLimitBanner
from jextui.ui.widgets.status_bar import StatusBar, shorten_url


def full_status(bar: StatusBar) -> None:
    bar.update_status(
        profile="main",
        base_url="https://api.jex.example.com/",
        demo=False,
        connection="online",
        latency_ms=45,
        clock_offset_ms=-12,
        used_weight=312,
        weight_limit=1200,
        pane_ages={"book": (400, False), "trades": (1_200, False), "bal": (31_000, True)},
    )


def test_shorten_url() -> None:
    assert shorten_url("https://api.jex.example.com/", 40) == "api.jex.example.com"
    assert shorten_url("https://api.jex.example.com/", 11) == "api.j…e.com"
    assert len(shorten_url("http://127.0.0.1:8765/some/long/path", 12)) == 12


async def test_everything_on_a_wide_line() -> None:
    bar = StatusBar(time_zone=UTC)
    async with HarnessApp(bar).run_test(size=(160, 5)) as pilot:
        full_status(bar)
        await pilot.pause()
        text = bar.plain_text()
        expected: tuple[str, ...] = ("main", "api.jex.example.com", "● online", "45ms", "Δ-12ms", "w 312/1200")
        expected += ("book 0.4s", "trades 1s", "bal 31s!")
        for fragment in expected:
            assert fragment in text, fragment
        assert "DEMO" not in text


async def test_demo_badge_and_states() -> None:
    bar = StatusBar(time_zone=UTC)
    async with HarnessApp(bar).run_test(size=(120, 5)) as pilot:
        full_status(bar)
        bar.update_status(demo=True)
        await pilot.pause()
        assert bar.plain_text().lstrip().startswith("DEMO")
        bar.update_status(connection="degraded", connection_detail="3 timeouts")
        assert "◐ degraded: 3 timeouts" in bar.plain_text()
        bar.update_status(connection="offline", connection_detail="connection refused")
        assert "○ offline: connection refused" in bar.plain_text()
        bar.update_status(connection_detail="the exchange did not answer within 10 seconds; retrying every 5 seconds")
        assert "○ offline: the exchange did not answer within 10 s…" in bar.plain_text()
        assert "w 312/1200" in bar.plain_text()  # a long detail does not push the weight out
        bar.update_status(connection="rate-limited", retry_until_ms=BASE_TIME_MS + 37_000)
        assert "RATE LIMITED until 22:13:57" in bar.plain_text()
        bar.update_status(connection="banned", retry_until_ms=BASE_TIME_MS + 120_000)
        assert "BANNED until 22:15:20" in bar.plain_text()


async def test_weight_colour_follows_the_budget() -> None:
    bar = StatusBar(time_zone=UTC)
    async with HarnessApp(bar).run_test(size=(120, 5)):
        full_status(bar)

        def weight_colour() -> object:
            line = bar.render()
            start = line.plain.index("w ")
            styles = [span.style for span in line.spans if span.start <= start < span.end]
            return styles[-1].color  # type: ignore[union-attr]

        calm = weight_colour()
        bar.update_status(used_weight=800)  # 83 % of the 960 budget
        near = weight_colour()
        bar.update_status(used_weight=990)
        over = weight_colour()
        assert len({calm, near, over}) == 3
        assert over == bar.get_component_rich_style("status--weight-over").color
        bar.update_status(weight_budget=2000)  # a larger budget calms it down
        assert weight_colour() == calm


async def test_narrow_keeps_demo_state_and_weight() -> None:
    bar = StatusBar(time_zone=UTC)
    async with HarnessApp(bar).run_test(size=(50, 5)) as pilot:
        full_status(bar)
        bar.update_status(demo=True, base_url="http://127.0.0.1:8765")
        await pilot.pause()
        text = bar.plain_text()
        assert len(text) <= 50
        assert "DEMO" in text and "● online" in text and "w 312/1200" in text
        assert "book" not in text  # ages go first


async def test_age_updates_are_kept_and_shown_with_the_next_paint() -> None:
    bar = StatusBar(time_zone=UTC)
    async with HarnessApp(bar).run_test(size=(120, 5)) as pilot:
        full_status(bar)
        await pilot.pause()
        bar.update_status(pane_ages={"book": (900, False)})
        assert bar.info.pane_ages == {"book": (900, False)}  # kept, shown at the next paint
        bar.update_status(latency_ms=50)  # any other change paints everything
        assert "book 0.9s" in bar.plain_text() and "50ms" in bar.plain_text()


async def test_rate_limit_banner_shows_and_hides() -> None:
    banner = RateLimitBanner(time_zone=UTC)
    async with HarnessApp(banner).run_test(size=(100, 5)) as pilot:
        await pilot.pause()
        assert not banner.active
        assert banner.region.height == 0
        banner.show_limit("rate-limited", BASE_TIME_MS + 37_000, 37)
        await pilot.pause()
        assert banner.active and banner.region.height == 1
        assert banner.message == "Rate limited by the exchange — paused until 22:13:57 (Retry-After 37 s)"
        banner.show_limit("banned", BASE_TIME_MS + 120_000, 120)
        assert "IP banned by the exchange (HTTP 418)" in banner.message and "(Retry-After 120 s)" in banner.message
        banner.clear()
        await pilot.pause()
        assert not banner.active and banner.region.height == 0
