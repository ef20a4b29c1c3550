"""Hand-over days of an equipment item: the weekdays (ISO numbers, 1 = Monday … 7 = Sunday)
and the optional hours at which it is picked up and brought back.

A loan's pickup day and return day must both be such a day; the availability calendar marks
the other days closed. The words are the reader's (Django's weekday abbreviations: "Mo, Di"
in German, "Mon, Tue" in English).
"""

import datetime as dt

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from marketplace.weekdays import ALL_WEEKDAYS, weekday_names


def all_weekdays() -> list[int]:
    """The default: every day (a callable, so each item gets its own list)."""
    return list(ALL_WEEKDAYS)


def weekday_choices() -> list[tuple[int, str]]:
    return [(day, str(WEEKDAYS_ABBR[day - 1])) for day in ALL_WEEKDAYS]


def is_handover_day(item, day: dt.date) -> bool:
    return day.isoweekday() in item.handover_weekdays


def hours_text(item) -> str:
    """ "09:00–17:00", or "" when the item names no hours."""
    if item.handover_opens_at is None or item.handover_closes_at is None:
        return ""
    return f"{item.handover_opens_at:%H:%M}–{item.handover_closes_at:%H:%M}"


def handover_text(item) -> str:
    """The days and hours in one line: "Mo, Di, Mi, 09:00–17:00"; every day: "täglich"."""
    days = weekday_names(item.handover_weekdays)
    hours = hours_text(item)
    return f"{days}, {hours}" if hours else days


def closed_days_message(item) -> str:
    return _("Abholung und Rückgabe nur %(days)s.") % {
        "days": weekday_names(item.handover_weekdays)
    }
