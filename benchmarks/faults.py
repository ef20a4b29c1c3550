"""Faults on a production-like stack: is any e-mail lost or sent twice when a server dies?

    .venv/bin/python benchmarks/faults.py [--count 500] [--runs database,worker,redis]

Needs PostgreSQL's server binaries (/usr/lib/postgresql/*/bin, or PG_BIN) and redis-server; no
running services. It creates its own PostgreSQL cluster (initdb; as root it runs the cluster
as the `postgres` user) and its own Redis on free ports, an SMTP sink in this process that
records each Message-ID, a Celery worker (prefork, concurrency 2) and beat (sweep every 2 s),
and removes all of it at the end, also when interrupted (Ctrl-C, SIGTERM).

Each run queues COUNT notifications (notify(), one transaction) and then:
  database  PostgreSQL is crashed (pg_ctl stop -m immediate) once a third is delivered and
            started again 10 s later;
  worker    the worker is killed (SIGKILL, its whole process group) at a third and at two
            thirds, and started again at once;
  redis     Redis is killed (SIGKILL) at a third and started again (empty) 10 s later.
While the fault lasts it asks the API once in this process (a sign-in, a list) and prints the
status codes: a 503 while the database is away, no 5xx while Redis is.

It prints per run: expected, delivered (distinct Message-IDs), lost, repeated (messages beyond
the first per Message-ID), of those the ones already recorded as sent when the fault struck,
and the recovery: seconds from the end of the fault to the next delivery and to the last.
Targets: lost 0 in every run; 0 recorded-then-repeated; repeated at most the e-mails in
flight at a worker kill (2 per kill at concurrency 2), 0 after a database crash or Redis.
"""

import argparse
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 2
OUTAGE_SECONDS = 10.0
# The sweep re-queues rows claimed longer ago than this (rows of a killed worker's batch); the
# worker keeps trying to record accepted e-mails for RECORD_RETRY seconds, well below it.
STUCK_AFTER = 30
RECORD_RETRY = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {what}")
        time.sleep(interval)


# --- servers -----------------------------------------------------------------------------------


class Sink:
    """SMTP server (aiosmtpd, a thread of this process) keeping each message's Message-ID and
    recipient, in order of acceptance."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        sink = self

        class Recording:
            async def handle_DATA(self, server, session, envelope):
                message = message_from_bytes(envelope.original_content or envelope.content)
                with sink.lock:
                    sink.received.append((message["Message-ID"], envelope.rcpt_tos[0]))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Recording(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for _, to in self.received if to.startswith(prefix))

    def of_run(self, prefix: str) -> list[tuple[str, str]]:
        with self.lock:
            return [(mid, to) for mid, to in self.received if to.startswith(prefix)]

    def stop(self) -> None:
        self.controller.stop()


class Postgres:
    """A PostgreSQL cluster of its own in `folder`, run as `postgres` when we are root."""

    def __init__(self, folder: Path):
        self.bin = Path(os.environ.get("PG_BIN") or self._find_bin())
        self.data = folder / "pgdata"
        self.log = folder / "postgres.log"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(folder, "postgres")

    @staticmethod
    def _find_bin() -> str:
        found = sorted(
            glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
        )
        if not found:
            raise SystemExit("PostgreSQL server binaries not found: set PG_BIN")
        return str(Path(found[-1]).parent)

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.bin / args[0]), *args[1:]],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        self._run(
            "pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log),
            "-o", f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=on",
        )  # fmt: skip

    def crash(self) -> None:
        self._run("pg_ctl", "stop", "-m", "immediate", "-D", str(self.data))

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [
                    *self.as_user,
                    str(self.bin / "pg_ctl"),
                    "stop",
                    "-m",
                    "fast",
                    "-D",
                    str(self.data),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/kiezfaults"


class Redis:
    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, 10, "redis-server start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class Celery:
    """`celery -A marketplace worker|beat` in a process group of its own."""

    def __init__(self, role: str, env: dict, folder: Path):
        self.role, self.env, self.folder = role, env, folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            self.role,
            "--loglevel=warning",
        ]
        if self.role == "worker":
            command += [
                "--pool=prefork", f"--concurrency={CONCURRENCY}",
                f"--hostname=faults-{os.getpid()}@localhost",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
            ]  # fmt: skip
        else:
            command += [f"--schedule={self.folder / 'beat-schedule'}"]
        log = open(self.folder / f"{self.role}.log", "ab")  # noqa: SIM115 - kept by the child
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- Django in this process ---------------------------------------------------------------------


def setup_django(env: dict) -> None:
    os.environ.update(env)
    # This folder must not hide the apps (a benchmark file may share an app's name).
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def queue_notifications(tag: str, count: int) -> None:
    from django.db import transaction

    from notifications.services import Recipient, notify

    recipients = [Recipient(email=f"{tag}-{i}@example.org") for i in range(count)]
    with transaction.atomic():
        notify(kind="mail_test", recipients=recipients, context={}, event_key=tag)


def recorded_as_sent(tag: str) -> set[str]:
    """Addresses whose notification the database says was sent, as the worker left it."""
    from django.db import close_old_connections

    from notifications.models import Notification, NotificationStatus

    close_old_connections()
    return set(
        Notification.objects.filter(event_key=tag, status=NotificationStatus.SENT).values_list(
            "email", flat=True
        )
    )


def api_probe(token: str) -> str:
    """Status codes of a sign-in and of a signed-in list, asked in this process."""
    from django.db import connection
    from django.test import Client

    connection.close()  # a fresh connection, as a new request in a web process would get
    client = Client(raise_request_exception=False)
    sign_in = client.post(
        "/api/v1/auth/token/",
        {"email": "probe@example.org", "password": "Fault-Probe-2026!"},
        content_type="application/json",
    )
    listing = client.get("/api/v1/notifications/", HTTP_AUTHORIZATION=f"Token {token}")
    retry = listing.get("Retry-After")
    return f"sign-in {sign_in.status_code}, list {listing.status_code}" + (
        f" (Retry-After {retry})" if retry else ""
    )


def probe_token() -> str:
    from rest_framework.authtoken.models import Token

    from marketplace.models import User

    user = User.objects.create_user(
        email="probe@example.org",
        password="Fault-Probe-2026!",
        full_name="Probe",
        email_verified=True,
    )
    return Token.objects.create(user=user).key


# --- the runs -------------------------------------------------------------------------------------


def run(name: str, stack: dict, count: int, token: str) -> dict:
    sink, pg, redis, worker = stack["sink"], stack["pg"], stack["redis"], stack["worker"]
    tag = f"{name}-{int(time.time())}"
    queue_notifications(tag, count)
    third = count // 3
    wait_until(lambda: sink.count(tag) >= third, 120, f"{name}: a third delivered", 0.005)
    # What the worker had recorded as sent when the fault struck: read just before it.
    recorded = recorded_as_sent(tag)
    kills, probe = 0, ""
    if name == "database":
        pg.crash()
        time.sleep(1)
        probe = api_probe(token)
        time.sleep(OUTAGE_SECONDS - 1)
        pg.start()
    elif name == "worker":
        worker.kill()
        kills += 1
        worker.start()
        wait_until(lambda: sink.count(tag) >= 2 * third, 180, "worker: two thirds delivered", 0.005)
        recorded |= recorded_as_sent(tag)
        worker.kill()
        kills += 1
        worker.start()
    elif name == "redis":
        redis.kill()
        time.sleep(1)
        probe = api_probe(token)
        time.sleep(OUTAGE_SECONDS - 1)
        redis.start()
    recovered_at = time.monotonic()
    before = sink.count(tag)
    first_after = None
    deadline = recovered_at + STUCK_AFTER * 4 + 60
    while sink.count(tag) < count and time.monotonic() < deadline:
        if first_after is None and sink.count(tag) > before:
            first_after = time.monotonic() - recovered_at
        time.sleep(0.02)
    all_after = time.monotonic() - recovered_at
    time.sleep(STUCK_AFTER + 5)  # late repeats (a sweep of rows wrongly thought stuck) show up
    received = sink.of_run(tag)
    per_id = Counter(mid for mid, _ in received)
    address_of = dict((mid, to) for mid, to in received)
    repeated = sum(n - 1 for n in per_id.values())
    recorded_repeated = sum(n - 1 for mid, n in per_id.items() if address_of[mid] in recorded)
    return {
        "run": name,
        "expected": count,
        "delivered": len(per_id),
        "lost": count - len(per_id),
        "repeated": repeated,
        "recorded_repeated": recorded_repeated,
        "recorded_before": len(recorded),
        "allowed": CONCURRENCY * kills,
        "first_after": first_after if first_after is not None else all_after,
        "all_after": all_after,
        "probe": probe,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--runs", default="database,worker,redis")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the logs")
    args = parser.parse_args()
    runs = [r for r in args.runs.split(",") if r]

    # Cleanup must run on Ctrl-C and on SIGTERM/SIGHUP alike.
    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    folder = Path(tempfile.mkdtemp(prefix="kiez-faults-"))
    stack: dict = {}
    results = []
    try:
        pg = stack["pg"] = Postgres(folder)
        pg.init()
        pg.start()
        subprocess.run(
            [
                str(pg.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(pg.port),
                "-U",
                "postgres",
                "kiezfaults",
            ],
            check=True,
        )
        redis = stack["redis"] = Redis(folder)
        redis.start()
        sink = stack["sink"] = Sink()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
            "SECRET_KEY": "faults-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": pg.url,
            "REDIS_URL": redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "EMAIL_TIMEOUT": "5",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "NOTIFICATIONS_SWEEP_SECONDS": "2",
            "NOTIFICATIONS_STUCK_AFTER_SECONDS": str(STUCK_AFTER),
            "NOTIFICATIONS_RECORD_RETRY_SECONDS": str(RECORD_RETRY),
            "THROTTLE_AUTH": "1000/minute",
            "LOG_LEVEL": "WARNING",
            "KIEZMARKT_VAR_DIR": str(folder / "var"),
        }
        (folder / "var" / "static").mkdir(parents=True)  # whitenoise warns without it
        setup_django(env)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        token = probe_token()
        worker = stack["worker"] = Celery("worker", env, folder)
        beat = stack["beat"] = Celery("beat", env, folder)
        worker.start()
        beat.start()
        queue_notifications("warm-up", 20)
        wait_until(lambda: sink.count("warm-up") >= 20, 120, "warm-up delivered")
        for name in runs:
            print(f"run {name}: {args.count} notifications ...", flush=True)
            results.append(run(name, stack, args.count, token))
    finally:
        for role in ("beat", "worker"):
            if role in stack:
                stack[role].kill(signal.SIGTERM)
        if "redis" in stack:
            stack["redis"].kill()
        if "sink" in stack:
            stack["sink"].stop()
        if "pg" in stack:
            stack["pg"].stop()
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    ok = True
    print()
    header = (
        f"{'run':<10}{'expected':>9}{'delivered':>10}{'lost':>6}{'repeated':>9}"
        f"{'recorded→repeated':>19}{'allowed':>8}{'next e-mail':>12}{'all sent':>10}"
    )
    print(header)
    for r in results:
        print(
            f"{r['run']:<10}{r['expected']:>9}{r['delivered']:>10}{r['lost']:>6}{r['repeated']:>9}"
            f"{r['recorded_repeated']:>19}{r['allowed']:>8}{r['first_after']:>11.1f}s{r['all_after']:>9.1f}s"
        )
        ok &= r["lost"] == 0 and r["recorded_repeated"] == 0 and r["repeated"] <= r["allowed"]
    for r in results:
        if r["probe"]:
            print(f"API while {r['run']} was down: {r['probe']}")
    print(
        "(recorded→repeated: repeats of e-mails the database said were sent when the fault "
        "struck; allowed: e-mails in flight at worker kills, 2 per kill; next e-mail / all sent: "
        "seconds after the fault ended)"
    )
    print(
        "targets: lost 0, recorded→repeated 0, repeated <= allowed: " + ("met" if ok else "NOT met")
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
