"""Figure: /version/ requests per second served by panelapp-web with 2 gunicorn (sync) workers.

Load comes from client processes (not threads) so the client's GIL does not cap the figure; on a
2-core machine clients and server share the CPU, so read it as a lower bound.

    .venv/bin/python bench/app/version_throughput.py [seconds] [clients]
"""

import http.client
import multiprocessing
import sys
import time
from urllib.parse import urlsplit

from support import start_web, stop


def hammer(url: str, seconds: float, results) -> None:
    parts = urlsplit(url)
    done = errors = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            connection.request("GET", "/version/", headers={"Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                errors += 1
        except OSError:
            errors += 1
        finally:
            connection.close()
    results.put((done, errors))


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    web, url, _ = start_web(workers=2)
    try:
        results = multiprocessing.Queue()
        processes = [multiprocessing.Process(target=hammer, args=(url, seconds, results)) for _ in range(clients)]
        for process in processes:
            process.start()
        totals = [results.get() for _ in processes]
        for process in processes:
            process.join()
    finally:
        stop(web)
    done, errors = sum(t[0] for t in totals), sum(t[1] for t in totals)
    print(
        f"/version/ on 2 gunicorn workers, {clients} client processes, {seconds:.0f} s: "
        f"{done / seconds:.0f} requests/s ({done} answered, {errors} errors)"
    )


if __name__ == "__main__":
    main()
