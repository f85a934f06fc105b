"""Static export (PNG, SVG, PDF) through kaleido 1.x and a system Chromium, one browser for the whole batch.

Kaleido finds Chromium on PATH (Debian package ``chromium``) or at ``BROWSER_PATH``; it runs it headless and
without the sandbox (needed as root). MathJax is switched off: it would be fetched from a CDN, and our
charts use no LaTeX. Without Chromium, ``find_chromium`` returns None and callers print ``CHROMIUM_HINT``.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from charts.theme import Theme

STATIC_FORMATS = ("png", "svg", "pdf")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_HINT = "PNG/SVG/PDF need Chromium: apt-get install chromium (or set BROWSER_PATH)"


class ChromiumMissing(RuntimeError):
    """No Chromium to draw static images with (a setup matter, not a bug)."""


def find_chromium() -> str | None:
    """Path of the browser kaleido would use: ``BROWSER_PATH`` if it is an executable file, else PATH."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def write_static(jobs: list[tuple[go.Figure, Path]], theme: Theme) -> list[Path]:
    """Write each figure to its path (format from the suffix) at the theme's size, in one browser session.

    Raises:
        ChromiumMissing: no Chromium found (message: ``CHROMIUM_HINT``).
    """
    if not jobs:
        return []
    browser = find_chromium()
    if browser is None:
        raise ChromiumMissing(CHROMIUM_HINT)
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    specs = [
        {
            "fig": fig,
            "path": path,
            "opts": {
                "format": path.suffix.lstrip("."),
                "width": theme.width,
                "height": theme.height,
                "scale": theme.export_scale if path.suffix == ".png" else 1.0,
            },
        }
        for fig, path in jobs
    ]
    for _, path in jobs:
        path.parent.mkdir(parents=True, exist_ok=True)
    # choreographer logs a traceback for a browser message it cannot decode and then ignores: noise that reads
    # like a failed render (the images are written; a real failure still raises)
    quiet = logging.getLogger("choreographer")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        kaleido.write_fig_from_object_sync(specs, kopts={"mathjax": False, "path": browser})
    except ChromeNotFoundError:
        raise ChromiumMissing(CHROMIUM_HINT) from None
    finally:
        quiet.setLevel(level)
    return [path for _, path in jobs]


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) read from a PNG file's IHDR header."""
    header = Path(path).read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG file")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
