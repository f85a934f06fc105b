"""Drive the page in Debian's Chromium with playwright, for the browser tests, the speed benchmark and the
screenshots of docs/workshop.md (playwright is a test dependency; ``playwright install`` is not needed)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path(os.environ.get("WORKSHOP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}


@contextmanager
def chromium():
    """A headless Chromium (playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def headline_settled(page, timeout_ms: float = 30_000) -> None:
    """Wait until the headline holds fresh numbers (computed, not computing; shown or on another tab)."""
    page.wait_for_function(
        """() => { const h = document.querySelector('#headline'), s = document.querySelector('#headline-sentence');
                   return h && s && s.innerText.trim() && !h.classList.contains('computing'); }""",
        timeout=timeout_ms,
    )


def set_lever(page, name: str, value: float) -> None:
    """Type a value into a lever's box (as a facilitator does) and leave the box (the slider takes it then)."""
    box = page.locator(f"#lever-{name} input[type=number]")
    box.fill(f"{value:g}")
    box.press("Tab")


def edit_cell(page, grid: str, row: int, column: str, value: float | str) -> None:
    """Type a value into a cell of one of the form's grids (scrolled into view first, as a person would)."""
    page.evaluate("([grid, column]) => dash_ag_grid.getApi(grid).ensureColumnVisible(column)", [grid, column])
    cell = page.locator(f"#{grid} .ag-row[row-index='{row}'] .ag-cell[col-id='{column}']")
    cell.click()
    editor = cell.locator("input")
    editor.fill(f"{value:g}" if isinstance(value, float | int) else value)
    editor.press("Enter")
