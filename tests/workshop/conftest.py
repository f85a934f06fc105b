"""Fixtures of the workshop tests: Chromium for static charts and for the browser tests."""

from __future__ import annotations

import os

import pytest

from tests.charts.conftest import chromium_or_skip


@pytest.fixture()
def chromium() -> None:
    """A Chromium for kaleido (static charts): skips without one, fails under REQUIRE_CHROMIUM=1."""
    chromium_or_skip()


def page_browser_or_skip() -> None:
    """Debian's Chromium and playwright, for the browser tests: skip without them, unless REQUIRE_CHROMIUM=1."""
    from workshop.browser import CHROMIUM

    missing = None
    if not CHROMIUM.is_file():
        missing = f"{CHROMIUM} not found (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"REQUIRE_CHROMIUM=1 but {missing}")
        pytest.skip(missing)
