"""Tests that run tasks on a REAL Celery worker: a `celery -A marketplace worker` subprocess.

    @pytest.mark.celery_worker(concurrency=2)   # the marker is optional; concurrency defaults to 1
    def test_invitation_mail_goes_out(celery_worker, smtp_server):
        ...                                  # commit something that calls notify()
        [mail] = smtp_server.wait_for(1)

What the fixtures arrange:
- `celery_broker`: this test process sends tasks to Redis instead of running them in-process
  (task_always_eager off, broker = the test Redis, queue purged), restored afterwards.
- `celery_worker`: `celery_broker` + `transactional_db` + `smtp_server`, and one worker that
  reaches the TEST database (the one pytest-django created), sends e-mail to `smtp_server`
  and answered a ping before the test starts. Needs PostgreSQL: the SQLite test database lives
  in this process's memory, so on the embedded run such tests are skipped with that reason.
- `celery_worker_factory`: start(concurrency=..., database=...) for tests that need several
  workers or stop one mid-test (`worker.stop(signal.SIGKILL)` simulates a dying worker).
  `database=False` starts a worker that never sees the test database (e.g. for /health/),
  which works on SQLite too.

Tests using these fixtures run on `transactional_db` (the factory requests it); do not also
ask for `db`. Every worker runs in a process group of its own and is stopped by its id when
the test ends, also when it fails; its log is printed then (pytest shows it for failing tests).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from kombu import pools

from marketplace.celery import app as celery_app

WORKER_START_TIMEOUT = 60.0
WORKER_STOP_TIMEOUT = 15.0


def _reset_broker_connections(app) -> None:
    # The app (and kombu's registry) cache broker connection and producer pools; drop them so
    # the next task or control message connects to the broker configured now.
    pools.reset()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def real_broker(broker_url: str):
    """Within this block tasks from this process go to `broker_url` instead of running eagerly."""
    keys = ("task_always_eager", "broker_url")
    saved = {key: celery_app.conf[key] for key in keys}
    with override_settings(
        CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=broker_url, REDIS_URL=broker_url
    ):
        celery_app.conf.update(task_always_eager=False, broker_url=broker_url)
        _reset_broker_connections(celery_app)
        try:
            yield celery_app
        finally:
            celery_app.conf.update(saved)
            _reset_broker_connections(celery_app)


def wait_for_worker(app, hostname: str, *, process=None, timeout=WORKER_START_TIMEOUT) -> None:
    """Block until the worker `hostname` answers a ping; raise if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Celery worker {hostname} exited with code {process.returncode}")
        replies = app.control.inspect(destination=[hostname], timeout=0.5).ping() or {}
        if hostname in replies:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"Celery worker {hostname} did not answer within {timeout:.0f} s")


def test_database_url() -> str:
    """DATABASE_URL of the database this test runs on (pytest-django's test_<name>)."""
    params = connection.settings_dict
    user = quote(params.get("USER") or "", safe="")
    password = quote(params.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{credentials}{params.get('HOST') or ''}{port}/{quote(params['NAME'])}"


test_database_url.__test__ = False  # a helper, not a test


@dataclass
class CeleryWorker:
    process: subprocess.Popen
    hostname: str
    broker_url: str
    log_path: Path
    stopped: bool = field(default=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the worker and its pool processes (its own process group) by its process id.

        SIGTERM lets it finish the task at hand; SIGKILL makes it die mid-task.
        """
        if self.stopped:
            return
        self.stopped = True
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=WORKER_STOP_TIMEOUT)
        # Whatever is left of the group (a stuck parent, pool children of a killed one) dies now.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WORKER_STOP_TIMEOUT)


def start_worker(
    *,
    broker_url: str,
    database_url: str,
    email_url: str = "",
    concurrency: int = 1,
    extra_env: dict | None = None,
) -> CeleryWorker:
    """Start `celery -A marketplace worker` with the test settings; wait until it answers."""
    hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open by the subprocess
        prefix="celery-worker-", suffix=".log", delete=False
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": database_url,
        "REDIS_URL": broker_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": email_url,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "marketplace", "worker",
        "--loglevel=warning", f"--concurrency={concurrency}", "--pool=prefork",
        f"--hostname={hostname}",
        "--include=tests.support.probe_tasks",
        # No waiting for other workers at start-up, no chatter between workers.
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stop() reaches the pool children
    )
    log_file.close()
    worker = CeleryWorker(process, hostname, broker_url, Path(log_file.name))
    try:
        wait_for_worker(celery_app, hostname, process=process)
    except Exception as error:
        worker.stop(signal.SIGKILL)
        raise RuntimeError(f"{error}\n--- worker log ---\n{worker.log()}") from error
    return worker


@pytest.fixture
def celery_broker(redis_url):
    """This test's tasks go to Redis (nothing runs them unless a worker is started)."""
    with real_broker(redis_url) as app:
        app.control.purge()  # tasks left over by an aborted run must not reach a new worker
        yield app


# transactional_db comes first so that it is torn down (tables emptied) only after the workers
# stopped, and because a worker sees only committed rows.
@pytest.fixture
def celery_worker_factory(transactional_db, celery_broker, smtp_server):
    workers: list[CeleryWorker] = []

    def start(*, concurrency: int = 1, database: bool = True, extra_env=None) -> CeleryWorker:
        if database:
            if connection.vendor != "postgresql":
                pytest.skip(
                    "a real Celery worker needs the test database on PostgreSQL "
                    "(set DATABASE_URL=postgres://...); the SQLite test database is in memory"
                )
            database_url = test_database_url()
        else:
            # A database of its own that it never needs: the worker must not reach dev data.
            database_url = f"sqlite:///{tempfile.mkdtemp(prefix='celery-worker-')}/unused.sqlite3"
        worker = start_worker(
            broker_url=celery_broker.conf.broker_url,
            database_url=database_url,
            email_url=smtp_server.url,
            concurrency=concurrency,
            extra_env=extra_env,
        )
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()
            log = worker.log().strip()
            if log:
                print(f"--- log of Celery worker {worker.hostname} (pid {worker.pid}) ---\n{log}")
            worker.log_path.unlink(missing_ok=True)


@pytest.fixture
def celery_worker(request, celery_worker_factory) -> CeleryWorker:
    """One real worker on the test database, sending e-mail to `smtp_server`."""
    marker = request.node.get_closest_marker("celery_worker")
    concurrency = marker.kwargs.get("concurrency", 1) if marker else 1
    return celery_worker_factory(concurrency=concurrency)
