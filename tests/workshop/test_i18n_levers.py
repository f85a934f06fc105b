"""Every word of the page in both languages, and every lever with a slider, a tooltip and its calibrated range."""

from __future__ import annotations

import re

import pytest

from charts import i18n as charts_i18n
from model.scenario import LEVER_NAMES
from tests.conftest import ROOT
from workshop import i18n
from workshop.levers import SPECS, format_value, schema_bounds, slider_range

SOURCES = sorted((ROOT / "workshop").glob("*.py"))
KEY_USE = re.compile(r"""\b(?:t|words|translate)\(\s*f?["']([a-z_:{}]+)["']""")


def used_keys() -> set[str]:
    """Keys the workshop's code asks for, f-string keys expanded over what they run through."""
    from workshop.app import DOWNLOADS, SPEEDS_MS, TABS
    from workshop.engine import PAGE_CHARTS

    families = {
        "tip_{name}": LEVER_NAMES, "src_{name}": LEVER_NAMES, "lever:{name}": LEVER_NAMES, "w_tab_{name}": TABS,
        "w_dl_{name}": DOWNLOADS, "w_{name}": SPEEDS_MS, "w_unit_{lever.kind}": {s.kind for s in SPECS.values()},
        "w_chart_{name}": PAGE_CHARTS, "w_firm_{name}": ("france", "at_will"),
    }  # fmt: skip
    keys = set()
    for path in SOURCES:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            if "{" in key:
                keys |= {key.replace(key[key.index("{") : key.index("}") + 1], v) for v in families[key]}
            elif not key.endswith(":"):
                keys.add(key)
    return keys


def known(key: str, lang: str) -> bool:
    if key.startswith("lever:"):
        return key.removeprefix("lever:") in charts_i18n.LEVER_LABELS
    return key in i18n.STRINGS[lang] or key in charts_i18n.STRINGS[lang]


def test_both_languages_have_the_same_words():
    assert set(i18n.STRINGS["en"]) == set(i18n.STRINGS["fr"])
    assert all(text.strip() for lang in i18n.LANGS for text in i18n.STRINGS[lang].values())


def test_the_workshop_extends_the_charts_catalogue_without_repeating_it():
    assert not set(i18n.STRINGS["en"]) & set(charts_i18n.STRINGS["en"])
    assert i18n.t("month", "fr") == charts_i18n.t("month", "fr")  # charts' words come through


def test_no_word_the_page_uses_is_missing_in_either_language():
    keys = used_keys()
    assert len(keys) > 100  # the scan finds the page's words
    for lang in i18n.LANGS:
        missing = sorted(k for k in keys if not known(k, lang))
        assert not missing, f"{lang}: {missing}"


def test_placeholders_agree_between_languages():
    fields = re.compile(r"{(\w+)}")
    for key, english in i18n.STRINGS["en"].items():
        assert set(fields.findall(english)) == set(fields.findall(i18n.STRINGS["fr"][key])), key


def test_every_lever_has_a_slider_a_tooltip_and_a_source_in_both_languages():
    assert set(SPECS) == set(LEVER_NAMES)
    for name in LEVER_NAMES:
        for lang in i18n.LANGS:
            assert i18n.t(f"tip_{name}", lang) and i18n.t(f"src_{name}", lang)
            assert charts_i18n.LEVER_LABELS[name][lang]
        low, high = schema_bounds(name)
        assert low <= SPECS[name].low < SPECS[name].high <= high


def calibration_ranges() -> dict[str, tuple[float, float]]:
    """Each lever's "range to sweep" in docs/calibration.md (first two numbers of its cell)."""
    table = {}
    for line in (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `levers\.(\w+)` \| [^|]+\| [^|]+\| ([^|]+)\|", line)
        if match and match.group(1) not in table:
            numbers = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", match.group(2))[:2]]
            table[match.group(1)] = tuple(numbers)
    return table


def test_plausible_ranges_are_the_calibrations():
    ranges = calibration_ranges()
    assert set(ranges) == set(LEVER_NAMES)
    for name, spec in SPECS.items():
        assert spec.plausible == pytest.approx(ranges[name]), name
        assert spec.low <= spec.plausible[0] and spec.plausible[1] <= spec.high


def test_a_slider_widens_to_hold_a_scenarios_own_value():
    assert slider_range("years", 5) == (1, 10)
    assert slider_range("years", 15) == (1, 15)
    assert slider_range("discount_rate", 0.02) == (0.02, 0.15)


@pytest.mark.parametrize(
    ("name", "value", "lang", "text"),
    [
        ("discount_rate", 0.08, "en", "8%"),
        ("discount_rate", 0.085, "fr", "8,5\u202f%"),
        ("years", 5, "fr", "5 ans"),
        ("reskilling_success", 0.7, "en", "0.70"),
        ("automation_scale", 1.5, "fr", "×1,50"),
    ],
)
def test_lever_values_read_as_a_room_reads_them(name, value, lang, text):
    assert format_value(name, value, lang) == text
