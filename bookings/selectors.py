"""Reads of bookings that the API, pages and reports share.

A booking is visible to the members of its two organisations and to the coordinator; everyone
else is told it does not exist (404).
"""

import datetime as dt

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.errors import InvalidInput, NotAllowed, NotFound
from marketplace.models import Membership, Organisation, OrganisationKind, User

from .models import (
    Booking,
    BookingEvent,
    BookingKind,
    BookingMessage,
    BookingState,
    CalendarFeedToken,
)


def bookings_visible_to(user: User) -> QuerySet[Booking]:
    """Bookings the person may see, each annotated with `as_requester` and `as_provider`
    (whether the person belongs to that side). One query; memberships are subqueries."""
    return visible_to_sides(Booking, user)


def visible_to_sides(model, user: User) -> QuerySet:
    """Rows of `model` (a booking or a group of them: anything with a requester and a provider)
    the person may see: the coordinator all, members those of their organisations' sides, each
    annotated with `as_requester` and `as_provider`."""
    if not user.is_authenticated:
        return model.objects.none()
    mine = Membership.objects.filter(user=user)
    queryset = model.objects.annotate(
        as_requester=Exists(mine.filter(organisation_id=OuterRef("requester_id"))),
        as_provider=Exists(mine.filter(organisation_id=OuterRef("provider_id"))),
    )
    if user.is_coordinator:
        return queryset
    own = mine.values("organisation_id")
    return queryset.filter(Q(requester_id__in=own) | Q(provider_id__in=own))


EVENTS = BookingEvent.objects.select_related("by").order_by("at", "id")


def bookings_for_display(user: User) -> QuerySet[Booking]:
    """Visible bookings with everything the API shows, in a constant number of queries."""
    return (
        bookings_visible_to(user)
        .select_related("listing", "requester", "provider", "slot")
        .prefetch_related(Prefetch("events", queryset=EVENTS))
    )


def booking_or_404(user: User, pk: int) -> Booking:
    """One booking as bookings_for_display() shows it; NotFound when `user` may not see it
    (the API and the pages alike)."""
    booking = bookings_for_display(user).filter(pk=pk).first()
    if booking is None:
        raise NotFound(_("Buchung nicht gefunden."))
    return booking


def messages_of(booking: Booking) -> QuerySet[BookingMessage]:
    return (
        BookingMessage.objects.filter(booking=booking)
        .select_related("author", "organisation")
        .order_by("created_at", "id")
    )


def requesting_organisation(user: User, organisation_id: int | None) -> Organisation:
    """The organisation a person books for: the one named, or their only social organisation.

    Raises InvalidInput when none is named and the person has none or several, NotAllowed when
    the person does not belong to the one named.
    """
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    if organisation_id is not None:
        membership = memberships.filter(organisation_id=organisation_id).first()
        if membership is None:
            raise NotAllowed(_("Sie können nur für eine Organisation buchen, der Sie angehören."))
        return membership.organisation
    social = [m.organisation for m in memberships if m.organisation.kind == OrganisationKind.SOCIAL]
    if len(social) != 1:
        raise InvalidInput(
            _("Bitte angeben, für welche Organisation Sie buchen."), field="organisation"
        )
    return social[0]


# States in which a booking's dates stand (confirmed, under way or done), for the calendar feed.
CALENDAR_STATES = [
    BookingState.CONFIRMED,
    BookingState.COMPLETED,
    BookingState.HOURS_CONFIRMED,
    BookingState.HANDED_OVER,
    BookingState.OVERDUE,
    BookingState.RETURNED,
    BookingState.LOST,
]
# How far back the feed reaches: enough for "when was that?", small enough to stay fast.
CALENDAR_PAST = dt.timedelta(days=366)


def feed_token_of(user: User) -> CalendarFeedToken | None:
    """The person's calendar feed token, if they made one."""
    return CalendarFeedToken.objects.filter(user=user).first()


def feed_owner(token: str) -> User | None:
    """The active person whose calendar feed this token opens, or None (unknown, replaced)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    found = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    return found.user if found is not None else None


def bookings_for_calendar(user: User) -> QuerySet[Booking]:
    """The confirmed (or later) volunteer slots and loans of every organisation the person
    belongs to, on either side, from a year ago on; one query with what the .ics needs."""
    own = Membership.objects.filter(user=user).values("organisation_id")
    return (
        Booking.objects.filter(Q(requester_id__in=own) | Q(provider_id__in=own))
        .filter(
            kind__in=[BookingKind.VOLUNTEER, BookingKind.EQUIPMENT],
            state__in=CALENDAR_STATES,
            starts_at__gte=timezone.now() - CALENDAR_PAST,
        )
        .select_related("listing__equipment", "requester", "provider", "slot")
        .annotate(event_count=Count("events"))
        .order_by("starts_at", "id")
    )


# --- reads for the reports (reports/ aggregates these; it writes nothing) ----------------------


class _DaysBetween(Func):
    """Whole days from one date to another, as an integer, on PostgreSQL and SQLite."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is an integer
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def loan_days() -> Func:
    """The days a loan lasts, as a database expression over a booking's loan dates.

    THE one place that knows how loan dates count: `pickup_on` and `return_on` are both
    inclusive, so a loan picked up on Monday and brought back on Wednesday lasts three days, and
    a same-day loan one.
    """
    return _DaysBetween(F("return_on"), F("pickup_on")) + 1


# What counts as a cooperation that took place: a volunteer action carried out (completed, with
# or without confirmed hours), a loan handed over, a referral that led to a hire. Cancelled,
# declined, expired, withdrawn and rejected bookings never count. Each condition below takes
# an optional [start, end) range of aware datetimes on the date that places it in time.
VOLUNTEER_DONE = [BookingState.COMPLETED, BookingState.HOURS_CONFIRMED]
LOAN_HANDED_OVER = [
    BookingState.HANDED_OVER,
    BookingState.OVERDUE,
    BookingState.RETURNED,
    BookingState.LOST,
]


def _between(field: str, start, end) -> Q:
    bounds = {}
    if start is not None:
        bounds[f"{field}__gte"] = start
    if end is not None:
        bounds[f"{field}__lt"] = end
    return Q(**bounds)


def volunteer_done(start=None, end=None) -> Q:
    """Volunteer bookings carried out, dated by the action's start (`starts_at`)."""
    return Q(kind=BookingKind.VOLUNTEER, state__in=VOLUNTEER_DONE) & _between(
        "starts_at", start, end
    )


def hours_confirmed() -> Q:
    """... whose hours the social organisation confirmed."""
    return Q(state=BookingState.HOURS_CONFIRMED)


def loan_handed_over(start=None, end=None) -> Q:
    """Loans handed over (under way, overdue or returned), dated by the hand-over."""
    return Q(
        kind=BookingKind.EQUIPMENT, state__in=LOAN_HANDED_OVER, handed_over_at__isnull=False
    ) & _between("handed_over_at", start, end)


def referral_made(start=None, end=None) -> Q:
    """Referrals submitted and not withdrawn by the referrer, dated by the submission."""
    return (
        Q(kind=BookingKind.JOB)
        & ~Q(state=BookingState.WITHDRAWN)
        & _between("created_at", start, end)
    )


def hired(start=None, end=None) -> Q:
    """Referrals that led to a hire, dated by the hire (`ended_at`)."""
    return Q(kind=BookingKind.JOB, state=BookingState.HIRED, ended_at__isnull=False) & _between(
        "ended_at", start, end
    )


def cooperation(start=None, end=None) -> Q:
    """Any booking that took place, in [start, end): what makes a company and a social
    organisation a cooperating pair."""
    return volunteer_done(start, end) | loan_handed_over(start, end) | hired(start, end)


# The field that dates each kind of cooperation (the conditions above use the same ones).
COOPERATION_DATE = {
    BookingKind.VOLUNTEER: "starts_at",
    BookingKind.EQUIPMENT: "handed_over_at",
    BookingKind.JOB: "ended_at",
}


def cooperation_date() -> Case:
    """The moment a booking took place: the action's start, the hand-over, the hire."""
    return Case(
        When(kind=BookingKind.EQUIPMENT, then=F(COOPERATION_DATE[BookingKind.EQUIPMENT])),
        When(kind=BookingKind.JOB, then=F(COOPERATION_DATE[BookingKind.JOB])),
        default=F(COOPERATION_DATE[BookingKind.VOLUNTEER]),
    )


def dated(kind: str, start=None, end=None) -> Q:
    """Among bookings of `kind` that took place (the condition above), those dated in
    [start, end) by that kind's date: the cheaper test once a query holds only those."""
    return _between(COOPERATION_DATE[kind], start, end)


def cooperations_by_kind(start=None, end=None) -> list[tuple[str, Q, str]]:
    """cooperation() split by kind: (kind, the condition, the field dating it) for each, so that
    a report can count each kind over its own date (and its own index) instead of one CASE."""
    return [
        (
            BookingKind.VOLUNTEER,
            volunteer_done(start, end),
            COOPERATION_DATE[BookingKind.VOLUNTEER],
        ),
        (
            BookingKind.EQUIPMENT,
            loan_handed_over(start, end),
            COOPERATION_DATE[BookingKind.EQUIPMENT],
        ),
        (BookingKind.JOB, hired(start, end), COOPERATION_DATE[BookingKind.JOB]),
    ]


def bookings_for_reports() -> QuerySet[Booking]:
    """Every booking, for the reports to aggregate with the conditions above (read only)."""
    return Booking.objects.all()


def referral_steps(to_states: list[str]) -> QuerySet[BookingEvent]:
    """Steps of referrals into `to_states` (interviewing, hired), dated by `at`; never any
    candidate data."""
    return BookingEvent.objects.filter(booking__kind=BookingKind.JOB, to_state__in=to_states)


def booking_ids_stepped_into(to_state: str, start, end) -> QuerySet[BookingEvent]:
    """Ids of the bookings that stepped into `to_state` in [start, end) (aware datetimes), as a
    subquery; the caller limits the bookings (to referrals, say). No join: the index on the
    steps' (to_state, at) answers it alone."""
    return BookingEvent.objects.filter(to_state=to_state, at__gte=start, at__lt=end).values(
        "booking_id"
    )
