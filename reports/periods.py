"""The period a report covers: whole months, from a first to a last month (both inclusive) -
a calendar year, a quarter, or any range such as a funding period 01/2020-12/2022."""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 12 * 10
EARLIEST_YEAR = 2000


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    first_month: dt.date  # the 1st of the first month
    last_month: dt.date  # the 1st of the last month

    @property
    def start_date(self) -> dt.date:
        return self.first_month

    @property
    def end_date(self) -> dt.date:
        """The day after the period (exclusive)."""
        return _next_month(self.last_month)

    @property
    def last_day(self) -> dt.date:
        return self.end_date - dt.timedelta(days=1)

    def _midnight(self, day: dt.date) -> dt.datetime:
        zone = ZoneInfo(settings.TIME_ZONE)
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone)

    @property
    def start(self) -> dt.datetime:
        """Midnight at the start, Berlin time (aware)."""
        return self._midnight(self.start_date)

    @property
    def end(self) -> dt.datetime:
        """Midnight after the last day, Berlin time (aware, exclusive)."""
        return self._midnight(self.end_date)

    @property
    def months(self) -> list[dt.date]:
        months, month = [], self.first_month
        while month <= self.last_month:
            months.append(month)
            month = _next_month(month)
        return months

    @property
    def from_param(self) -> str:
        return f"{self.first_month:%Y-%m}"

    @property
    def until_param(self) -> str:
        return f"{self.last_month:%Y-%m}"

    @property
    def query(self) -> str:
        return f"from={self.from_param}&until={self.until_param}"

    @property
    def label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.first_month:%m/%Y}"
        return f"{self.first_month:%m/%Y}–{self.last_month:%m/%Y}"

    @property
    def slug(self) -> str:
        return f"{self.from_param}_{self.until_param}"


def _month(value: str, field: str) -> dt.date:
    match = MONTH.match(value or "")
    if not match:
        raise InvalidInput(_("Bitte einen Monat als JJJJ-MM angeben."), field=field)
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and EARLIEST_YEAR <= year <= 2100):
        raise InvalidInput(_("Diesen Monat gibt es nicht."), field=field)
    return dt.date(year, month, 1)


def period_from_params(params) -> Period:
    """The period of `from` and `until` (YYYY-MM, both inclusive); without them the current
    calendar year. Raises InvalidInput for anything else."""
    raw_from, raw_until = params.get("from") or "", params.get("until") or ""
    if not raw_from and not raw_until:
        return year_period(timezone.localdate().year)
    first = _month(raw_from, "from")
    last = _month(raw_until, "until") if raw_until else first
    if last < first:
        raise InvalidInput(_("Der letzte Monat liegt vor dem ersten."), field="until")
    period = Period(first, last)
    if len(period.months) > MAX_MONTHS:
        raise InvalidInput(_("Ein Bericht umfasst höchstens zehn Jahre."), field="until")
    return period


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 1))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(dt.date(year, first, 1), dt.date(year, first + 2, 1))
