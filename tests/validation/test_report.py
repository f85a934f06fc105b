"""The generated block of docs/validation.md: replaced in place, appended when missing, nothing else touched."""

from __future__ import annotations

from experiments.validation_report import BEGIN, END, replace_block, within


def test_the_block_is_replaced_and_the_text_around_it_kept():
    text = f"intro\n\n{BEGIN}\nold numbers\n{END}\n\nverdicts\n"
    new = f"{BEGIN}\nnew numbers\n{END}"
    assert replace_block(text, new) == f"intro\n\n{new}\n\nverdicts\n"
    assert replace_block(replace_block(text, new), new) == replace_block(text, new)


def test_a_missing_block_is_appended():
    assert replace_block("intro\n", f"{BEGIN}\nx\n{END}") == f"intro\n\n{BEGIN}\nx\n{END}\n"


def test_a_match_is_within_forty_percent_of_the_published_figure():
    assert within(3.6, 2.6) and within(1.6, 2.6)
    assert not within(3.7, 2.6) and not within(0.36, 0.25)
