"""Weekdays in the reader's language, for e-mails and pages: `{{ days|weekday_names }}` turns
ISO weekday numbers ([1, 2, 3]) into "Mo, Di, Mi" (German) or "Mon, Tue, Wed" (English), and
all seven into "täglich" / "daily"."""

from django import template

from marketplace.weekdays import weekday_names

register = template.Library()
register.filter("weekday_names", weekday_names)
