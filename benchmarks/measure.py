"""What the benchmarks measure with: latency percentiles and the CPU each process spent.

CPU milliseconds per request (gunicorn, PostgreSQL, the benchmark's own clients) depend far
less on what else runs on this shared 2-core machine than requests per second do, so the
benchmarks print both.
"""

import os
import subprocess
from pathlib import Path


def p95(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[int(0.95 * (len(ordered) - 1))] * 1000


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system CPU seconds of each of these processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone
        times[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return times


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots; a process that ended in between is left out (its
    last share is lost, a slight undercount), one that started counts from zero."""
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


def server_pids(server: subprocess.Popen) -> list[int]:
    """gunicorn's master and workers."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        children = []
    return [server.pid, *map(int, children)]


def backend_pids(database: str) -> list[int]:
    """PostgreSQL backends serving the benchmark database (gunicorn's kept connections)."""
    import psycopg

    # Through the server's own database: the URL's one may be a name the benchmark derives from.
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
    return [row[0] for row in rows]
