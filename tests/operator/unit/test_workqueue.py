"""The work queue: one reconcile per key at a time, nothing lost, bursts coalesced."""

from __future__ import annotations

import threading
import time

from panelapp_operator.workqueue import WorkQueue


def test_a_key_is_queued_once():
    queue = WorkQueue()
    queue.add("a")
    queue.add("a")
    queue.add("b")
    assert len(queue) == 2
    assert {queue.get(timeout=1), queue.get(timeout=1)} == {"a", "b"}
    assert queue.get(timeout=0.05) is None


def test_a_key_added_while_processing_is_processed_again_afterwards():
    queue = WorkQueue()
    queue.add("a")
    key = queue.get(timeout=1)
    queue.add("a")  # an event while the reconcile runs
    assert queue.get(timeout=0.05) is None  # never two workers on one key
    queue.done(key)
    assert queue.get(timeout=1) == "a"


def test_delays_and_earliest_wins():
    queue = WorkQueue()
    queue.add("a", delay=10)
    queue.add("a", delay=0.05)
    started = time.monotonic()
    assert queue.get(timeout=2) == "a"
    assert 0.04 < time.monotonic() - started < 1


def test_failures_back_off_exponentially_and_success_resets():
    queue = WorkQueue(base_backoff=0.01, max_backoff=0.04)
    queue.add("a")
    delays = []
    for _ in range(4):
        key = queue.get(timeout=1)
        delays.append(queue.done(key, failed=True))
    assert delays == [0.01, 0.02, 0.04, 0.04]
    key = queue.get(timeout=1)
    assert queue.done(key, requeue_after=None) is None
    queue.add("a")
    key = queue.get(timeout=1)
    assert queue.done(key, failed=True) == 0.01


def test_requeue_after():
    queue = WorkQueue()
    queue.add("a")
    queue.done(queue.get(timeout=1), requeue_after=0.05)
    assert queue.get(timeout=1) == "a"


def test_shutdown_releases_waiting_workers():
    queue = WorkQueue()
    results = []
    worker = threading.Thread(target=lambda: results.append(queue.get()))
    worker.start()
    queue.shutdown()
    worker.join(2)
    assert results == [None]


def test_forget_drops_a_deleted_key():
    queue = WorkQueue()
    queue.add("a", delay=0.01)
    queue.forget("a")
    assert queue.get(timeout=0.1) is None
