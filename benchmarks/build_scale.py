"""How the site build scales with the portfolio, against the floor MkDocs itself sets.

    python benchmarks/build_scale.py [--sizes 100 1000 5000] [--out results.json] [--repeat 1]
                                     [--floor-pages site|projects] [--profile DIR] [--keep]

Run it from anywhere: it works from the repository root (mkdocs.yml, docs/ and methodology/). For each size
it writes a demo portfolio (generator.io.demo) into a temporary folder, builds the site with the real pipeline
(`load_site_config` + `build_site`, the `pmo build` path) in a fresh child process, then builds the
"floor" in another child: a bare mkdocs-material site (font: false, plugins [search]) with the same number of
plain pages (a heading and paragraphs, ~3 KB of Markdown each), all but the home page kept out of the nav
(`not_in_nav`), which is what our generated site does with project pages. A child per build keeps every peak
RSS (`ru_maxrss` of that process) separate.

Measured per build: seconds per pipeline stage (load, validate, analyse, render, mkdocs), the build's wall
time inside the child (config loading + build, no interpreter start-up) and the child's whole lifetime
(with imports), peak RSS, the site on disk (bytes and files), and what evaluating governance.yaml's rules
costs, as a share of the build (the demo writes a governance.yaml with every kind of rule).
Results go to a JSON file (a temporary path unless --out is given, printed at the end); nothing is written
into the repository.
"""

# ruff: noqa: T201  (a command-line script: printing is its output)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("load", "validate", "analyse", "render", "mkdocs")
TARGET_TIME, TARGET_SIZE, TARGET_AT = 1.5, 2.0, 1000  # time ≤ 1.5× floor, size ≤ 2× floor at 1,000 projects
TARGET_GOVERNANCE = 5.0  # governance.yaml's evaluation: under 5 % of the build at 1,000 projects

FLOOR_CONFIG = """\
site_name: Floor
docs_dir: docs
site_dir: site
theme:
  name: material
  font: false
plugins:
  - search
nav:
  - index.md
  - Sections:
{sections}
not_in_nav: |
  /p/*
"""
SECTIONS = 11  # the floor: "a nav of a dozen section pages", the other pages reached from them
_WORDS = (
    "project", "portfolio", "budget", "schedule", "milestone", "vendor", "release", "migration", "platform",
    "service", "team", "data", "risk", "issue", "change", "cost", "benefit", "testing", "rollout", "design",
    "build", "cutover", "support", "contract", "licence", "network", "cloud", "security", "users", "finance",
    "operations", "report", "status", "forecast", "plan", "scope", "sponsor", "manager", "steering", "board",
    "quality", "capacity", "integration", "interface", "archive", "training", "adoption", "process", "review",
    "approval", "delivery",
)  # fmt: skip


# children ---------------------------------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def _cpu_seconds() -> float:
    """CPU time of this process so far (user + system): what the build itself costs, whatever else the shared
    machine runs meanwhile (wall time counts the waits for a core too)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_pmo(data_dir: Path, site_dir: Path, profile: Path | None) -> dict[str, Any]:
    """Build our site from `data_dir` exactly as `pmo build` does; runs in its own process."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from generator.mkdocs_adapter.build import build_site, load_site_config
    from generator.pipeline import Timings

    timings = Timings()
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, cpu = time.perf_counter(), _cpu_seconds()
    config = load_site_config(Path("mkdocs.yml"), data_dir=data_dir)
    build_site(config, site_dir, timings)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(profile))
    result = {"seconds": seconds, "cpu_seconds": cpu, "stages": timings.seconds, "peak_rss_mb": _peak_rss_mb()}
    return {**result, "governance": governance_cost(data_dir)}


def governance_cost(data_dir: Path) -> dict[str, Any]:
    """What evaluating governance.yaml adds to a build: `analysis.governance` timed on the audience the build
    made (org), with the KPI rows and the capacity plan it reads already computed, as the pages compute them
    anyway. Timed after the build so it cannot slow it; the best of five fresh evaluations, in wall and CPU
    seconds (the share is taken on CPU time, which the other users of a shared machine barely move)."""
    from generator.analytics.governance import evaluate
    from generator.pipeline import prepare, read_portfolio

    analysis = prepare(read_portfolio(data_dir), "org")
    rows, capacity = analysis.rows, analysis.capacity
    runs, cpu_runs = [], []
    for _ in range(5):
        start, cpu = time.perf_counter(), _cpu_seconds()
        report = evaluate(analysis.portfolio, rows, lambda: capacity)
        runs.append(time.perf_counter() - start)
        cpu_runs.append(_cpu_seconds() - cpu)
    return {
        "seconds": min(runs),
        "cpu_seconds": min(cpu_runs),
        "rules": len(report.governance.rules),
        "findings": len(report.findings),
        "waived": sum(1 for f in report.findings if f.waived),
    }


def child_floor(project_dir: Path) -> dict[str, Any]:
    """Build the bare mkdocs-material floor site in `project_dir`; runs in its own process."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    start, cpu = time.perf_counter(), _cpu_seconds()
    build(load_config(str(project_dir / "mkdocs.yml")))
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": _peak_rss_mb()}


def _run_child(args: list[str]) -> dict[str, Any]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child {' '.join(args[:2])} failed with exit code {done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start
    return result


# the floor's docs ---------------------------------------------------------------------------------------------


def write_floor(project_dir: Path, pages: int, page_bytes: int, seed: int = 0) -> None:
    """A plain mkdocs-material project of `pages` pages: index.md and a dozen section pages in the nav, the rest
    pages of ~page_bytes under p/ that are reached without the nav (as our project pages are)."""
    rng = random.Random(seed)
    docs = project_dir / "docs"
    (docs / "p").mkdir(parents=True)
    sections = "\n".join(f"    - s/{n:02d}.md" for n in range(1, SECTIONS + 1))
    (project_dir / "mkdocs.yml").write_text(FLOOR_CONFIG.format(sections=sections), encoding="utf-8")
    (docs / "index.md").write_text("# Floor\n\nA bare site with plain pages.\n", encoding="utf-8")
    (docs / "s").mkdir()
    for n in range(1, SECTIONS + 1):
        (docs / "s" / f"{n:02d}.md").write_text(f"# Section {n}\n\nA section page of the navigation.\n")
    pages -= SECTIONS
    for i in range(1, pages):
        parts = [f"# Page {i:05d}: {rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}\n"]
        size = len(parts[0])
        while size < page_bytes:
            sentences = []
            for _ in range(rng.randint(3, 6)):
                words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 16))]
                sentences.append(" ".join(words).capitalize() + ".")
            paragraph = " ".join(sentences) + "\n"
            parts.append(paragraph)
            size += len(paragraph) + 1
        (docs / "p" / f"{i:05d}.md").write_text("\n".join(parts), encoding="utf-8")


def disk(folder: Path) -> tuple[int, int]:
    """(bytes, files) of a folder."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            total += path.stat().st_size
            files += 1
    return total, files


def html_pages(site: Path) -> int:
    """Pages of a built site: every HTML file but the 404 page."""
    return sum(1 for p in site.rglob("*.html") if p.name != "404.html")


# one size -------------------------------------------------------------------------------------------------


def measure(size: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from generator.io.demo import write_demo

    base = work / str(size)
    data_dir, site_dir = base / "portfolio", base / "site"
    start = time.perf_counter()
    write_demo(data_dir, size, seed=args.seed)
    demo_seconds = time.perf_counter() - start
    data_bytes, data_files = disk(data_dir)

    def pmo_run(run: int) -> dict[str, Any]:
        profile = []
        if args.profile is not None and run == 0:
            profile = ["--profile", str(Path(args.profile).resolve() / f"build-{size}.prof")]
        return _run_child(["--child", "pmo", "--data", str(data_dir), "--site", str(site_dir), *profile])

    def floor_run() -> dict[str, Any]:
        shutil.rmtree(floor_dir / "site", ignore_errors=True)
        return _run_child(["--child", "floor", "--project", str(floor_dir)])

    pmo_runs = [pmo_run(0)]  # the first build tells how many pages the floor needs
    site_bytes, site_files = disk(site_dir)
    pages = html_pages(site_dir)
    floor_pages = pages if args.floor_pages == "site" else size + 1
    floor_dir = base / "floor"
    write_floor(floor_dir, floor_pages, args.floor_page_bytes)
    # Our builds and the floor's alternate, so a noisy spell of the shared machine hits both alike; the
    # time ratio is the median of the ratios of each pair.
    floor_runs = [floor_run()]
    for run in range(1, args.repeat):
        pmo_runs.append(pmo_run(run))
        floor_runs.append(floor_run())
    floor_bytes, floor_files = disk(floor_dir / "site")
    floor_html = html_pages(floor_dir / "site")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)

    pmo = min(pmo_runs, key=lambda r: r["seconds"]) if args.repeat == 1 else _median_run(pmo_runs)
    floor = min(floor_runs, key=lambda r: r["seconds"]) if args.repeat == 1 else _median_run(floor_runs)
    governance = {**pmo["governance"], "share": _cpu_share(pmo_runs)}
    return {
        "projects": size,
        "demo": {"seconds": demo_seconds, "bytes": data_bytes, "files": data_files},
        "governance": governance,
        "pmo": {
            "seconds": pmo["seconds"],
            "process_seconds": pmo["process_seconds"],
            "stages": pmo["stages"],
            "peak_rss_mb": pmo["peak_rss_mb"],
            "site_bytes": site_bytes,
            "site_files": site_files,
            "pages": pages,
            "runs": [r["seconds"] for r in pmo_runs],
            "cpu_runs": [r["cpu_seconds"] for r in pmo_runs],
        },
        "floor": {
            "seconds": floor["seconds"],
            "process_seconds": floor["process_seconds"],
            "peak_rss_mb": floor["peak_rss_mb"],
            "site_bytes": floor_bytes,
            "site_files": floor_files,
            "pages": floor_html,
            "page_bytes": args.floor_page_bytes,
            "runs": [r["seconds"] for r in floor_runs],
            "cpu_runs": [r["cpu_seconds"] for r in floor_runs],
        },
        "time_ratio": statistics.median(p["seconds"] / f["seconds"] for p, f in zip(pmo_runs, floor_runs, strict=True)),
        "cpu_ratio": statistics.median(
            p["cpu_seconds"] / f["cpu_seconds"] for p, f in zip(pmo_runs, floor_runs, strict=True)
        ),
        "size_ratio": site_bytes / floor_bytes,
    }


def _cpu_share(runs: list[dict[str, Any]]) -> float:
    """The median over our builds of governance evaluation's CPU time over the build's."""
    return statistics.median(r["governance"]["cpu_seconds"] / r["cpu_seconds"] for r in runs)


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda r: r["seconds"])
    middle = ordered[len(ordered) // 2]
    median = {**middle, "seconds": statistics.median(r["seconds"] for r in runs)}
    if "governance" in middle:  # our builds, not the floor's
        seconds = statistics.median(r["governance"]["seconds"] for r in runs)
        cpu = statistics.median(r["governance"]["cpu_seconds"] for r in runs)
        median["governance"] = {**middle["governance"], "seconds": seconds, "cpu_seconds": cpu}
    return median


# report ---------------------------------------------------------------------------------------------------


def table(results: list[dict[str, Any]]) -> str:
    head = [
        "projects",
        "pages",
        *STAGES,
        "total s",
        "floor s",
        "time ×",
        "cpu ×",
        "site MB",
        "floor MB",
        "size ×",
        "peak MB",
        "floor peak MB",
        "gov cpu s",
        "gov %",
    ]
    rows = []
    for r in results:
        pmo, floor = r["pmo"], r["floor"]
        stages = [f"{pmo['stages'].get(s, 0):.2f}" for s in STAGES]
        target = r["projects"] == TARGET_AT
        rows.append(
            [
                str(r["projects"]),
                str(pmo["pages"]),
                *stages,
                f"{pmo['seconds']:.2f}",
                f"{floor['seconds']:.2f}",
                f"{r['time_ratio']:.2f}" + (f" (≤ {TARGET_TIME})" if target else ""),
                f"{r['cpu_ratio']:.2f}",
                f"{pmo['site_bytes'] / 1e6:.1f}",
                f"{floor['site_bytes'] / 1e6:.1f}",
                f"{r['size_ratio']:.2f}" + (f" (≤ {TARGET_SIZE})" if target else ""),
                f"{pmo['peak_rss_mb']:.0f}",
                f"{floor['peak_rss_mb']:.0f}",
                f"{r['governance']['cpu_seconds']:.3f}",
                f"{100 * r['governance']['share']:.1f}" + (f" (< {TARGET_GOVERNANCE:g})" if target else ""),
            ]
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000], metavar="N")
    parser.add_argument("--out", type=Path, help="JSON results file (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="builds per size; the median is reported")
    parser.add_argument(
        "--floor-pages",
        choices=("site", "projects"),
        default="site",
        help="floor page count: as many as our site has (default), or one per project",
    )
    parser.add_argument("--floor-page-bytes", type=int, default=3000)
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the first build per size here")
    parser.add_argument("--keep", action="store_true", help="keep the demo data and both sites")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary folder)")
    # internal: the child processes
    parser.add_argument("--child", choices=("pmo", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--site", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # the children run this file by path: import the checkout, not an install

    if args.child == "pmo":
        print(json.dumps(child_pmo(args.data, args.site, args.profile)))
        return
    if args.child == "floor":
        print(json.dumps(child_floor(args.project)))
        return

    os.chdir(ROOT)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="pmo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for size in args.sizes:
            print(f"building {size} projects ...", file=sys.stderr, flush=True)
            results.append(measure(size, work, args))
            print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    finally:
        if args.work is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    print(
        f"targets at {TARGET_AT} projects: time ≤ {TARGET_TIME}× floor, size ≤ {TARGET_SIZE}× floor, governance "
        f"evaluation < {TARGET_GOVERNANCE:g} % of the build; floor pages: {args.floor_pages}"
    )
    out = args.out or Path(tempfile.mkstemp(prefix="pmo-bench-", suffix=".json")[1])
    report = {
        "date": dt.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": _versions(),
        "seed": args.seed,
        "floor_pages": args.floor_pages,
        "results": results,
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"results: {out}")


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("mkdocs", "mkdocs-material", "pydantic", "pandas", "pyyaml"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


if __name__ == "__main__":
    main()
