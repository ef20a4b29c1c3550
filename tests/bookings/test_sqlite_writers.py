"""On the embedded default (SQLite in a file) twenty requests race for the last place and the
last unit: exactly one gets each, the others a clean Conflict, and nothing is over-allocated.

SQLite has no row locks: the capacity service's select_for_update() is a no-op there, so what
serialises the writers is the settings' BEGIN IMMEDIATE (with the busy timeout to wait). The
first test shows the race is real: with the default BEGIN DEFERRED the concurrent requests read
the offer together, the first to write wins and every other one fails with "database is
locked" (an HTTP 500 at the API), however long the busy timeout. SQLite itself refuses to commit
a write made on a stale read, so even then nothing is over-allocated: the danger is errors,
not double bookings.

Runs in both suites, whatever DATABASE_URL says: the in-memory SQLite test database cannot show
this (its threads share one cache), so each run is a subprocess (tests/support/
sqlite_writers_race.py) with the embedded settings (marketplace.settings.dev, no REDIS_URL,
tasks in-process) on a file in tmp_path, migrated once per module and copied for each test.
"""

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "support" / "sqlite_writers_race.py"
THREADS = 20
# Each request waits this long after reading the offer (as a busy server would), so they overlap.
LINGER = "0.05"
# Only what a shell needs: no DATABASE_URL, REDIS_URL, CELERY_* or EMAIL_URL of the suite.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def _run(database: Path, *arguments: str) -> dict:
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.dev",  # manage.py's, as `make run` uses
        DATABASE_URL=f"sqlite:///{database}",
        KIEZMARKT_VAR_DIR=str(database.parent / "var"),  # e-mails and uploads stay in tmp
    )
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("sqlite-writers") / "template.sqlite3"
    _run(database, "migrate")
    return database


@pytest.fixture
def database(migrated, tmp_path) -> Path:
    copy = tmp_path / "race.sqlite3"
    with (
        contextlib.closing(sqlite3.connect(migrated)) as source,
        contextlib.closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
    return copy


def race(database: Path, *arguments: str) -> dict:
    return _run(database, "race", "--threads", str(THREADS), "--linger", LINGER, *arguments)


def _embedded(result: dict) -> None:
    assert result["settings_module"] == "marketplace.settings.dev"
    assert result["journal_mode"] == "wal"
    assert result["busy_timeout_ms"] == 20_000
    assert result["has_select_for_update"] is False  # no row locks: only BEGIN IMMEDIATE helps
    assert result["task_always_eager"] is True
    assert result["redis_url"] == ""


def _nothing_over_allocated(result: dict) -> None:
    slot = result["slot"]["database"]
    assert slot["held"] <= slot["available"] == 1
    assert slot["promised"] == slot["held"] == slot["bookings"]
    item = result["item"]["database"]
    assert item["double_lent"] == []
    assert max(item["allocations_per_day"].values()) <= item["quantity"] == 1
    assert item["units_held"] == item["bookings"] <= 1


CLEAN = {"granted": 1, "Conflict": THREADS - 1}


def test_with_begin_deferred_the_writers_that_lose_fail_with_database_is_locked(database):
    result = race(database, "--transaction-mode", "DEFERRED")

    _embedded(result)
    assert result["transaction_mode"] == "DEFERRED"
    for offer in ("slot", "item"):
        outcomes = result[offer]["outcomes"]
        assert result[offer]["unfinished"] == 0
        assert outcomes != CLEAN, offer
        assert outcomes.get("OperationalError: database is locked", 0) >= 1, outcomes
        assert set(outcomes) <= {"granted", "Conflict", "OperationalError: database is locked"}
    _nothing_over_allocated(result)


def test_with_the_settings_begin_immediate_the_last_place_and_unit_go_to_one_of_twenty(database):
    result = race(database)

    _embedded(result)
    assert result["transaction_mode"] == "IMMEDIATE"
    assert result["slot"]["outcomes"] == CLEAN, result["slot"]["tracebacks"]
    assert result["item"]["outcomes"] == CLEAN, result["item"]["tracebacks"]
    _nothing_over_allocated(result)
    assert result["slot"]["database"] == {"available": 1, "held": 1, "bookings": 1, "promised": 1}
    assert result["item"]["database"]["bookings"] == 1
    # They queued for the write lock, each holding it past its lingering read: one at a time.
    for offer in ("slot", "item"):
        assert result[offer]["seconds"] >= THREADS * float(LINGER), result[offer]
