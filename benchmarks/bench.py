"""Speed and memory benchmarks of cmmh, printed as ratios of measured to target.

A ratio below 1.0 meets the target. Run with the project's virtual environment:
`python benchmarks/bench.py [--cases N]`. Nothing here runs in the test suite,
because timings depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cmmh_tui.rendering import render_document
from cmmh_tui.store import CaseStore
from cmmh_tui.validation import load_case_text

SAMPLE = (
    Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "letter-complete.toml"
)

TARGETS = {
    "render letter (ms)": 50.0,
    "save case (ms)": 20.0,
    "cmmh list, cold process (s)": 1.5,
    "app shows case list (s)": 3.0,
    "peak memory of cmmh list (MiB)": 120.0,
}
"""Targets a clinician would notice past: a letter re-renders on every edit,
`cmmh list` runs in scripts, and the app opens over SSH."""


def median_ms(action: Callable[[], object], repeat: int = 30) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def fill_store(root: Path, count: int) -> CaseStore:
    case, _ = load_case_text(SAMPLE.read_text(), str(SAMPLE))
    store = CaseStore(root)
    for index in range(count):
        copied = copy.deepcopy(case)
        copied["id"] = f"bench-{index:05d}"
        store.save(copied)
    return store


def time_list(root: Path) -> tuple[float, float]:
    code = (
        "import resource, sys\n"
        "from cmmh_tui.cli import main\n"
        f"main(['--data-dir', {str(root)!r}, 'list', '--json'])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib / 1024


async def time_app(root: Path, count: int) -> float:
    from textual.widgets import DataTable

    from cmmh_tui.app import CmmhApp

    start = time.perf_counter()
    app = CmmhApp(root)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.screen.query(DataTable).first().row_count < count:
            await pilot.pause(0.01)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases", type=int, default=500, help="cases in the data folder"
    )
    args = parser.parse_args()
    case, _ = load_case_text(SAMPLE.read_text(), str(SAMPLE))
    results: dict[str, float] = {}
    # The timed save below writes the sample case itself, one more than the copies.
    results["render letter (ms)"] = median_ms(
        lambda: render_document(case, "medical-necessity-letter")
    )
    with tempfile.TemporaryDirectory() as folder:
        store = fill_store(Path(folder) / "data", args.cases)
        results["save case (ms)"] = median_ms(lambda: store.save(case))
        elapsed, peak = time_list(store.root)
        results["cmmh list, cold process (s)"] = elapsed
        results["peak memory of cmmh list (MiB)"] = peak
        results["app shows case list (s)"] = asyncio.run(
            time_app(store.root, args.cases + 1)
        )
    print(f"cmmh benchmarks, {args.cases} cases in the data folder")
    print(f"{'measure':36} {'value':>9} {'target':>9} {'ratio':>7}")
    for name, target in TARGETS.items():
        value = results[name]
        print(f"{name:36} {value:9.2f} {target:9.2f} {value / target:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
