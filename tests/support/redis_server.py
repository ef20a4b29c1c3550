"""Redis for tests: the configured REDIS_URL, else a local Redis on its own database number."""

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings

# Used when no REDIS_URL is configured (the embedded run) but a local Redis answers; a database
# number of its own so the tests never touch development data.
LOCAL_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def redis_url_for_tests() -> str | None:
    """REDIS_URL (settings, then TEST_REDIS_URL), else the local Redis; None if none answers."""
    url = settings.REDIS_URL or os.environ.get("TEST_REDIS_URL") or LOCAL_TEST_REDIS_URL
    return url if redis_answers(url) else None


@pytest.fixture
def redis_url() -> str:
    """The URL of a Redis database this test may use (and empty), or a skip saying why not."""
    url = redis_url_for_tests()
    if url is None:
        pytest.skip(
            "needs Redis: set REDIS_URL or start redis-server on 127.0.0.1:6379 "
            "(the CI machine always has one)"
        )
    return url


def unused_tcp_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (closed again before it is returned)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    """A redis-server of the test's own on a free port, which the test may kill and start
    again (on the same port) to see what Kiezmarkt does while Redis is away."""

    def __init__(self):
        self.port = unused_tcp_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--loglevel", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        """Kill it as a crash would (SIGKILL), by its process id."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis():
    """A running redis-server of this test only (`own_redis.kill()`, `own_redis.start()`), or a
    skip saying why not; killed when the test ends, also when it fails."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server on PATH (Debian: apt-get install redis-server)")
    server = RedisProcess()
    server.start()
    try:
        yield server
    finally:
        server.kill()
