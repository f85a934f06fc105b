"""Every chart of a run as one 16:9 PDF deck, in story order (``run.py charts RESULTS --deck``).

Each figure is drawn as a vector PDF page by kaleido (one browser for the batch), and the pages are joined with
pypdf. The ``talk`` theme is 16:9 already; other themes are drawn at their width and 9/16 of it in height.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from charts.theme import Theme


def slide_theme(theme: Theme) -> Theme:
    """``theme`` at 16:9 (its own width)."""
    height = round(theme.width * 9 / 16)
    return theme if theme.height == height else dataclasses.replace(theme, height=height)


def write_deck(figures: list[tuple[str, go.Figure]], theme: Theme, path: Path) -> Path:
    """Join the figures, in order, into one PDF at ``path`` (atomic); figures drawn for ``slide_theme(theme)``.

    Raises:
        charts.export.ChromiumMissing: no Chromium to draw the pages with.
    """
    from pypdf import PdfWriter

    from charts.export import write_static

    with tempfile.TemporaryDirectory(prefix="deck-") as tmp:
        pages = write_static([(fig, Path(tmp) / f"{i:02d}-{stem}.pdf") for i, (stem, fig) in enumerate(figures)], theme)
        writer = PdfWriter()
        for page in pages:
            writer.append(page)
        writer.add_metadata({"/Title": path.stem})
        part = path.with_name(f".{path.name}.tmp")
        with part.open("wb") as handle:
            writer.write(handle)
        part.replace(path)
    return path
