"""Weekdays named in the reader's language: ISO numbers (1 = Monday … 7 = Sunday) become
"Mo, Di, Mi" in German or "Mon, Tue, Wed" in English, all seven "täglich" / "daily". One place
for the pages (listings' hand-over days) and the e-mails (notifications' `weekday_names`
filter), which may only import from this floor."""

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

ALL_WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)


def weekday_names(days) -> str:
    """`days` may come from JSON (a notification's context): anything not a weekday is left out,
    and what is not a list of numbers at all names nothing."""
    try:
        numbers = sorted({int(day) for day in days or ()})
    except (TypeError, ValueError):
        return ""
    if numbers == list(ALL_WEEKDAYS):
        return _("täglich")
    return ", ".join(str(WEEKDAYS_ABBR[day - 1]) for day in numbers if 1 <= day <= 7)
