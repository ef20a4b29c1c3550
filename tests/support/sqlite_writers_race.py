"""Concurrent booking requests for the last place and the last unit on a file-based SQLite
database, with the embedded run's settings; run by tests/bookings/test_sqlite_writers.py.

    DATABASE_URL=sqlite:////tmp/race.sqlite3 python tests/support/sqlite_writers_race.py migrate
    DATABASE_URL=sqlite:////tmp/race.sqlite3 python tests/support/sqlite_writers_race.py race \
        [--transaction-mode DEFERRED] [--threads 20] [--linger 0.05]

`migrate` builds the schema. `race` adds an approved company with one published equipment item
(quantity 1) and a volunteer slot with 1 place, and an approved social organisation with
`--threads` members; then as many threads (each with its own connection, closed at its end)
call bookings.services' request services at once, first for the slot, then for the item. It
prints one JSON object: the settings in effect, the outcomes of each race (granted, Conflict,
or the error's type and message) and what the database holds afterwards.

`--transaction-mode` replaces OPTIONS["transaction_mode"] before django.setup(), to show what
the settings' IMMEDIATE prevents. `--linger` makes each request wait that long right after it
read the offer's row (listings.capacity._lock_row), as a busy server would, so the requests overlap.
"""

import argparse
import datetime as dt
import json
import os
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup(transaction_mode: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        sys.exit(f"needs a SQLite DATABASE_URL, got {database['ENGINE']}")
    if transaction_mode:
        database["OPTIONS"]["transaction_mode"] = transaction_mode

    import django

    django.setup()


def migrate() -> dict:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    return {"migrate_seconds": round(time.monotonic() - started, 2)}


def _configuration() -> dict:
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        busy_timeout_ms = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    connection.close()
    return {
        "settings_module": os.environ["DJANGO_SETTINGS_MODULE"],
        "database": connection.settings_dict["NAME"],
        "transaction_mode": connection.transaction_mode,
        "journal_mode": journal_mode,
        "busy_timeout_ms": busy_timeout_ms,
        # SQLite has no row locks: select_for_update() in listings.capacity is a no-op there.
        "has_select_for_update": connection.features.has_select_for_update,
        "task_always_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        "redis_url": settings.REDIS_URL,
        "cache_backend": settings.CACHES["default"]["BACKEND"],
    }


def _world(threads: int):
    from marketplace.models import Role
    from tests.factories import CompanyFactory, SocialOrganisationFactory, member_of
    from tests.listings.factories import EquipmentFactory, VolunteerActionFactory

    company = CompanyFactory(name="Kiezbäckerei Wassertor GmbH")
    social = SocialOrganisationFactory(name="Nachbarschaftshaus am Wassertor e.V.")
    # No passwords: the embedded settings hash them slowly (PBKDF2), and nobody signs in here.
    member_of(company, Role.ADMIN, password=None)
    members = [
        member_of(social, Role.ADMIN if n == 0 else Role.MEMBER, password=None)
        for n in range(threads)
    ]
    item = EquipmentFactory(organisation=company, quantity=1, buffer_days=1)
    slot = VolunteerActionFactory(
        organisation=company, slots=[{"volunteers_available": 1}]
    ).slots.get()
    return social, members, item, slot


def _linger(seconds: float) -> None:
    """Each capacity lock waits `seconds` after reading the offer's row."""
    from listings import capacity

    read = capacity._lock_row

    def read_and_linger(queryset, *, not_found):
        row = read(queryset, not_found=not_found)
        time.sleep(seconds)
        return row

    capacity._lock_row = read_and_linger


def _race(requests: list[dict]) -> dict:
    """Call the request's service (`request["service"]`, with the other keys as its keyword
    arguments) for each request, each in its own thread, at once."""
    from django.db import connection

    from bookings import services
    from marketplace.errors import Conflict

    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []
    samples: dict[str, str] = {}
    lock = threading.Lock()

    def run(request):
        detail = ""
        try:
            barrier.wait(timeout=30)
            service = getattr(services, request["service"])
            service(**{name: value for name, value in request.items() if name != "service"})
            outcome = "granted"
        except Conflict as error:  # Busy too: it is a Conflict (a 409 with Retry-After)
            outcome = type(error).__name__
        except Exception as error:  # anything else is what the test must see
            outcome = f"{type(error).__name__}: {error}"
            detail = traceback.format_exc(limit=-3)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)
            if detail:
                samples.setdefault(outcome, detail)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return {
        "outcomes": dict(Counter(outcomes)),
        "unfinished": sum(thread.is_alive() for thread in threads),
        "seconds": round(time.monotonic() - started, 2),
        "tracebacks": samples,
    }


def _rows(query: str, params=()) -> list[list]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [list(row) for row in cursor.fetchall()]


def _slot_in_database(slot_id: int) -> dict:
    [[available, held]] = _rows(
        "SELECT volunteers_available, volunteers_held FROM listings_volunteerslot WHERE id = %s",
        [slot_id],
    )
    [[bookings, promised]] = _rows(
        "SELECT COUNT(*), COALESCE(SUM(volunteers), 0) FROM bookings_booking "
        "WHERE slot_id = %s AND state IN ('requested', 'confirmed')",
        [slot_id],
    )
    return {"available": available, "held": held, "bookings": bookings, "promised": promised}


def _item_in_database(item_id: int, start: dt.date, end: dt.date) -> dict:
    [[quantity]] = _rows(
        "SELECT quantity FROM listings_equipment WHERE listing_ptr_id = %s", [item_id]
    )
    allocations_per_day = {}
    day = start
    while day < end:
        [[count]] = _rows(
            "SELECT COUNT(*) FROM listings_equipmentallocation WHERE item_id = %s AND start <= %s "
            'AND "end" > %s',
            [item_id, day, day],
        )
        allocations_per_day[str(day)] = count
        day += dt.timedelta(days=1)
    double_lent = _rows(
        """SELECT a.unit_number, a.start, a."end", b.start, b."end"
        FROM listings_equipmentallocation a JOIN listings_equipmentallocation b
          ON a.item_id = b.item_id AND a.unit_number = b.unit_number AND a.id < b.id
         AND a.start < b."end" AND b.start < a."end"
        WHERE a.item_id = %s""",
        [item_id],
    )
    [[bookings, units]] = _rows(
        "SELECT COUNT(*), COALESCE(SUM(units), 0) FROM bookings_booking "
        "WHERE listing_id = %s AND hold_id IS NOT NULL",
        [item_id],
    )
    return {
        "quantity": quantity,
        "allocations_per_day": allocations_per_day,
        "double_lent": double_lent,
        "bookings": bookings,
        "units_held": units,
    }


def race(threads: int, linger: float) -> dict:
    from django.db import connection
    from django.utils import timezone

    configuration = _configuration()
    social, members, item, slot = _world(threads)
    connection.close()
    if linger:
        _linger(linger)
    start = timezone.localdate() + dt.timedelta(days=4)
    end = start + dt.timedelta(days=2)  # the day after the return day
    common = {"organisation": social.pk}
    slot_race = _race(
        [
            {
                **common,
                "service": "booking_request_volunteers",
                "by": member,
                "slot": slot.pk,
                "volunteers": 1,
                "task": "Beete umgraben",
                "place": "Hof, Wassertorstraße 48",
                "contact_name": "Ayşe Yılmaz",
            }
            for member in members
        ]
    )
    item_race = _race(
        [
            {
                **common,
                "service": "booking_request_loan",
                "by": member,
                "item": item.pk,
                "units": 1,
                "pickup_on": start,
                "return_on": end - dt.timedelta(days=1),
                "purpose": "Sommerfest",
            }
            for member in members
        ]
    )
    return {
        **configuration,
        "threads": threads,
        "linger": linger,
        "slot": {**slot_race, "database": _slot_in_database(slot.pk)},
        # The item's days from the loan's start to the end of its buffer day.
        "item": {
            **item_race,
            "database": _item_in_database(item.pk, start, end + dt.timedelta(days=1)),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["migrate", "race"])
    parser.add_argument("--transaction-mode", choices=["DEFERRED", "IMMEDIATE", "EXCLUSIVE"])
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--linger", type=float, default=0.0)
    arguments = parser.parse_args()
    _setup(arguments.transaction_mode)
    if arguments.command == "migrate":
        result = migrate()
    else:
        result = race(arguments.threads, arguments.linger)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
