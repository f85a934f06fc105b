"""Cascio, Young & Morris (1997) and Cascio & Young (2003): employment downsizers' change in ROA over the year of
the cut and the two after was not significantly above their industry's (S&P 500, 1980-1994 and 1982-2000).

The light version of ``experiments.validation.cascio_young`` (docs/validation.md: 16 synthetic firms per scenario,
20 replicates each): 3 firms per scenario, 8 replicates. The model's verdict does not need many firms: the
advantage over an idle-capacity stable employer is ~2.6 ROA points in year 1 with a cross-firm standard error
of ~0.3 (docs); with 12 firms its interval still clears zero.
"""

from __future__ import annotations

import pytest

from experiments.validation import cascio_young


@pytest.fixture(scope="module")
def case() -> dict:
    return cascio_young(firms_per_scenario=3, replicates=8, seed=1)


def test_most_synthetic_firms_cut(case):
    assert case["firms"] >= 9  # of 12: a firm whose tool frees less than half a post has no one to lay off


@pytest.mark.xfail(strict=True, reason="documented miss (docs/validation.md): cut-only firms beat idle stable ones")
def test_cut_only_firms_do_not_beat_stable_employers_with_idle_hours(case):
    assert all(case[f"vs_status_quo_year_{year}"]["ci95"][0] <= 0 for year in (1, 2))


def test_the_advantage_is_smaller_over_a_stable_employer_who_uses_the_hours(case):
    for year in (1, 2):
        assert case[f"vs_reinvest_year_{year}"]["mean"] < case[f"vs_status_quo_year_{year}"]["mean"]
