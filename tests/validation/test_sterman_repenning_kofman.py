"""Sterman, Repenning & Kofman (1997): a successful improvement programme freed capacity; with demand flat, the
excess capacity led to layoffs, which undercut commitment and eroded the gains (Analog Devices).

The light version of ``experiments.validation.sterman_repenning_kofman`` on back_office (docs/validation.md: 400
replicates, 5 years): 100 replicates, 3 years, enough for every paired 95 % interval below to clear zero by a
wide margin (the sequence is a sign pattern; the study gives no size to match).
"""

from __future__ import annotations

import pytest

from experiments.validation import sterman_repenning_kofman


@pytest.fixture(scope="module")
def case() -> dict:
    return sterman_repenning_kofman("back_office", replicates=100, seed=1, years=3)


def test_the_tool_first_frees_capacity_that_sits_idle(case):
    before_cut = [q for q in case["trajectory"] if q["layoffs_to_date"] == 0]
    assert before_cut and before_cut[-1]["idle_share_status_quo"] > 0.05
    assert case["peak_idle_share"] > 0.2  # a third of the hours in the end: the "excess capacity"


def test_layoffs_follow_and_commitment_falls(case):
    assert case["layoffs"] > 0.2 * case["headcount"]
    assert case["engagement_drop"]["ci95"][1] < -0.05  # engagement units, the year after the first cut
    assert case["extra_quits"]["ci95"][0] > 0


def test_part_of_the_gain_is_eroded(case):
    assert case["gain_expected"]["ci95"][0] > 0
    assert case["eroded"]["ci95"][0] > 0


@pytest.mark.xfail(strict=True, reason="documented miss (docs/validation.md): the model's cut still pays")
def test_financial_results_end_worse_than_doing_nothing(case):
    """Analog's financial performance worsened; in the model the cost-cutter keeps almost all of its gain over
    the status quo (erosion ~2 % in back_office), because the tool's gains do not depend on commitment."""
    assert case["gain"]["ci95"][1] < 0
