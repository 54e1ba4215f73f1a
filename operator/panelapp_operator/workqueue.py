"""A work queue of PanelApp keys, in the manner of client-go's: each key is queued at most once,
is processed by one worker at a time, and is processed again if it was added while being
processed. Delayed adds coalesce bursts (a Deployment rollout sends many events) into one
reconcile, and failures back off exponentially per key."""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


class WorkQueue(Generic[K]):
    def __init__(self, base_backoff: float = 1.0, max_backoff: float = 120.0):
        self._cond = threading.Condition()
        self._due: dict[K, float] = {}  # queued keys and when they are due
        self._heap: list[tuple[float, int, K]] = []
        self._counter = 0
        self._processing: set[K] = set()
        self._dirty: dict[K, float] = {}  # added while processing: re-queue when done
        self._failures: dict[K, int] = {}
        self._shutdown = False
        self.base_backoff, self.max_backoff = base_backoff, max_backoff

    def add(self, key: K, delay: float = 0.0) -> None:
        due = time.monotonic() + max(delay, 0.0)
        with self._cond:
            if self._shutdown:
                return
            if key in self._processing:
                self._dirty[key] = min(due, self._dirty.get(key, due))
                return
            if key in self._due and self._due[key] <= due:
                return  # already queued no later than asked
            self._push(key, due)

    def _push(self, key: K, due: float) -> None:
        self._due[key] = due
        self._counter += 1
        heapq.heappush(self._heap, (due, self._counter, key))
        self._cond.notify()

    def get(self, timeout: float | None = None) -> K | None:
        """Block until a key is due; None on shutdown or timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._shutdown:
                now = time.monotonic()
                while self._heap and self._due.get(self._heap[0][2]) != self._heap[0][0]:
                    heapq.heappop(self._heap)  # superseded entry
                if self._heap and self._heap[0][0] <= now:
                    _, _, key = heapq.heappop(self._heap)
                    del self._due[key]
                    self._processing.add(key)
                    return key
                wait = self._heap[0][0] - now if self._heap else None
                if deadline is not None:
                    remaining = deadline - now
                    if remaining <= 0:
                        return None
                    wait = remaining if wait is None else min(wait, remaining)
                self._cond.wait(wait)
            return None

    def done(self, key: K, *, requeue_after: float | None = None, failed: bool = False) -> float | None:
        """Finish processing a key. Returns the delay it was re-queued with, if any."""
        with self._cond:
            self._processing.discard(key)
            delay: float | None = None
            if failed:
                count = self._failures.get(key, 0)
                self._failures[key] = count + 1
                delay = min(self.base_backoff * (2**count), self.max_backoff)
            else:
                self._failures.pop(key, None)
                delay = requeue_after
            due = None if delay is None else time.monotonic() + delay
            if key in self._dirty:
                # Something changed while we worked: that news is worth acting on at once, even
                # after a failure (it may be the fix).
                dirty_due = self._dirty.pop(key)
                due = dirty_due if due is None else min(dirty_due, due)
            if due is not None and not self._shutdown and (key not in self._due or self._due[key] > due):
                self._push(key, due)
            return delay

    def forget(self, key: K) -> None:
        with self._cond:
            self._due.pop(key, None)
            self._dirty.pop(key, None)
            self._failures.pop(key, None)

    def shutdown(self) -> None:
        with self._cond:
            self._shutdown = True
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self._due)
