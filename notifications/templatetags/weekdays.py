"""Weekdays in the reader's language, for e-mails and pages: `{{ days|weekday_names }}` turns
ISO weekday numbers ([1, 2, 3]) into "Mo, Di, Mi" (German) or "Mon, Tue, Wed" (English), and
all seven into "täglich" / "daily"."""

from django import template
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def weekday_names(days) -> str:
    try:
        numbers = sorted({int(day) for day in days or ()})
    except (TypeError, ValueError):
        return ""
    if numbers == [1, 2, 3, 4, 5, 6, 7]:
        return _("täglich")
    return ", ".join(str(WEEKDAYS_ABBR[day - 1]) for day in numbers if 1 <= day <= 7)
