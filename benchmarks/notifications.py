"""E-mails per second through the notification pipeline, against the raw rate of the SMTP sink.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kiezmarkt REDIS_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python benchmarks/notifications.py [--count 3000] [--concurrency 2]

Needs PostgreSQL and Redis (it makes and drops its own database, <name>_bench, and empties the
Redis database it is given). What it does:

1. starts a local SMTP sink (aiosmtpd, in a process of its own, accepting and discarding);
2. baseline: sends the same rendered e-mail COUNT times with Django's send_mail() over ONE
   SMTP connection opened beforehand, in a plain loop: the sink's raw acceptance rate;
3. pipeline: one Celery worker (prefork, concurrency 2) on Redis; COUNT notifications are
   written in one transaction by notify(); the clock runs from that commit (rows queued) to
   the last row's sent_at (recorded right after the sink accepted it);
4. prints both rates and their ratio against the targets (>= 300 e-mails/s, >= half the raw).
"""

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE = 300.0
TARGET_RATIO = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the sink (runs as `benchmarks/notifications.py --sink PORT`) -----------------------------


def run_sink(port: int) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        accepted = 0

        async def handle_DATA(self, server, session, envelope):
            Counting.accepted += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.Event()

    def finish(*_args):
        controller.stop()
        print(f"accepted {Counting.accepted}", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    while not stop.is_set():
        time.sleep(3600)


def start_sink(port: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    return sink


def stop_sink(sink: subprocess.Popen) -> int:
    sink.send_signal(signal.SIGTERM)
    out, _ = sink.communicate(timeout=10)
    return int(out.split()[-1])


# --- the benchmark ---------------------------------------------------------------------------


def setup_django(email_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40),
        ALLOWED_HOSTS="localhost",
        EMAIL_URL=email_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        LOG_LEVEL="WARNING",
    )
    # This file is called notifications.py: its folder must not hide the notifications app.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def raw_rate(count: int) -> tuple[float, float]:
    """The sink's acceptance rate for the pipeline's own e-mail, sent in a plain loop, and
    the loop's CPU seconds per e-mail."""
    from django.core.mail import get_connection, send_mail

    from notifications.models import Notification
    from notifications.rendering import render_email

    message = render_email(
        Notification(pk=1, kind="mail_test", email="raw@example.org", language="de")
    )
    [(html, _mimetype)] = message.alternatives
    connection = get_connection()
    connection.open()
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(count):
            send_mail(
                message.subject,
                message.body,
                None,
                ["raw@example.org"],
                html_message=html,
                connection=connection,
            )
        rate = count / (time.perf_counter() - started)
        return rate, (time.process_time() - cpu_started) / count
    finally:
        connection.close()


def start_worker(concurrency: int, prefetch: int, loglevel: str, env: dict) -> subprocess.Popen:
    from marketplace.celery import app

    hostname = f"bench-{os.getpid()}@localhost"
    command = [
        sys.executable, "-m", "celery", "-A", "marketplace", "worker",
        "--pool=prefork", f"--concurrency={concurrency}", f"--prefetch-multiplier={prefetch}",
        f"--loglevel={loglevel}", f"--hostname={hostname}",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
    ]  # fmt: skip
    worker = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while hostname not in (app.control.inspect([hostname], timeout=0.5).ping() or {}):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the Celery worker did not start")
    return worker


def process_tree_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) used so far by a process and its children, read from /proc
    (Linux; None elsewhere). It shows what the send path costs whatever else the machine runs.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    try:
        while pending:
            current = pending.pop()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            pending.extend(int(child) for child in children)
            # After the ")" that ends the process name: utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    except (OSError, ValueError, IndexError):
        return None
    return total


def queue_and_wait(count: int, tag: str) -> float:
    """notify() `count` recipients in one transaction; seconds from commit to the last
    acceptance (the last row's sent_at)."""
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from notifications.models import Notification, NotificationStatus
    from notifications.services import Recipient, notify

    recipients = [
        Recipient(email=f"{tag}-{i}@example.org", language="de" if i % 2 else "en")
        for i in range(count)
    ]
    started: list = []
    with transaction.atomic():
        # Registered first, so it runs first after the commit: the moment the rows are queued,
        # before notify()'s own callback publishes the tasks.
        transaction.on_commit(lambda: started.append(timezone.now()))
        notify(kind="mail_test", recipients=recipients, context={}, event_key=tag)
    rows = Notification.objects.filter(event_key=tag)
    deadline = time.monotonic() + 60 + count / 50
    while rows.filter(status=NotificationStatus.SENT).count() < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"not all sent: {rows.values_list('status').distinct()}")
        time.sleep(0.05)
    last = rows.aggregate(last=Max("sent_at"))["last"]
    return (last - started[0]).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--prefetch-multiplier",
        type=int,
        default=1,
        help="the worker's prefetch multiplier (the project's setting is 1)",
    )
    parser.add_argument("--worker-loglevel", default="warning")
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        return run_sink(args.sink)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        raise SystemExit("set DATABASE_URL=postgres://... and REDIS_URL=redis://.../<db>")

    port = free_port()
    sink = start_sink(port)
    setup_django(f"smtp://127.0.0.1:{port}")
    from django.db import connection

    from marketplace.celery import app

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"] = {**connection.settings_dict["TEST"], "NAME": f"{name}_bench"}
    bench_db = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    worker = None
    try:
        app.control.purge()
        sink_cpu_before = process_tree_cpu_seconds(sink.pid)
        raw, raw_cpu = raw_rate(args.count)
        sink_cpu_raw = process_tree_cpu_seconds(sink.pid)

        env = {
            **os.environ,
            "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + bench_db,
        }
        worker = start_worker(args.concurrency, args.prefetch_multiplier, args.worker_loglevel, env)
        queue_and_wait(100, "warm-up")  # worker processes open their DB and SMTP connections
        cpu_before = process_tree_cpu_seconds(worker.pid)
        sink_cpu_warm = process_tree_cpu_seconds(sink.pid)
        seconds = queue_and_wait(args.count, "run")
        cpu_after = process_tree_cpu_seconds(worker.pid)
        sink_cpu_run = process_tree_cpu_seconds(sink.pid)
        pipeline = args.count / seconds
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        accepted = stop_sink(sink)
        connection.creation.destroy_test_db(name, verbosity=0)

    ratio = pipeline / raw
    expected = 2 * args.count + 100
    print(
        f"e-mails:       {args.count} raw + 100 warm-up + {args.count} through the pipeline; "
        f"the sink accepted {accepted} of {expected}"
    )
    print(
        f"raw loop:      {raw:8.1f} e-mails/s  (Django send_mail over one SMTP connection, "
        "one process)"
    )
    print(
        f"pipeline:      {pipeline:8.1f} e-mails/s  (queued -> accepted; 1 worker, prefork, "
        f"concurrency {args.concurrency})"
    )
    print(f"ratio:         {ratio:8.2f}  (pipeline / raw)")
    if None not in (cpu_before, cpu_after, sink_cpu_before, sink_cpu_raw, sink_cpu_run):
        # CPU per e-mail does not depend on what else runs on the machine, unlike the rates.
        worker_ms = (cpu_after - cpu_before) / args.count * 1000
        sink_raw_ms = (sink_cpu_raw - sink_cpu_before) / args.count * 1000
        sink_run_ms = (sink_cpu_run - sink_cpu_warm) / args.count * 1000
        print(
            f"CPU per e-mail: raw loop {raw_cpu * 1000:.2f} ms + sink {sink_raw_ms:.2f} ms; "
            f"pipeline worker {worker_ms:.2f} ms (all its processes) + sink {sink_run_ms:.2f} ms"
        )
    ok = pipeline >= TARGET_RATE and ratio >= TARGET_RATIO
    print(
        f"targets:       >= {TARGET_RATE:.0f} e-mails/s and >= {TARGET_RATIO:.1f} x raw: "
        + ("met" if ok else "NOT met")
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
