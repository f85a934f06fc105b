"""The README's quoted figures match the scenarios they describe (a first reader trusts them)."""

from __future__ import annotations

import json
import re

from model import load_scenario
from tests.conftest import ROOT, SCENARIOS

README = (ROOT / "README.md").read_text(encoding="utf-8")
DEFAULT = load_scenario(SCENARIOS / "assistant.toml")


def test_default_comparison_sentences_quote_the_default_scenario():
    quoted = re.findall(
        r"default comparison \((\d+) policies x (\d+) replicates x (\d+) years of the (\d+)-person", README
    )
    assert quoted, "the README no longer describes the default comparison"
    expected = (len(DEFAULT.policy_names()), DEFAULT.simulation.replicates, DEFAULT.levers.years, DEFAULT.headcount)
    assert all(tuple(map(int, q)) == expected for q in quoted), (quoted, expected)


def test_json_example_is_the_default_run():
    block = re.search(r"```json\n\{\n(.*?)\n", README, re.S).group(1)
    head = json.loads("{" + block.strip().rstrip(",") + "}")
    assert head == {"scenario": DEFAULT.meta.name, "replicates": DEFAULT.simulation.replicates,
                    "years": DEFAULT.levers.years, "seed": DEFAULT.simulation.seed}  # fmt: skip
    labels = dict(re.findall(r'"(\w+)": \{"label": (\{[^}]*\})', README))
    from model.labels import policy_labels

    for policy, label in labels.items():
        shown = {k: v for k, v in json.loads(label).items() if v != "..."}
        assert shown.items() <= policy_labels(DEFAULT, policy).items()


def test_scenario_table_headcounts():
    rows = re.findall(r"\| `scenarios/(\w+)\.toml`[^|]*\| [^|]*?, (\d+) people \|", README)
    assert {name for name, _ in rows} == {path.stem for path in SCENARIOS.glob("*.toml")}
    for name, people in rows:
        assert load_scenario(SCENARIOS / f"{name}.toml").headcount == int(people), name
