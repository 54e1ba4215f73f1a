"""Figure: seconds from starting panelapp-web (docker-aws settings) to its first /version/ answer.

.venv/bin/python bench/app/web_startup.py [runs]
"""

import statistics
import sys

from support import start_web, stop


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    times = []
    for _ in range(runs):
        web, _url, seconds = start_web(workers=2)
        stop(web)
        times.append(seconds)
    print(
        f"web start-up to first /version/ answer (2 workers, {runs} runs): "
        f"median {statistics.median(times):.2f} s, min {min(times):.2f} s, max {max(times):.2f} s"
    )


if __name__ == "__main__":
    main()
