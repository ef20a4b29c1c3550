"""How a booking's dates read in its e-mails and in-app notices (bookings.notices.when)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bookings.models import Booking, BookingKind
from bookings.notices import when
from listings.models import VolunteerSlot

BERLIN = ZoneInfo("Europe/Berlin")


def _volunteer_booking(start: dt.datetime, end: dt.datetime) -> Booking:
    return Booking(kind=BookingKind.VOLUNTEER, slot=VolunteerSlot(start=start, end=end))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(
            dt.datetime(2026, 12, 11, 10, 0, tzinfo=BERLIN),
            dt.datetime(2026, 12, 11, 16, 0, tzinfo=BERLIN),
            "11.12.2026, 10:00–16:00",
            id="same day",
        ),
        pytest.param(
            dt.datetime(2026, 12, 11, 20, 30, tzinfo=BERLIN),
            dt.datetime(2026, 12, 12, 2, 30, tzinfo=BERLIN),
            "11.12.2026, 20:30 – 12.12.2026, 02:30",
            id="past midnight",
        ),
    ],
)
def test_an_action_reads_date_comma_time_whether_or_not_it_ends_on_another_day(
    settings, start, end, expected
):
    # An evening action running past midnight was written "11.12.2026 20:30 – ..." (no comma),
    # so the start read differently from a daytime action's.
    settings.TIME_ZONE = "Europe/Berlin"

    assert when(_volunteer_booking(start, end)) == expected
