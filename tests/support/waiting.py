"""Waiting for what another process (a Celery worker) does, with a deadline."""

import time


def wait_until(predicate, *, timeout=60.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
