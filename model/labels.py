"""Display names of policies, in English and French: one vocabulary for the terminal table, the summary JSON,
the report, the charts and the workshop.

A scenario's ``[[policies]]`` table may name its own label (``label = { en = "...", fr = "..." }``); otherwise
the label comes from the policy's kind (``reinvest`` is the strategic road). When several policies of a
scenario share a kind, those not named after it add their name (``Strategic road (slow reskilling)``), so no
two policies look alike on a chart. Unknown kinds show their name with spaces for underscores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.scenario import Scenario

LANGS = ("en", "fr")

# kind -> lang -> (label, the same inside a sentence)
DEFAULT_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "cost_cutting": {
        "en": ("Cost-killer road", "the cost-killer road"),
        "fr": ("La voie courte (cost-killer)", "la voie courte"),
    },
    "reinvest": {
        "en": ("Strategic road", "the strategic road"),
        "fr": ("La voie stratégique", "la voie stratégique"),
    },
    "hybrid": {
        "en": ("Hybrid road (reinvest part, cut the rest)", "the hybrid road"),
        "fr": ("La voie hybride (réinvestir une part, couper le reste)", "la voie hybride"),
    },
    "attrition": {
        "en": ("Attrition (no layoffs, no backfill)", "attrition"),
        "fr": ("L'attrition (ni licenciement, ni remplacement)", "l'attrition"),
    },
    "status_quo": {
        "en": ("Status quo (nobody decides)", "the status quo"),
        "fr": ("Le statu quo (personne ne décide)", "le statu quo"),
    },
}


def humanise(name: str) -> str:
    """``slow_reskilling`` -> ``Slow reskilling``."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def policy_forms(scenario: Scenario | None, name: str, lang: str) -> tuple[str, str]:
    """(label, phrase) of policy ``name`` in ``lang``; without a scenario, ``name`` is taken as the kind."""
    if lang not in LANGS:
        raise ValueError(f"--lang {lang}: unknown language; allowed: {', '.join(LANGS)}")
    specs = {spec.name: spec for spec in scenario.policies} if scenario else {}
    spec = specs.get(name)
    if spec is not None and spec.label is not None:
        label = getattr(spec.label, lang)
        return label, label
    kind = spec.kind if spec is not None else name
    if kind not in DEFAULT_LABELS:
        return humanise(name), humanise(name)
    label, phrase = DEFAULT_LABELS[kind][lang]
    same_kind = [other for other in specs.values() if other.kind == kind]
    if len(same_kind) > 1 and name != kind:
        suffix = f" ({humanise(name).lower()})"
        return label + suffix, phrase + suffix
    return label, phrase


def policy_label(scenario: Scenario | None, name: str, lang: str) -> str:
    """A policy's display label (``Strategic road``, ``La voie stratégique``)."""
    return policy_forms(scenario, name, lang)[0]


def policy_phrase(scenario: Scenario | None, name: str, lang: str, start: bool = False) -> str:
    """The policy inside a sentence (``the strategic road``), capitalised at the ``start`` of one."""
    phrase = policy_forms(scenario, name, lang)[1]
    return phrase[:1].upper() + phrase[1:] if start else phrase


def policy_labels(scenario: Scenario | None, name: str) -> dict[str, str]:
    """``{"en": ..., "fr": ...}``: the label in every language (the summary JSON's ``label``)."""
    return {lang: policy_label(scenario, name, lang) for lang in LANGS}


def label_with_id(scenario: Scenario | None, name: str, lang: str = "en") -> str:
    """The label with the policy's id for researchers: ``Strategic road (reinvest)``."""
    label = policy_label(scenario, name, lang)
    return label if label == name else f"{label} ({name})"
