"""Every pane draws under every theme: the shipped ones and Textual's own."""

from __future__ import annotations

import pytest
from support.widget_harness import DashboardApp
from textual.theme import BUILTIN_THEMES

from jextui.ui.themes import load_themes

SHIPPED = load_themes(None)


@pytest.mark.parametrize("theme_name", sorted(SHIPPED))
async def test_shipped_theme_colours_the_trading_sides_apart(theme_name: str) -> None:
    app = DashboardApp()
    async with app.run_test(size=(160, 48)) as pilot:
        app.register_theme(SHIPPED[theme_name])
        app.theme = theme_name
        await pilot.pause()
        book = app.book
        assert book.style_of("pane--buy").color != book.style_of("pane--sell").color
        assert book.background_of("book--bid-bar").bgcolor != book.background_of("book--ask-bar").bgcolor
        assert any("43,210.50" in line for line in book.plain_lines())


@pytest.mark.parametrize("theme_name", ["textual-dark", "textual-light", "ansi-dark", "ansi-light", "nord"])
async def test_textual_themes_without_trading_variables_still_draw(theme_name: str) -> None:
    assert theme_name in BUILTIN_THEMES
    app = DashboardApp()
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme_name
        await pilot.pause()
        for pane in app.panes():
            assert pane.plain_lines()  # drew something, CSS variables resolved
        assert "online" in app.status.plain_text()
