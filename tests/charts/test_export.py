"""Static images through kaleido and the system Chromium (skipped without Chromium unless REQUIRE_CHROMIUM=1)."""

from __future__ import annotations

from pypdf import PdfReader

from charts.export import png_size
from charts.render import render_charts


def test_talk_png_svg_pdf_in_one_batch(chromium, fresh_dir, tmp_path):
    written = render_charts(fresh_dir, formats=["png", "svg", "pdf"], theme="talk", lang="fr",
                            only=["crossover", "waterfall"], out=tmp_path)  # fmt: skip
    names = sorted(p.name for p in written)
    assert names == sorted(f"{c}-talk-fr.{ext}" for c in ("crossover", "waterfall") for ext in ("png", "svg", "pdf"))
    png = tmp_path / "crossover-talk-fr.png"
    assert png.stat().st_size > 20_000 and png_size(png) == (1920, 1080)
    assert (tmp_path / "waterfall-talk-fr.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert (tmp_path / "waterfall-talk-fr.pdf").read_bytes()[:5] == b"%PDF-"


def test_paper_png_is_printed_at_twice_the_layout_size(chromium, fresh_dir, tmp_path):
    [paper] = render_charts(fresh_dir, formats=["png"], theme="paper", only=["difference"], out=tmp_path)
    assert paper.name == "difference-paper-en.png" and png_size(paper) == (2000, 1200)


def test_deck_is_one_16_9_pdf_in_story_order(chromium, fresh_dir, tmp_path):
    [deck] = render_charts(fresh_dir, formats=None, theme="paper", lang="fr", only=["difference", "crossover"],
                           out=tmp_path, deck=True)  # fmt: skip
    assert deck.name == "deck-paper-fr.pdf"
    pages = PdfReader(deck).pages
    assert len(pages) == 2
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width / height - 16 / 9) < 0.01
    assert "Écart de VAN" in pages[0].extract_text()  # the order asked for
