"""The network report for a period, and the same report limited to one organisation.

Every figure comes from aggregate queries over the domain apps' selectors, grouped by the pair
of organisations involved, so that the per-organisation table and the cooperating pairs come
from the same rows: one pass over the bookings for all booking figures, one over the referrals'
steps, one each for donations, donors and receipts, the month-by-month counts, the members - a
constant number of queries (about a dozen) whatever the number of organisations, bookings or
donations. Python only adds up the grouped rows.

Attribution, so that the per-organisation table adds up: what happens between a company and a
social organisation counts for the company on the giving side (volunteers sent, loans given,
referrals received, donations given) and for the social organisation on the receiving side; the
companies' rows (with private donors as one row) sum to the totals, and so do the social
organisations' rows. A cooperating pair counts once on each side.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.models import BookingKind, BookingState
from bookings.selectors import (
    bookings_for_reports,
    cooperation,
    cooperation_date,
    hours_confirmed,
    loan_days,
    loan_handed_over,
    referral_made,
    referral_steps,
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

from .periods import Period

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
# The network-life issue (events, working groups) fills this group once it lands: meetings
# held, organisations attending. Until then it shows as "not recorded yet".
PENDING_GROUPS = [("network_life", gettext_lazy("Veranstaltungen und Arbeitsgruppen"))]

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


def units() -> dict[str, str]:
    return {key: unit for _group, _title, figures in GROUPS for key, _l, _d, unit in figures} | {
        "partners": "count",
        "new_partners": "count",
    }


def label_of(key: str) -> str:
    for _group, _title, figures in GROUPS:
        for figure_key, label, _definition, _unit in figures:
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


def _rate_case(period: Period, rates) -> Case | Value:
    """The hour rate in force at each booking's start (rates set from a day on)."""
    if not rates:
        return Value(ZERO, output_field=DecimalField(max_digits=9, decimal_places=2))
    whens = [
        When(
            starts_at__gte=dt.datetime.combine(
                rate.valid_from, dt.time(), tzinfo=period.start.tzinfo
            ),
            then=Value(rate.euros),
        )
        for rate in reversed(rates)
    ]
    return Case(
        *whens,
        default=Value(ZERO),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )


class _MonthIndex(Func):
    """The month of the period (0 for the first) a moment falls in, Berlin time. PostgreSQL
    finds it by a binary search over the months' starts (width_bucket), which costs a fraction
    of truncating every row's moment to its month in another time zone; elsewhere a CASE over
    the same starts."""

    output_field = IntegerField()
    arity = 1

    def __init__(self, expression, period: Period):
        super().__init__(expression)
        zone = period.start.tzinfo
        self.starts = [
            dt.datetime.combine(month, dt.time(), tzinfo=zone) for month in period.months
        ]

    def as_sql(self, compiler, connection, **extra):
        moment, params = compiler.compile(self.source_expressions[0])
        adapt = connection.ops.adapt_datetimefield_value
        whens, values = [], []
        for index, following in enumerate(self.starts[1:]):
            whens.append(f"WHEN {moment} < %s THEN {index}")
            values += [*params, adapt(following)]
        if not whens:
            return "0", []
        return f"(CASE {' '.join(whens)} ELSE {len(self.starts) - 1} END)", values

    def as_postgresql(self, compiler, connection, **extra):
        moment, params = compiler.compile(self.source_expressions[0])
        return f"(width_bucket({moment}, %s::timestamptz[]) - 1)", [*params, self.starts]


# The buckets of the one pass over the bookings.
NOTHING, CONFIRMED, UNCONFIRMED, LENT, REFERRED, BEFORE = range(6)


class _Sides:
    """Per-organisation sums on the giving side (companies) and the receiving side (social
    organisations), and the network totals, from pair rows."""

    def __init__(self):
        self.giving: dict = defaultdict(lambda: defaultdict(int))
        self.receiving: dict = defaultdict(lambda: defaultdict(int))
        self.totals: dict = defaultdict(int)

    def add(self, giver, receiver, key: str, value) -> None:
        if not value:
            return
        self.giving[giver if giver is not None else PRIVATE_DONORS][key] += value
        self.receiving[receiver][key] += value
        self.totals[key] += value

    def add_row(self, giver, receiver, row: dict, keys) -> None:
        """add() for several figures of one pair row at once (the hot loop of a big report)."""
        giving = self.giving[giver if giver is not None else PRIVATE_DONORS]
        receiving, totals = self.receiving[receiver], self.totals
        for key in keys:
            value = row[key]
            if value:
                giving[key] += value
                receiving[key] += value
                totals[key] += value


def build_report(period: Period, *, organisation=None, with_table: bool = True) -> Report:
    """The report for `period`: the network's, or limited to `organisation` (what involves it).
    A fixed number of queries (about a dozen) whatever the data's size."""
    sides = _Sides()
    only = organisation

    # Every booking figure, the cooperations of the period and the pairs that cooperated
    # before it, by pair of organisations: one pass over the bookings (one query).
    rates = volunteer_hour_rates()
    volunteering = volunteer_done(period.start, period.end)
    confirmed = volunteering & hours_confirmed()
    lent = loan_handed_over(period.start, period.end)
    value = ExpressionWrapper(
        F("hours_given") * _rate_case(period, rates),
        output_field=DecimalField(max_digits=14, decimal_places=4),
    )
    bookings = bookings_for_reports().filter(_involving(only, "provider_id", "requester_id"))
    weights: dict[tuple, int] = defaultdict(int)
    earlier: set[tuple] = set()
    # Each booking falls in one bucket (the first that applies), so the database decides once
    # per row which figure it feeds and sums without a filter per figure.
    bucket = Case(
        When(confirmed, then=Value(CONFIRMED)),
        When(volunteering, then=Value(UNCONFIRMED)),
        When(lent, then=Value(LENT)),
        When(referral_made(period.start, period.end), then=Value(REFERRED)),
        When(cooperation(end=period.start), then=Value(BEFORE)),
        default=Value(NOTHING),
        output_field=IntegerField(),
    )
    lent_items: set = set()
    borrowers: set = set()
    for giver, receiver, kind, item, n, volunteers, hours, hours_value, unit_days in (
        # Only rows some figure counts: what took place until the period's end, and referrals.
        bookings.filter(cooperation(end=period.end) | referral_made(period.start, period.end))
        .annotate(
            bucket=bucket,
            # the item of a loan of the period (for the distinct items lent), else none
            item=Case(When(lent, then=F("listing_id")), output_field=IntegerField()),
        )
        .values_list("provider_id", "requester_id", "bucket", "item")
        .annotate(
            n=Count("id"),
            volunteers=Sum(Coalesce("volunteers_given", "volunteers")),
            hours=Sum("hours_given"),
            hours_value=Sum(value),
            unit_days=Sum(F("units") * loan_days()),
        )
        .order_by()
    ):
        pair = giver, receiver
        if kind == BEFORE:
            earlier.add(pair)
            continue
        if kind in (CONFIRMED, UNCONFIRMED):
            figures = {
                "volunteer_bookings": n,
                "volunteers": volunteers,
                "hours_confirmed" if kind == CONFIRMED else "hours_unconfirmed": hours,
            }
            if kind == CONFIRMED:
                figures["hours_value"] = hours_value
        elif kind == LENT:
            figures = {"loans": n, "unit_days": unit_days}
            lent_items.add(item)
            borrowers.add(receiver)
        elif kind == REFERRED:
            sides.add(giver, receiver, "referrals", n)
            continue
        else:
            continue
        sides.add_row(giver, receiver, figures, figures)
        weights[pair] += n

    # interviews and hires from the referrals' steps (one query)
    for row in (
        referral_steps([BookingState.INTERVIEWING, BookingState.HIRED])
        .filter(
            _in(period, "at"), _involving(only, "booking__provider_id", "booking__requester_id")
        )
        .values("booking__provider_id", "booking__requester_id")
        .annotate(
            interviews=Count(
                "booking_id", distinct=True, filter=Q(to_state=BookingState.INTERVIEWING)
            ),
            hires=Count("booking_id", distinct=True, filter=Q(to_state=BookingState.HIRED)),
        )
        .order_by()
    ):
        pair = giver, receiver = row["booking__provider_id"], row["booking__requester_id"]
        sides.add(giver, receiver, "interviews", row["interviews"])
        sides.add(giver, receiver, "hires", row["hires"])
        if row["hires"]:
            weights[pair] += row["hires"]

    # donations, by donor and recipient, and the pairs that cooperated through donations before
    # the period (one query), donors (one query), receipts (one query)
    donations = donations_received().filter(
        _in(period, "donated_on", dates=True),
        _involving(only, "donor_organisation_id", "recipient_id"),
    )
    donation_pairs: dict[tuple, int] = {}
    for giver, receiver, before, money, goods, n in (
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
    ):
        if before:
            if giver is not None:
                earlier.add((giver, receiver))
            continue
        sides.add(giver, receiver, "money", Decimal(money or 0))
        sides.add(giver, receiver, "goods", Decimal(goods or 0))
        if giver is not None:
            donation_pairs[(giver, receiver)] = n
    donors = donations.aggregate(
        companies=Count("donor_organisation_id", distinct=True),
        private=Count("donor_key", distinct=True, filter=Q(donor_organisation_id__isnull=True)),
    )
    for row in (
        receipts_in_force()
        .filter(
            _in(period, "issued_on", dates=True),
            _involving(only, "donor_organisation_id", "organisation_id"),
        )
        .values("donor_organisation_id", "organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        sides.add(row["donor_organisation_id"], row["organisation_id"], "receipts", row["n"])

    for pair, n in donation_pairs.items():
        weights[pair] += n
    for giver, receiver in weights:
        sides.add(giver, receiver, "partners", 1)
        sides.add(giver, receiver, "new_partners", 0 if (giver, receiver) in earlier else 1)

    # month by month per kind of cooperation (two queries)
    month_index = {month: i for i, month in enumerate(period.months)}
    monthly = {kind: [0] * len(month_index) for kind, _label in COOPERATION_KINDS}
    for row in (
        bookings.filter(cooperation(period.start, period.end))
        .annotate(month=_MonthIndex(cooperation_date(), period))
        .values("month", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if 0 <= row["month"] < len(month_index):
            monthly[row["kind"]][row["month"]] += row["n"]
    for row in (
        donations.filter(donor_organisation_id__isnull=False)
        .annotate(month=TruncMonth("donated_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    ):
        month = _as_month(row["month"])
        if month in month_index:
            monthly["donation"][month_index[month]] += row["n"]

    # members and the organisations' names (two queries)
    organisations = list(
        organisations_as_of(period.end)
        .annotate(
            left=Q(pk__in=suspensions_between(period.start, period.end).values("organisation_id"))
        )
        .values("id", "name", "kind", "status_at", "first_approved_at", "left")
        .order_by("name", "id")
    )
    approved = [org for org in organisations if org["status_at"] == OrganisationStatus.APPROVED]
    people = people_with_account_as_of(period.end)
    if only is not None:
        people = people.filter(memberships__organisation=only)
    totals = dict(sides.totals)
    start, end = period.start, period.end
    totals.update(
        companies=sum(org["kind"] == OrganisationKind.COMPANY for org in approved),
        social_organisations=sum(org["kind"] == OrganisationKind.SOCIAL for org in approved),
        joined=sum(
            org["first_approved_at"] is not None and start <= org["first_approved_at"] < end
            for org in organisations
        ),
        left=sum(
            bool(org["left"]) and org["status_at"] != OrganisationStatus.APPROVED
            for org in organisations
        ),
        people=people.count(),
        items=len(lent_items),
        borrowers=len(borrowers),
        donor_companies=donors["companies"],
        private_donors=donors["private"],
        pairs=len(weights),
        new_pairs=sum(1 for pair in weights if pair not in earlier),
    )
    totals = _normalised(totals)
    if only is not None:  # an organisation's own report: no counts of the whole network
        for key in NETWORK_ONLY:
            totals.pop(key)

    names = {org["id"]: org for org in organisations}
    rows = []
    if with_table:
        rows = _table(sides, names, approved, only)
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


def _normalised(values: dict, keys=_UNIT_OF) -> dict:
    """Every figure present (or those of `keys`); hours and euros as Decimal with two places,
    counts as int."""
    result = {}
    for key in keys:
        value = values.get(key) or 0
        result[key] = Decimal(value).quantize(CENT) if _UNIT_OF[key] in _EXACT else int(value)
    return result


def _as_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date() if value.tzinfo is None else dt.date(value.year, value.month, 1)
    return dt.date(value.year, value.month, 1)


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
    for key, title in PENDING_GROUPS:
        groups.append(FigureGroup(key=key, title=str(title), figures=[], pending=True))
    return groups


def _table(sides: _Sides, names: dict, approved: list, only) -> list[OrganisationRow]:
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
    if PRIVATE_DONORS in sides.giving and only is None:
        values = _row_values(sides.giving[PRIVATE_DONORS])
        rows.append(
            OrganisationRow(
                id=None, name=_("Private Spender*innen"), kind=PRIVATE_DONORS, values=values
            )
        )
    return rows


def _row_values(source: dict) -> dict:
    return _normalised(source, TABLE_KEYS)


def _pairs(weights: dict, earlier: set, names: dict) -> list[Pair]:
    pairs = []
    for (giver, receiver), weight in weights.items():
        company, social = names.get(giver), names.get(receiver)
        if company is None or social is None:
            continue
        pairs.append(
            Pair(
                company_id=giver,
                social_id=receiver,
                company=company["name"],
                social=social["name"],
                weight=weight,
                new=(giver, receiver) not in earlier,
            )
        )
    pairs.sort(key=lambda pair: (-pair.weight, pair.company, pair.social))
    return pairs
