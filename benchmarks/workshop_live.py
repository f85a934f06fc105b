"""Live workshop benchmark (not a test): from a slider move to the page redrawn, in Chromium, and where the time goes.

Usage:
    .venv/bin/python -m benchmarks.workshop_live            # 10 moves of the default page (100 replicates x 2 roads)
    .venv/bin/python -m benchmarks.workshop_live --moves 20
    .venv/bin/python -m benchmarks.workshop_live --scenario scenarios/customer_service.toml --replicates 100

The page is served by ``python run.py workshop SCENARIO --port 0`` in its own process and driven by playwright in Debian's
Chromium. A move types a new value into a lever's box (a value not computed before, so nothing comes from the
cache) and ends when the headline holds the new numbers and the chart shown has been redrawn (plotly's
``plotly_afterplot`` event). The move is split into the request (the browser's POST of the recompute
callback until its response has arrived: server time and transfer) and the drawing after it. A move back to a
value already computed measures the cache. The next move waits for the break-even marks of the last one (their
time from the move is reported too), so that a move is timed on a server that is not computing marks. The
server's own split (simulation, tables, one chart's figure, its JSON) is measured in this process on the same
inputs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVER = "reskilling_success"
FRESH = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.75, 0.8)  # on the slider's steps; not
# the scenario's 0.7 nor the warm-up's 0.9

LISTEN = """(lever) => {
    window.bench = {t0: null, plots: {}, headline: null};
    const box = document.querySelector('#lever-' + lever + ' input');
    box.addEventListener('blur', () => { window.bench.t0 = performance.now(); }, {once: true});
    const numbers = document.querySelector('#headline-cards');  // the sentence can stay (ahead in 100 of 100)
    window.benchObserver && window.benchObserver.disconnect();
    window.benchObserver = new MutationObserver(() => { window.bench.headline = performance.now(); });
    window.benchObserver.observe(numbers, {childList: true, characterData: true, subtree: true});
    for (const graph of document.querySelectorAll('.chart .js-plotly-plot')) {
        if (!graph._benchListening) {
            graph._benchListening = true;
            graph.on('plotly_afterplot', () => { if (window.bench) window.bench.plots[graph.parentElement.id] = performance.now(); });
        }
    }
}"""
DONE = """(n) => { const b = window.bench, h = document.querySelector('#headline');
    return b && b.headline && !h.classList.contains('computing') && Object.keys(b.plots).length >= n; }"""


def cpu_seconds() -> dict[int, float]:
    """CPU time (user + system, s) of every process on the machine, by pid (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    times = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return times


def descendants(root: int) -> set[int]:
    """Pids of every process below ``root`` (the browser and playwright's driver under this process)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def serve(scenario: Path) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "workshop", str(scenario), "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    return process, process.stdout.readline().split()[1]


def move(page, value: float, charts: int, server_pid: int) -> dict:
    """One slider move, timed in the page (ms from the value typed), with the CPU time it cost the server and
    the browser (what an otherwise idle machine would need)."""
    from workshop.browser import set_lever

    browser_pids = descendants(os.getpid()) - {server_pid}
    cpu_before = cpu_seconds()

    timings: dict[str, float] = {}

    def on_finished(request):
        if request.method == "POST" and "headline-sentence" in (request.post_data or ""):
            timing = request.timing
            timings["request_ms"] = timing["responseEnd"]  # from the request's start
            timings["start"] = timing["startTime"]

    page.on("requestfinished", on_finished)
    page.evaluate(LISTEN, LEVER)
    set_lever(page, LEVER, value)
    page.wait_for_function(DONE, arg=charts, timeout=60_000)
    bench = page.evaluate("window.bench")
    page.remove_listener("requestfinished", on_finished)
    cpu_after = cpu_seconds()
    page.wait_for_selector("#levers.marks-fresh", timeout=900_000)  # the next move waits for the marks
    marks_ms = page.evaluate("performance.now()") - bench["t0"]
    spent = {pid: cpu_after.get(pid, 0.0) - cpu_before.get(pid, 0.0) for pid in cpu_after}
    total = max([bench["headline"], *bench["plots"].values()]) - bench["t0"]
    result = {"value": value, "total_ms": total, "headline_ms": bench["headline"] - bench["t0"], "marks_ms": marks_ms}
    result["server_cpu_ms"] = 1000 * spent.get(server_pid, 0.0)
    result["browser_cpu_ms"] = 1000 * sum(spent.get(pid, 0.0) for pid in browser_pids)
    if "request_ms" in timings:  # the request's start, in the page's clock: its time origin + startTime
        origin = page.evaluate("performance.timeOrigin")
        result["before_request_ms"] = timings["start"] - origin - bench["t0"]
        result["request_ms"] = timings["request_ms"]
        result["drawing_ms"] = total - result["before_request_ms"] - result["request_ms"]
    return result


def server_split(path: Path, replicates: int, value: float, repeats: int = 5) -> dict:
    """Median seconds of each step of a recompute on the server, fresh inputs each time."""
    from experiments.compare import run_comparison
    from experiments.results import monthly_table, outcomes_table
    from model.scenario import load_scenario, with_levers
    from workshop import engine

    base = load_scenario(path)
    steps: dict[str, list[float]] = {"simulation": [], "tables": [], "figures": [], "json": []}  # figures: one chart
    run_comparison(base, ["cost_cutting", "reinvest"], 2, 1)  # compiled kernels, imports
    for i in range(repeats):
        scenario = with_levers(base, reskilling_success=value + 0.001 * i)
        start = time.perf_counter()
        monthly, outcomes, _ = run_comparison(
            scenario, ["cost_cutting", "reinvest"], replicates, scenario.simulation.seed
        )
        steps["simulation"].append(time.perf_counter() - start)
        start = time.perf_counter()
        monthly_table(monthly), outcomes_table(outcomes)
        steps["tables"].append(time.perf_counter() - start)
        comparison = engine.compare(scenario, ["cost_cutting", "reinvest"], replicates)  # fills the cache (not timed)
        start = time.perf_counter()
        figures = [engine.page_figure(comparison.key, name, "en", "screen") for name in engine.PAGE_CHARTS]
        steps["figures"].append((time.perf_counter() - start) / len(figures))
        start = time.perf_counter()
        import plotly

        text = json.dumps(figures[0], cls=plotly.utils.PlotlyJSONEncoder)
        steps["json"].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in steps.items()} | {"figure_json_kb": len(text) / 1e3}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--moves",
        type=int,
        default=10,
        choices=range(1, len(FRESH) + 1),
        metavar="N",
        help=f"slider moves to time (fresh values, at most {len(FRESH)})",
    )
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "assistant.toml", help="scenario file")
    parser.add_argument("--replicates", type=int, help="simulated futures per road (default: the page's for it)")
    args = parser.parse_args(argv)
    from model.scenario import load_scenario
    from workshop.browser import VIEWPORT, chromium, headline_settled
    from workshop.state import live_replicates

    replicates = args.replicates or live_replicates(load_scenario(args.scenario))
    process, url = serve(args.scenario)
    try:
        with chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{url}?replicates={replicates}")
            headline_settled(page, 120_000)
            page.wait_for_selector("#levers.marks-fresh", timeout=900_000)
            page.wait_for_timeout(1500)
            charts = page.locator(".chart .js-plotly-plot").count()
            move(page, 0.9, charts, process.pid)  # warm-up (a value the timed moves do not use)
            fresh = [move(page, value, charts, process.pid) for value in FRESH[: args.moves]]
            cached = [move(page, value, charts, process.pid) for value in FRESH[: min(3, args.moves)]]
    finally:
        process.terminate()
        process.wait(timeout=30)

    def summary(rows: list[dict]) -> dict:
        keys = (
            "total_ms",
            "headline_ms",
            "marks_ms",
            "before_request_ms",
            "request_ms",
            "drawing_ms",
            "server_cpu_ms",
            "browser_cpu_ms",
        )
        return {k: statistics.median(r[k] for r in rows if k in r) for k in keys if any(k in r for r in rows)}

    report = {
        "scenario": args.scenario.stem,
        "replicates": replicates,
        "load_average_1min": os.getloadavg()[0],
        "cores": os.cpu_count(),
        "fresh": summary(fresh) | {"max_total_ms": max(r["total_ms"] for r in fresh), "moves": len(fresh)},
        "cached": summary(cached),
        "server_s": server_split(args.scenario, replicates, 0.33),
        "runs": {"fresh": fresh, "cached": cached},
    }
    print(json.dumps(report, indent=2))
    f, c, s = report["fresh"], report["cached"], report["server_s"]
    print(
        f"{report['scenario']}, {replicates} futures x 2 roads: "
        f"fresh move: {f['total_ms']:.0f} ms median (max {f['max_total_ms']:.0f}): in the page before the request "
        f"{f.get('before_request_ms', 0):.0f} ms, request {f.get('request_ms', 0):.0f} ms, drawing "
        f"{f.get('drawing_ms', 0):.0f} ms; break-even marks {f['marks_ms'] / 1000:.1f} s after the move; "
        f"cached move: {c['total_ms']:.0f} ms (load average "
        f"{report['load_average_1min']:.1f} on {report['cores']} cores)\n"
        f"CPU time of a fresh move: server {f['server_cpu_ms']:.0f} ms, browser {f['browser_cpu_ms']:.0f} ms\n"
        f"server: simulation {1000 * s['simulation']:.0f} ms, tables {1000 * s['tables']:.0f} ms, "
        f"figures {1000 * s['figures']:.0f} ms, JSON {1000 * s['json']:.0f} ms ({s['figure_json_kb']:.0f} kB)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
