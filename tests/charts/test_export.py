"""Static images through kaleido and the system Chromium (skipped without Chromium unless REQUIRE_CHROMIUM=1)."""

from __future__ import annotations

from charts.export import png_size
from charts.render import render_charts


def test_talk_png_svg_pdf_in_one_batch(chromium, fresh_dir, tmp_path):
    written = render_charts(fresh_dir, formats=["png", "svg", "pdf"], theme="talk", lang="fr",
                            only=["crossover", "waterfall"], out=tmp_path)  # fmt: skip
    names = sorted(p.name for p in written)
    assert names == sorted(f"{c}-fr.{ext}" for c in ("crossover", "waterfall") for ext in ("png", "svg", "pdf"))
    png = tmp_path / "crossover-fr.png"
    assert png.stat().st_size > 20_000 and png_size(png) == (1920, 1080)
    assert (tmp_path / "waterfall-fr.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert (tmp_path / "waterfall-fr.pdf").read_bytes()[:5] == b"%PDF-"


def test_paper_png_is_printed_at_twice_the_layout_size(chromium, fresh_dir, tmp_path):
    [png] = render_charts(fresh_dir, formats=["png"], theme="paper", only=["difference"], out=tmp_path)
    assert png_size(png) == (2000, 1200)
