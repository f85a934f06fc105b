"""Load benchmark: many sessions moving sliders at once on one workshop server, each checking that the numbers
it gets back are those of its own settings.

Usage:
    .venv/bin/python -m benchmarks.workshop_load                     # 20 sessions for 60 s, 100 futures, 5 years
    .venv/bin/python -m benchmarks.workshop_load --seconds 10 --replicates 20 --years 2

The server is ``python run.py workshop --port 0`` in its own process. Each session is a thread with a page state
of its own (``workshop.client.PageSession``: its own store and session id), opened as a browser opens the page,
then posting the recompute callback as a browser does after a slider moves, again and again until the time is
up, with settings drawn at random (its own seed) from a grid of two levers: sessions ask for the same settings at
the same time and for different ones. Every answer is checked against the headline computed in this process for
the same settings before the clock starts (independently of the server: another process, another cache), and
the settings the answer says it shows (``current.data``) against those sent. ``tests/workshop/test_load.py``
runs it shorter.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GRID = {"reskilling_success": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), "automation_scale": (0.5, 1.0, 1.5)}
TRIGGER = "lever-reskilling_success.value"
WARM_AFTER_S = 10  # the first moves wait for the grid's settings to be computed once; later ones find them cached


def settings_grid(grid: dict[str, tuple[float, ...]] = GRID) -> list[dict[str, float]]:
    return [dict(zip(grid, values)) for values in itertools.product(*grid.values())]


def key(settings: dict[str, float]) -> str:
    return json.dumps(settings, sort_keys=True)


def expected_headlines(grid: list[dict[str, float]], replicates: int, years: int) -> dict[str, tuple[Any, Any]]:
    """(sentence, cards) of the headline of each setting, as JSON, computed in this process."""
    import plotly.io

    from model.scenario import load_scenario, with_levers
    from workshop import engine
    from workshop.headline import headline
    from workshop.views import headline_parts

    base = with_levers(load_scenario(ROOT / "scenarios" / "assistant.toml"), years=years)
    expected = {}
    for settings in grid:
        results = engine.compare(with_levers(base, **settings), ["cost_cutting", "reinvest"], replicates).results
        sentence, cards, _ = headline_parts(headline(results, "en"))
        expected[key(settings)] = (sentence, json.loads(plotly.io.json.to_json_plotly(cards)))
    return expected


def check(answer, settings: dict[str, float], replicates: int, expected: dict[str, tuple[Any, Any]]) -> list[str]:
    """What is wrong with an answer to ``settings`` (nothing: an empty list)."""
    if answer.status != 200:
        return [f"HTTP {answer.status}: {str(answer.body)[:200]}"]
    current = answer.value("current.data")
    if not current.get("ok"):
        return [f"not computed: {answer.value('compute-messages.children')}"]
    shown = current["controls"]
    problems = [f"{name} = {shown['levers'][name]} shown for {value}" for name, value in settings.items()
                if shown["levers"][name] != value]  # fmt: skip
    if shown["replicates"] != replicates:
        problems.append(f"{shown['replicates']} futures shown for {replicates}")
    sentence, cards = expected[key(settings)]
    if answer.value("headline-sentence.children") != sentence or answer.value("headline-cards.children") != cards:
        problems.append(f"headline {answer.value('headline-sentence.children')!r} is not that of {settings}")
    return problems


def session(url: str, seed: int, deadline: float, replicates: int, years: int, expected: dict) -> dict[str, Any]:
    """One browser tab: open the page, then move two sliders until ``deadline`` (settings among ``expected``)."""
    from workshop.client import PageSession

    page = PageSession(url)
    page.call("apply.data", "url.search", {"url.search": f"?replicates={replicates}&years={years}"})
    page.call("scenario.value", "apply.data")
    draw = random.Random(seed)
    grid = [json.loads(k) for k in expected]
    latencies, problems = [], []
    while time.monotonic() < deadline:
        settings = draw.choice(grid)
        start = time.perf_counter()
        try:
            answer = page.call(
                "headline-sentence.children", TRIGGER, {f"lever-{k}.value": v for k, v in settings.items()}
            )
        except OSError as error:  # refused or reset connection, timeout
            problems.append(f"{type(error).__name__}: {error}")
            continue
        latencies.append((start, time.perf_counter() - start))
        problems += check(answer, settings, replicates, expected)
    return {"latencies": latencies, "problems": problems, "sid": page.value("session", "data")["sid"]}


def start_server() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "workshop", "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def address_of(process: subprocess.Popen) -> str:
    """The address the server prints once it listens."""
    line = process.stdout.readline()
    if not line.startswith("workshop: "):
        process.kill()
        raise RuntimeError(f"the server did not start: {line}{process.stderr.read()}")
    return line.split()[1]


def spread(seconds: list[float]) -> dict[str, float]:
    """Median, 95th percentile and maximum of sorted durations, in ms."""
    if not seconds:
        return {}
    return {"median": 1000 * statistics.median(seconds), "p95": 1000 * seconds[int(0.95 * len(seconds))],
            "max": 1000 * seconds[-1]}  # fmt: skip


def peak_memory_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(
    sessions: int = 20, seconds: float = 60, replicates: int = 100, years: int = 5, grid: dict = GRID
) -> dict[str, Any]:
    """Serve, compute the expected headlines meanwhile, then let ``sessions`` sessions move sliders for
    ``seconds`` among the settings of ``grid``; what they measured and every problem they met."""
    begun = time.monotonic()
    process = start_server()
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True)  # the server's log
    reader.start()
    try:
        expected = expected_headlines(settings_grid(grid), replicates, years)
        url = address_of(process)
        setup = time.monotonic() - begun
        deadline = time.monotonic() + seconds
        with ThreadPoolExecutor(sessions) as pool:
            done = list(pool.map(lambda i: session(url, i, deadline, replicates, years, expected), range(sessions)))
        drain = time.monotonic() - deadline  # the answers still awaited when the time was up
        memory = peak_memory_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    reader.join(timeout=10)
    began_moving = min((t for d in done for t, _ in d["latencies"]), default=0.0)
    latencies = sorted(x for d in done for _, x in d["latencies"])
    warm = sorted(x for d in done for t, x in d["latencies"] if t - began_moving >= WARM_AFTER_S)
    return {
        "sessions": sessions, "seconds": seconds, "replicates": replicates, "years": years,
        "settings": len(expected), "requests": len(latencies),
        "requests_per_s": len(latencies) / seconds,
        "per_session": [len(d["latencies"]) for d in done],
        "latency_ms": spread(latencies), f"latency_after_{WARM_AFTER_S}s_ms": spread(warm),
        "problems": [p for d in done for p in d["problems"]],
        "setup_s": setup, "drain_s": drain,
        "distinct_sessions": len({d["sid"] for d in done}),
        "server_log": [line.rstrip() for line in stderr],
        "server_peak_memory_mb": memory, "load_average_1min": os.getloadavg()[0], "cores": os.cpu_count(),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args(argv)
    report = run(args.sessions, args.seconds, args.replicates, args.years)
    print(json.dumps(report, indent=2))
    latency, warm = report["latency_ms"], report[f"latency_after_{WARM_AFTER_S}s_ms"]
    print(
        f"{report['sessions']} sessions x {report['seconds']:g} s: {report['requests']} slider moves "
        f"({report['requests_per_s']:.1f}/s; per session {min(report['per_session'])}-{max(report['per_session'])}), "
        f"answer {latency.get('median', 0):.0f} ms median, {latency.get('p95', 0):.0f} ms p95, "
        f"{latency.get('max', 0):.0f} ms max (after {WARM_AFTER_S} s: {warm.get('median', 0):.0f}, "
        f"{warm.get('p95', 0):.0f}, {warm.get('max', 0):.0f} ms); {len(report['problems'])} problems, "
        f"{len(report['server_log'])} lines in the server's log; server peak memory "
        f"{report['server_peak_memory_mb']:.0f} MB (load average {report['load_average_1min']:.1f} on "
        f"{report['cores']} cores)",
        file=sys.stderr,
    )
    return 0 if not report["problems"] and not report["server_log"] else 1


if __name__ == "__main__":
    sys.exit(main())
