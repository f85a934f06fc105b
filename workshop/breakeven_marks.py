"""Where the road turns: each lever's break-even value for the current values of the others, as a room reads it.

The research toolkit finds the break-even points (``experiments.breakeven.breakevens``, returning one
``BreakEven`` per lever but the horizon: ``lever, low, high, value, interval, verdict, a_wins_above``). This
module turns each into a sentence ("the strategic road wins above 0.42", "... over the whole range") and a mark on
the slider, and keeps a bounded cache of computed marks keyed by their inputs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from charts.i18n import number, percent, years_text
from experiments.breakeven import BreakEven, breakevens
from model.scenario import Scenario
from workshop.engine import canonical
from workshop.i18n import policy_name, t
from workshop.levers import spec


def lever_key(name: str) -> str:
    """A lever's name as the sliders know it (``levers.years`` and ``years`` are the same lever)."""
    return name.removeprefix("levers.")


def value_text(lever: str, value: float, lang: str) -> str:
    """A value with the precision a mark needs: ``0.42``, ``9.5 %``, ``4 %``, ``3.4 years``."""
    kind = spec(lever_key(lever)).kind
    if kind == "rate":
        return percent(value, lang, 0 if round(100 * value, 6).is_integer() else 1)
    if kind == "years":
        whole = round(value, 1).is_integer()
        return years_text(int(round(value)), lang) if whole else f"{number(value, lang, 1)} {t('w_unit_years', lang)}"
    return number(value, lang, 2)


def mark_text(
    mark: BreakEven, scenario: Scenario, a: str, b: str, lang: str, slider: tuple[float, float] | None = None
) -> str:
    """The sentence under a slider: who wins on which side of the break-even value (and whether that value lies
    beyond the ``slider``'s ends: the search covers the lever's whole allowed range)."""
    names = {"a": policy_name(scenario, a, lang), "b": policy_name(scenario, b, lang)}
    if mark.verdict == "a_wins_everywhere":  # over the lever's whole range, wider than the slider's
        return t("w_mark_everywhere", lang, a=names["a"])
    if mark.verdict == "b_wins_everywhere":
        return t("w_mark_everywhere", lang, a=names["b"])
    if mark.value is None:
        text = ""
    else:
        v = value_text(mark.lever, mark.value, lang)
        key = {True: "w_mark_above", False: "w_mark_below", None: "w_mark_cross"}[mark.a_wins_above]
        text = t(key, lang, a=names["a"], v=v)
        if slider is not None and not slider[0] <= mark.value <= slider[1]:
            text += ", " + t("w_mark_off_slider", lang)
    if mark.interval is not None:
        interval = t(
            "w_mark_interval",
            lang,
            lo=value_text(mark.lever, mark.interval[0], lang),
            hi=value_text(mark.lever, mark.interval[1], lang),
        )
        text = f"{text} {interval}".strip()
    return text


def slider_marks(low: float, high: float, lever: str, lang: str, mark: BreakEven | None) -> dict[str, Any]:
    """The slider's marks: its two ends, and the break-even value when the roads cross inside the range."""
    marks: dict[str, Any] = {f"{v:g}": value_text(lever, v, lang) for v in (low, high)}
    if mark is not None and mark.verdict == "crosses" and mark.value is not None and low <= mark.value <= high:
        marks[f"{mark.value:g}"] = {"label": "▲ " + value_text(lever, mark.value, lang), "style": {"color": "#222"}}
    return marks


class Superseded(Exception):
    """Every session that asked for these marks has asked for others since: the search is not worth running."""


class MarkCache:
    """Break-even points by their inputs (scenario with its levers, pair, replicates, seed), bounded in size
    and shared by sessions (identical inputs give identical points).

    A search costs some forty comparisons, so: one search runs at a time (the other core stays free for the
    headlines); a search already running for the same inputs is waited for, not started again (a language
    switch or a chart picked while the marks compute asks for the same points); and a search whose turn comes
    after every session that asked for it has moved on to other settings is dropped (``Superseded``), so a room
    moving sliders quickly does not queue up searches for settings it has left.
    """

    def __init__(self, find: Callable[..., list[BreakEven]] = breakevens, size: int = 16, sessions: int = 256):
        self.find = find
        self.size = size
        self.sessions = sessions
        self._points: OrderedDict[str, dict[str, BreakEven]] = OrderedDict()
        self._running: dict[str, Future] = {}
        self._latest: OrderedDict[str, str] = OrderedDict()  # session id -> the inputs it asked for last
        self._lock = threading.Lock()
        self._turn = threading.Lock()

    def points(
        self, scenario: Scenario, a: str, b: str, replicates: int, sid: str | None = None
    ) -> dict[str, BreakEven]:
        """Lever -> break-even point of A against B around the scenario's current levers, for session ``sid``."""
        seed = scenario.simulation.seed
        key = canonical({"scenario": scenario.model_dump(mode="json"), "a": a, "b": b, "r": replicates, "s": seed})
        with self._lock:
            if sid is not None:
                self._latest[sid] = key
                self._latest.move_to_end(sid)
                while len(self._latest) > self.sessions:
                    self._latest.popitem(last=False)
            if key in self._points:
                self._points.move_to_end(key)
                return self._points[key]
            running = self._running.get(key)
            if running is None:
                self._running[key] = mine = Future()
        if running is not None:
            return running.result()
        try:
            with self._turn:
                with self._lock:
                    wanted = sid is None or key in self._latest.values()
                if not wanted:
                    raise Superseded
                found = {lever_key(p.lever): p for p in self.find(scenario, a=a, b=b, replicates=replicates, seed=seed)}
        except BaseException as error:
            with self._lock:
                del self._running[key]
            mine.set_exception(error)
            raise
        with self._lock:
            self._points[key] = found
            while len(self._points) > self.size:
                self._points.popitem(last=False)
            del self._running[key]
        mine.set_result(found)
        return found
