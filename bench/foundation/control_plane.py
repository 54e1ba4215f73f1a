"""Figures for the local control plane: cold build time of each tool group (recorded by
hack/build-tools.sh when it built them), warm start time, and resident memory while idle.

    .venv/bin/python bench/foundation/control_plane.py [--starts 3] [--idle 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "hack"))

from localcluster import ControlPlane, Toolbox
from localcluster.tools import GROUP_VERSION_KEYS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=3, help="warm starts to time")
    parser.add_argument("--idle", type=float, default=15, help="seconds to idle before reading memory")
    args = parser.parse_args()
    toolbox = Toolbox.from_environment()

    print("cold build time per tool group (recorded at build time):")
    for group in GROUP_VERSION_KEYS:
        stamp = toolbox.group_dir(group) / ".build-seconds"
        recorded = f"{stamp.read_text().strip()} s" if stamp.exists() else "not recorded"
        print(f"  {group:<11} {toolbox.version(group):<9} {recorded}")

    totals = []
    for attempt in range(args.starts):
        with tempfile.TemporaryDirectory() as workdir:
            plane = ControlPlane(workdir=Path(workdir), toolbox=toolbox).start()
            try:
                totals.append(plane.timings["total"])
                phases = ", ".join(f"{k} {v:.2f}s" for k, v in plane.timings.items() if k != "total")
                print(f"warm start {attempt + 1}: {plane.timings['total']:.2f} s ({phases})")
                if attempt == args.starts - 1:
                    time.sleep(args.idle)
                    memory = plane.resident_memory()
                    print(f"resident memory after {args.idle:.0f} s idle:")
                    for name, rss in memory.items():
                        print(f"  {name:<24} {rss / 2**20:7.1f} MiB")
                    print(f"  {'total':<24} {sum(memory.values()) / 2**20:7.1f} MiB")
            finally:
                plane.stop()
    print(f"warm start: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s (goal < 20 s)")


if __name__ == "__main__":
    main()
