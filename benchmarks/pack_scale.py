"""How long `pmo pack` takes, and how long the pack is, at the scale of a large portfolio.

    python benchmarks/pack_scale.py [--sizes 1000] [--repeat 1] [--out results.json] [--keep]

For each size it writes a demo portfolio (generator.io.demo, seed 1) into a temporary folder and runs `pmo pack`
on it in a fresh child process, the way a user does (imports and Chromium's start-up included), then reads the
PDF back (pages, bytes). A second child times the stages inside: read and validate, analyse, the document
(its charts drawn by vl-convert) and the two prints by Chromium. Target: under a minute at 1,000 projects, and
a pack a board can read (tens of pages, not one per project). Needs Chromium and the `pack` extra.
"""

# ruff: noqa: T201  (a command-line script: printing is its output)
from __future__ import annotations

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS, TARGET_AT = 60.0, 1000

STAGES = r"""
import json, sys, time
from pathlib import Path
from generator.pipeline import prepare, read_portfolio
from generator.pages.pack import board_pack
from generator.io.pdf import print_pdf
seconds = {}
start = time.perf_counter()
portfolio = read_portfolio(Path(sys.argv[1]))
seconds["read"] = time.perf_counter() - start
start = time.perf_counter()
analysis = prepare(portfolio, "pmo")
seconds["analyse"] = time.perf_counter() - start
start = time.perf_counter()
document = board_pack(analysis)
seconds["document"] = time.perf_counter() - start
start = time.perf_counter()
print_pdf(document.html, [h.id for h in document.headings], "a4", analysis.settings.as_of, "benchmark")
seconds["print"] = time.perf_counter() - start
print(json.dumps(seconds))
"""


def run(size: int, folder: Path) -> dict[str, Any]:
    from pypdf import PdfReader

    from generator.io.demo import write_demo

    data = folder / f"demo-{size}"
    if not data.exists():
        write_demo(data, size, 1)
    out = folder / f"pack-{size}.pdf"
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator.cli", "pack", "--data", str(data), "--audience", "pmo", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    stages = json.loads(
        subprocess.run(
            [sys.executable, "-c", STAGES, str(data)], check=True, capture_output=True, text=True
        ).stdout.splitlines()[-1]
    )
    pdf = out.read_bytes()
    return {
        "size": size,
        "seconds": wall,
        "stages": stages,
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[TARGET_AT])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="Keep the demo data and the packs.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pmo-pack-bench-"))
    results = []
    try:
        for size in args.sizes:
            runs = [run(size, folder) for _ in range(args.repeat)]
            median = statistics.median(r["seconds"] for r in runs)
            results.append({"size": size, "median_seconds": median, "runs": runs})
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in runs[-1]["stages"].items())
            verdict = ""
            if size == TARGET_AT:
                verdict = f" (target under {TARGET_SECONDS:.0f} s: {'met' if median < TARGET_SECONDS else 'MISSED'})"
            print(
                f"{size:>6} projects: pmo pack {median:.1f} s{verdict}; {runs[-1]['pages']} pages, "
                f"{runs[-1]['bytes'] / 1e6:.1f} MB; stages: {stages}"
            )
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    out = args.out or Path(tempfile.mkstemp(prefix="pmo-pack-bench-", suffix=".json")[1])
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
