"""The network report for a period, and the same report limited to one organisation.

Every figure comes from aggregate queries over the domain apps' selectors, grouped by the pair
of organisations involved, so that the per-organisation table and the cooperating pairs come
from the same rows: one query per figure group - volunteering, lending, referrals (with their
interview and hire steps as subqueries), donations, receipts - each over one kind of booking and
the date that places it in time (a partial covering index per kind: bookings/models.py). They
run as the parts of one statement that adds their rows up per pair, per organisation and for
the network (sums.py), so that Python reads some 2,500 sums instead of 11,000 pair rows. Then
the month-by-month counts (one UNION, a part per kind; on PostgreSQL a range count per month
from each kind's index), the members, the people, the hour rates: five queries whatever the
number of organisations, bookings or donations (and those of the groups other apps count,
extensions.py).

Attribution, so that the per-organisation table adds up: what happens between a company and a
social organisation counts for the company on the giving side (volunteers sent, loans given,
referrals received, donations given) and for the social organisation on the receiving side; the
companies' rows (with private donors as one row) sum to the totals, and so do the social
organisations' rows. A cooperating pair counts once on each side.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import BookingKind, BookingState
from bookings.selectors import (
    booking_ids_stepped_into,
    bookings_for_reports,
    cooperations_by_kind,
    dated,
    hired,
    hours_confirmed,
    loan_days,
    loan_handed_over,
    referral_made,
    volunteer_done,
)
from donations.models import DonationKind
from donations.selectors import donations_received, receipts_in_force
from marketplace.models import OrganisationKind, OrganisationStatus
from marketplace.selectors import (
    organisations_as_of,
    people_with_account_as_of,
    suspensions_between,
    volunteer_hour_rates,
)

from . import extensions
from .periods import Period
from .sums import Sums, add_up

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
PRIVATE_DONORS = "private"

# (key, label, definition, unit) of every figure, in the order the page and the exports show
# them. Units: count, hours, euros.
GROUPS: list[tuple[str, str, list[tuple[str, str, str, str]]]] = [
    (
        "members",
        gettext_lazy("Mitglieder"),
        [
            (
                "companies",
                gettext_lazy("Unternehmen"),
                gettext_lazy("Freigegebene Unternehmen am Ende des Zeitraums."),
                "count",
            ),
            (
                "social_organisations",
                gettext_lazy("Soziale Organisationen"),
                gettext_lazy("Freigegebene soziale Organisationen am Ende des Zeitraums."),
                "count",
            ),
            (
                "joined",
                gettext_lazy("neu beigetreten"),
                gettext_lazy("Organisationen, die im Zeitraum zum ersten Mal freigegeben wurden."),
                "count",
            ),
            (
                "left",
                gettext_lazy("ausgeschieden"),
                gettext_lazy(
                    "Freigegebene Organisationen, die im Zeitraum gesperrt wurden und es am Ende "
                    "noch sind."
                ),
                "count",
            ),
            (
                "people",
                gettext_lazy("Personen mit Konto"),
                gettext_lazy(
                    "Aktive Personen, die am Ende des Zeitraums einer Organisation angehören."
                ),
                "count",
            ),
        ],
    ),
    (
        "volunteering",
        gettext_lazy("Freiwilligeneinsätze"),
        [
            (
                "volunteer_bookings",
                gettext_lazy("durchgeführte Einsätze"),
                gettext_lazy(
                    "Gebuchte Freiwilligeneinsätze mit Termin im Zeitraum, die stattgefunden "
                    "haben (stornierte, abgelehnte, abgelaufene zählen nie)."
                ),
                "count",
            ),
            (
                "volunteers",
                gettext_lazy("entsandte Freiwillige"),
                gettext_lazy("Freiwillige in diesen Einsätzen (wie gemeldet, sonst wie gebucht)."),
                "count",
            ),
            (
                "hours_confirmed",
                gettext_lazy("bestätigte Stunden"),
                gettext_lazy("Geleistete Stunden, die die soziale Organisation bestätigt hat."),
                "hours",
            ),
            (
                "hours_unconfirmed",
                gettext_lazy("noch unbestätigte Stunden"),
                gettext_lazy(
                    "Vom Unternehmen gemeldete Stunden, die noch nicht bestätigt sind (nicht in "
                    "der Summe der bestätigten)."
                ),
                "hours",
            ),
            (
                "hours_value",
                gettext_lazy("Wert der bestätigten Stunden"),
                gettext_lazy(
                    "Bestätigte Stunden mal dem Stundensatz der Koordination, der am Tag des "
                    "Einsatzes galt."
                ),
                "euros",
            ),
        ],
    ),
    (
        "lending",
        gettext_lazy("Ausleihen"),
        [
            (
                "loans",
                gettext_lazy("übergebene Ausleihen"),
                gettext_lazy(
                    "Ausleihen, die im Zeitraum übergeben wurden; eine Ausleihe zählt einmal, im "
                    "Monat der Übergabe."
                ),
                "count",
            ),
            (
                "unit_days",
                gettext_lazy("Stück-Tage"),
                gettext_lazy("Ausgeliehene Stück mal Tage der Ausleihe, für diese Ausleihen."),
                "count",
            ),
            (
                "items",
                gettext_lazy("verschiedene Gegenstände"),
                gettext_lazy("Verschiedene Angebote zum Ausleihen unter diesen Ausleihen."),
                "count",
            ),
            (
                "borrowers",
                gettext_lazy("ausleihende Organisationen"),
                gettext_lazy("Verschiedene Organisationen, die ausgeliehen haben."),
                "count",
            ),
        ],
    ),
    (
        "jobs",
        gettext_lazy("Stellen"),
        [
            (
                "referrals",
                gettext_lazy("Vermittlungen"),
                gettext_lazy("Im Zeitraum eingereichte Empfehlungen (ohne zurückgezogene)."),
                "count",
            ),
            (
                "interviews",
                gettext_lazy("Vorstellungsgespräche"),
                gettext_lazy("Vermittlungen, die im Zeitraum ins Gespräch gingen."),
                "count",
            ),
            (
                "hires",
                gettext_lazy("Einstellungen"),
                gettext_lazy(
                    "Vermittlungen, die im Zeitraum zu einer Einstellung führten (ohne Daten der "
                    "Personen)."
                ),
                "count",
            ),
        ],
    ),
    (
        "donations",
        gettext_lazy("Spenden"),
        [
            (
                "money",
                gettext_lazy("Geldspenden"),
                gettext_lazy("Geldzuwendungen mit bestätigtem Eingang und Datum im Zeitraum."),
                "euros",
            ),
            (
                "goods",
                gettext_lazy("Sachspenden (Wert)"),
                gettext_lazy(
                    "Sachzuwendungen mit bestätigtem Eingang, zum angegebenen Wert, im Zeitraum."
                ),
                "euros",
            ),
            (
                "receipts",
                gettext_lazy("Zuwendungsbestätigungen"),
                gettext_lazy(
                    "Im Zeitraum ausgestellte, nicht stornierte Bestätigungen (eine stornierte "
                    "und neu ausgestellte zählt einmal)."
                ),
                "count",
            ),
            (
                "donor_companies",
                gettext_lazy("spendende Unternehmen"),
                gettext_lazy("Verschiedene Unternehmen mit bestätigter Spende im Zeitraum."),
                "count",
            ),
            (
                "private_donors",
                gettext_lazy("private Spender*innen"),
                gettext_lazy("Verschiedene Privatpersonen mit bestätigter Spende (nur die Zahl)."),
                "count",
            ),
        ],
    ),
    (
        "cooperations",
        gettext_lazy("Kooperationen"),
        [
            (
                "pairs",
                gettext_lazy("kooperierende Paare"),
                gettext_lazy(
                    "Paare aus einem Unternehmen und einer sozialen Organisation mit mindestens "
                    "einem durchgeführten Einsatz, einer übergebenen Ausleihe, einer Einstellung "
                    "oder einer bestätigten Spende im Zeitraum."
                ),
                "count",
            ),
            (
                "new_pairs",
                gettext_lazy("davon neue Paare"),
                gettext_lazy("Paare, die vor dem Zeitraum noch nie kooperiert hatten."),
                "count",
            ),
        ],
    ),
]
# After these, the groups that other apps count once they exist (events and working groups:
# extensions.NETWORK_LIFE); until then each shows as "not recorded yet" with its definitions.

# Columns of the per-organisation table: figures that add up across organisations.
TABLE_KEYS = [
    "volunteer_bookings",
    "volunteers",
    "hours_confirmed",
    "hours_unconfirmed",
    "hours_value",
    "loans",
    "unit_days",
    "referrals",
    "interviews",
    "hires",
    "money",
    "goods",
    "receipts",
    "partners",
    "new_partners",
]
TABLE_LABELS = {
    "partners": gettext_lazy("Partner"),
    "new_partners": gettext_lazy("neue Partner"),
}
COOPERATION_KINDS = [
    (BookingKind.VOLUNTEER, gettext_lazy("Freiwilligeneinsätze")),
    (BookingKind.EQUIPMENT, gettext_lazy("Ausleihen")),
    (BookingKind.JOB, gettext_lazy("Einstellungen")),
    ("donation", gettext_lazy("Spenden")),
]


def _all_figures() -> list[tuple[str, str, str, str]]:
    own = [figure for _group, _title, figures in GROUPS for figure in figures]
    return own + [figure for group in extensions.GROUPS for figure in group.figures]


def units() -> dict[str, str]:
    return {key: unit for key, _l, _d, unit in _all_figures()} | {
        "partners": "count",
        "new_partners": "count",
    }


def label_of(key: str) -> str:
    for figure_key, label, _definition, _unit in _all_figures():
        if figure_key == key:
            return str(label)
    return str(TABLE_LABELS[key])


@dataclass
class Figure:
    key: str
    label: str
    definition: str
    unit: str
    value: int | Decimal


@dataclass
class FigureGroup:
    key: str
    title: str
    figures: list[Figure]
    pending: bool = False
    # a pending group's figures to come: (label, definition) each
    planned: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class OrganisationRow:
    id: int | None  # None: the private donors
    name: str
    kind: str
    values: dict[str, int | Decimal]


@dataclass
class Pair:
    company_id: int
    social_id: int
    company: str
    social: str
    weight: int  # cooperations in the period
    new: bool


@dataclass
class Report:
    period: Period
    organisation: object | None  # the organisation of an organisation's report
    totals: dict[str, int | Decimal]
    groups: list[FigureGroup]
    rows: list[OrganisationRow] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    monthly: dict[str, list[int]] = field(default_factory=dict)  # kind -> count per month
    hour_rate: Decimal | None = None

    @property
    def company_rows(self) -> list[OrganisationRow]:
        return [row for row in self.rows if row.kind != OrganisationKind.SOCIAL]

    @property
    def social_rows(self) -> list[OrganisationRow]:
        return [row for row in self.rows if row.kind == OrganisationKind.SOCIAL]


def _in(period: Period, name: str, *, dates: bool = False) -> Q:
    if dates:
        return Q(**{f"{name}__gte": period.start_date, f"{name}__lt": period.end_date})
    return Q(**{f"{name}__gte": period.start, f"{name}__lt": period.end})


def _involving(organisation, provider: str, requester: str) -> Q:
    if organisation is None:
        return Q()
    return Q(**{provider: organisation.pk}) | Q(**{requester: organisation.pk})


def _rate_windows(period: Period, rates) -> list[tuple[Decimal, dt.datetime, dt.datetime | None]]:
    """The hour rates in force during the period, each with the moments it applies from and
    until (None: the period's end); a rate applies from its day on, Berlin time, and an hour
    before the first rate is worth nothing."""
    zone = period.start.tzinfo
    starts = [dt.datetime.combine(rate.valid_from, dt.time(), tzinfo=zone) for rate in rates]
    euros = [ZERO, *(rate.euros for rate in rates)]
    windows = []
    for value, begin, until in zip(euros, [None, *starts], [*starts, None], strict=True):
        if (until is not None and until <= period.start) or (
            begin is not None and begin >= period.end
        ):
            continue
        begin = period.start if begin is None else max(begin, period.start)
        windows.append((value, begin, until if until is not None and until < period.end else None))
    return windows


class _MonthIndex(Func):
    """The month of the period (0 for the first) a moment or a date falls in, Berlin time.
    PostgreSQL finds it by a binary search over the months' starts (width_bucket), which costs a
    fraction of truncating every row's moment to its month in another time zone; elsewhere a
    CASE over the same starts."""

    output_field = IntegerField()
    arity = 1

    def __init__(self, expression, period: Period, *, dates: bool = False):
        super().__init__(expression)
        self.dates = dates
        if dates:
            self.starts = list(period.months)
        else:
            zone = period.start.tzinfo
            self.starts = [
                dt.datetime.combine(month, dt.time(), tzinfo=zone) for month in period.months
            ]

    def as_sql(self, compiler, connection, **extra):
        moment, params = compiler.compile(self.source_expressions[0])
        ops = connection.ops
        adapt = ops.adapt_datefield_value if self.dates else ops.adapt_datetimefield_value
        whens, values = [], []
        for index, following in enumerate(self.starts[1:]):
            whens.append(f"WHEN {moment} < %s THEN {index}")
            values += [*params, adapt(following)]
        if not whens:
            return "0", []
        return f"(CASE {' '.join(whens)} ELSE {len(self.starts) - 1} END)", values

    def as_postgresql(self, compiler, connection, **extra):
        moment, params = compiler.compile(self.source_expressions[0])
        array = "date[]" if self.dates else "timestamptz[]"
        return f"(width_bucket({moment}, %s::{array}) - 1)", [*params, self.starts]


def _donations_by_month(donations, period: Period):
    return (
        donations.annotate(
            of=Value("donation"), month=_MonthIndex(F("donated_on"), period, dates=True)
        )
        .values_list("of", "month")
        .annotate(n=Count("id"))
        .order_by()
    )


# the kind (a parameter), the month's index and its bounds (two arrays), for a LATERAL count
_EACH_MONTH = (
    "SELECT %s, CAST(month.i AS integer) - 1, counted.n FROM unnest(%s::timestamptz[], "
    "%s::timestamptz[]) WITH ORDINALITY AS month(since, until, i)"
)


def _monthly_by_range(bookings, donations, period: Period) -> list[tuple]:
    """(kind, month, count) on PostgreSQL: each kind of booking counted month by month as one
    index-only range count per month (a LATERAL join over the months' bounds), which costs
    less than putting every booking in its month and grouping (about 40 % less on the
    benchmark's data); donations, which have no such index, as a grouping."""
    zone = period.start.tzinfo
    since = [dt.datetime.combine(month, dt.time(), tzinfo=zone) for month in period.months]
    until = [*since[1:], period.end]
    parts, params = [], []
    for kind, condition, date in cooperations_by_kind():
        counted = (
            bookings.filter(
                condition,
                **{
                    f"{date}__gte": RawSQL("month.since", [], output_field=DateTimeField()),
                    f"{date}__lt": RawSQL("month.until", [], output_field=DateTimeField()),
                },
            )
            .order_by()
            .values_list("id")
        )
        sql, counted_params = counted.query.get_compiler(using=counted.db).as_sql()
        counting = f"SELECT COUNT(*) AS n FROM ({sql}) AS booking"  # noqa: S608
        parts.append(f"{_EACH_MONTH} CROSS JOIN LATERAL ({counting}) AS counted")
        params += [kind, since, until, *counted_params]
    sql, donation_params = (
        _donations_by_month(donations, period).query.get_compiler(using=donations.db).as_sql()
    )
    parts.append(sql)
    params += donation_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"({part})" for part in parts), params)
        return cursor.fetchall()


def _rows(queryset) -> list[tuple]:
    """The rows of a values_list() query whose annotations follow its fields. On PostgreSQL
    straight from the cursor: psycopg already gives ints and Decimals, and Django's converters,
    called for every value, cost more than the grouping itself for a few thousand rows."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def build_report(period: Period, *, organisation=None, with_table: bool = True) -> Report:
    """The report for `period`: the network's, or limited to `organisation` (what involves it).
    A fixed number of queries (five, and the extensions') whatever the data's size."""
    only = organisation
    start, end = period.start, period.end
    bookings = bookings_for_reports().filter(_involving(only, "provider_id", "requester_id"))

    # One query per kind of booking, each grouped by pair over that kind's own date (and its
    # own index); each also tells whether the pair cooperated that way before the period.
    # They run as the parts of one statement that adds them up (sums.py).
    rates = volunteer_hour_rates()
    # Inside each query, which holds only that kind and only until the period's end, what
    # took place in the period is what is dated from its start on.
    done = dated(BookingKind.VOLUNTEER, start)
    # Confirmed hours summed per rate in force, valued after summing: cheaper than the
    # database valuing every row (a CASE and a multiplication per booking).
    windows = _rate_windows(period, rates)
    hours_by_rate = {
        f"hours_{index}": Sum(
            "hours_given",
            filter=hours_confirmed() & dated(BookingKind.VOLUNTEER, begin, until),
        )
        for index, (_euros, begin, until) in enumerate(windows)
    }
    volunteering = (
        bookings.filter(volunteer_done(end=end))
        .values_list("provider_id", "requester_id")
        .annotate(
            n=Count("id", filter=done),
            volunteers=Sum(Coalesce("volunteers_given", "volunteers"), filter=done),
            unconfirmed=Sum("hours_given", filter=done & ~hours_confirmed()),
            before=Count("id", filter=dated(BookingKind.VOLUNTEER, end=start)),
            **hours_by_rate,
        )
        .order_by()
    )

    lent = dated(BookingKind.EQUIPMENT, start)
    lending = (
        bookings.filter(loan_handed_over(end=end))
        .values_list("provider_id", "requester_id", "listing_id")
        .annotate(
            n=Count("id", filter=lent),
            unit_days=Sum(F("units") * loan_days(), filter=lent),
            before=Count("id", filter=dated(BookingKind.EQUIPMENT, end=start)),
        )
        .order_by()
    )

    # referrals, and interviews and hires from the referrals' steps in the period (a referral
    # counts once however many such steps it has)
    jobs = (
        bookings.filter(kind=BookingKind.JOB)
        .values_list("provider_id", "requester_id")
        .annotate(
            referrals=Count("id", filter=referral_made(start, end)),
            interviews=Count(
                "id",
                filter=Q(id__in=booking_ids_stepped_into(BookingState.INTERVIEWING, start, end)),
            ),
            hires=Count(
                "id", filter=Q(id__in=booking_ids_stepped_into(BookingState.HIRED, start, end))
            ),
            before=Count("id", filter=hired(end=start)),
        )
        .order_by()
    )

    # donations, by donor and recipient, in the period and before it (whether the pair
    # cooperated through donations before), the private donors, the receipts
    donations = donations_received().filter(
        _in(period, "donated_on", dates=True),
        _involving(only, "donor_organisation_id", "recipient_id"),
    )
    given = (
        donations_received()
        .filter(donated_on__lt=period.end_date)
        .filter(_involving(only, "donor_organisation_id", "recipient_id"))
        .annotate(
            before=Case(
                When(donated_on__lt=period.start_date, then=Value(True)),
                default=Value(False),
            )
        )
        .values_list("donor_organisation_id", "recipient_id", "before")
        .annotate(
            money=Sum("amount", filter=Q(kind=DonationKind.MONEY)),
            goods=Sum("amount", filter=Q(kind=DonationKind.GOODS)),
            n=Count("id"),
        )
        .order_by()
    )
    receipts = (
        receipts_in_force()
        .filter(
            _in(period, "issued_on", dates=True),
            _involving(only, "donor_organisation_id", "organisation_id"),
        )
        .values_list("donor_organisation_id", "organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    private_donors = (
        donations.filter(donor_organisation_id__isnull=True).values_list("donor_key").order_by()
    )
    sums = add_up(
        {
            "volunteering": volunteering,
            "lending": lending,
            "jobs": jobs,
            "donations": given,
            "receipts": receipts,
            "private_donors": private_donors,
        },
        [euros for euros, _begin, _until in windows],
    )
    weights, earlier = sums.weights, sums.earlier

    # month by month per kind of cooperation (one query: each kind counted over its own date,
    # and the companies' donations)
    companies_gave = donations.filter(donor_organisation_id__isnull=False)
    if connection.vendor == "postgresql":
        monthly_rows = _monthly_by_range(bookings, companies_gave, period)
    else:
        months = [
            bookings.filter(condition)
            .annotate(of=Value(kind), month=_MonthIndex(F(date), period))
            .values_list("of", "month")
            .annotate(n=Count("id"))
            .order_by()
            for kind, condition, date in cooperations_by_kind(start, end)
        ]
        months.append(_donations_by_month(companies_gave, period))
        monthly_rows = _rows(months[0].union(*months[1:], all=True))
    count = len(period.months)
    monthly = {kind: [0] * count for kind, _label in COOPERATION_KINDS}
    for kind, month, n in monthly_rows:
        if 0 <= month < count:
            monthly[kind][month] += n

    # members and the organisations' names (two queries)
    organisations = list(
        organisations_as_of(period.end)
        .annotate(
            left=Q(pk__in=suspensions_between(period.start, period.end).values("organisation_id")),
            # whether it joined in the period, asked of the database: reading 500 moments back
            # costs more than comparing them there
            joined=Q(first_approved_at__gte=start, first_approved_at__lt=end),
        )
        .values("id", "name", "kind", "status_at", "joined", "left")
        .order_by("name", "id")
    )
    approved = [org for org in organisations if org["status_at"] == OrganisationStatus.APPROVED]
    people = people_with_account_as_of(period.end)
    if only is not None:
        people = people.filter(memberships__organisation=only)
    totals = dict(sums.totals)
    totals.update(
        companies=sum(org["kind"] == OrganisationKind.COMPANY for org in approved),
        social_organisations=sum(org["kind"] == OrganisationKind.SOCIAL for org in approved),
        joined=sum(bool(org["joined"]) for org in organisations),
        left=sum(
            bool(org["left"]) and org["status_at"] != OrganisationStatus.APPROVED
            for org in organisations
        ),
        people=people.count(),
        pairs=len(weights),
        new_pairs=sum(1 for pair in weights if pair not in earlier),
    )
    # the groups other apps count (extensions.py), where they are there yet
    pending_keys = []
    for group in extensions.GROUPS:
        source = extensions.source_of(group.key)
        keys = [key for key, _label, _definition, _unit in group.figures]
        if source is None:
            pending_keys += keys
            continue
        counted = source(period, only)
        totals.update({key: counted.get(key, 0) for key in keys})
    totals = _normalised(totals, [key for key in _UNIT_OF if key not in pending_keys])
    if only is not None:  # an organisation's own report: no counts of the whole network
        for key in NETWORK_ONLY:
            totals.pop(key)

    names = {org["id"]: org for org in organisations}
    rows = []
    if with_table:
        rows = _table(sums, names, approved, only)
    return Report(
        period=period,
        organisation=only,
        totals=totals,
        groups=_groups(totals, only),
        rows=rows,
        pairs=_pairs(weights, earlier, names),
        monthly=monthly,
        hour_rate=rates[-1].euros if rates else None,
    )


NETWORK_ONLY = ("companies", "social_organisations", "joined", "left")


_UNIT_OF = units()
_EXACT = ("hours", "euros")
_EXACT_KEYS = frozenset(key for key, unit in _UNIT_OF.items() if unit in _EXACT)


def _normalised(values: dict, keys=_UNIT_OF) -> dict:
    """Every figure present (or those of `keys`); hours and euros as Decimal with two places,
    counts as int."""
    result = {}
    for key in keys:
        value = values.get(key) or 0
        if key in _EXACT_KEYS:
            result[key] = (value if type(value) is Decimal else Decimal(value)).quantize(CENT)
        else:
            result[key] = value if type(value) is int else int(value)
    return result


def _groups(totals: dict, only) -> list[FigureGroup]:
    groups = []
    for key, title, figures in GROUPS:
        shown = [
            Figure(
                key=figure_key,
                label=str(label),
                definition=str(definition),
                unit=unit,
                value=totals[figure_key],
            )
            for figure_key, label, definition, unit in figures
            if figure_key in totals
        ]
        groups.append(FigureGroup(key=key, title=str(title), figures=shown))
    for group in extensions.GROUPS:
        figures = [
            Figure(
                key=key, label=str(label), definition=str(definition), unit=unit, value=totals[key]
            )
            for key, label, definition, unit in group.figures
            if key in totals
        ]
        planned = [(str(label), str(definition)) for _k, label, definition, _u in group.figures]
        groups.append(
            FigureGroup(
                key=group.key,
                title=str(group.title),
                figures=figures,
                pending=not figures,
                planned=[] if figures else planned,
            )
        )
    return groups


def _table(sides: Sums, names: dict, approved: list, only) -> list[OrganisationRow]:
    """One row per member organisation (approved at the end, or active in the period); the
    private donors as one row on the giving side."""
    ids = {org["id"] for org in approved} | set(sides.giving) | set(sides.receiving)
    ids.discard(PRIVATE_DONORS)
    ids.discard(None)
    if only is not None:
        ids = {only.pk}
    rows = []
    for org_id in ids:
        org = names.get(org_id)
        if org is None:
            continue
        source = sides.receiving if org["kind"] == OrganisationKind.SOCIAL else sides.giving
        values = _row_values(source.get(org_id, {}))
        rows.append(OrganisationRow(id=org_id, name=org["name"], kind=org["kind"], values=values))
    rows.sort(key=lambda row: (row.name.lower(), row.id))
    if None in sides.giving and only is None:
        values = _row_values(sides.giving[None])
        rows.append(
            OrganisationRow(
                id=None, name=_("Private Spender*innen"), kind=PRIVATE_DONORS, values=values
            )
        )
    return rows


def _row_values(source: dict) -> dict:
    return _normalised(source, TABLE_KEYS)


def _pairs(weights: dict, earlier: set, names: dict) -> list[Pair]:
    """The pairs of the period, most cooperations first (sorted as tuples, then made Pairs:
    there are thousands)."""
    rows = []
    for (giver, receiver), weight in weights.items():
        company, social = names.get(giver), names.get(receiver)
        if company is not None and social is not None:
            rows.append((-weight, company["name"], social["name"], giver, receiver))
    rows.sort()
    return [
        Pair(
            company_id=giver,
            social_id=receiver,
            company=company,
            social=social,
            weight=-weight,
            new=(giver, receiver) not in earlier,
        )
        for weight, company, social, giver, receiver in rows
    ]
