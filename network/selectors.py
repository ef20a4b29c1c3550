"""Reads of the network that the API, the pages, the tasks and the reports share.

Visibility lives in one place, `events_visible_to()`: who may see which event.
- Anyone, also without an account: published, held or cancelled public events.
- Network members (people in an approved organisation): also members-only events, and group
  events (visibility "group") of working groups they are active members of.
- Hosts (members of a host organisation, the creator) and the coordinator: also drafts; the
  coordinator sees everything.
Everything else is a 404 for the caller (marketplace.errors.NotFound), never a 403.
"""

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone

from marketplace.models import Membership, Organisation, OrganisationStatus, User
from marketplace.selectors import network_member_condition

from .models import (
    Event,
    EventSeries,
    EventState,
    EventVisibility,
    GroupMembership,
    GroupMembershipState,
    GroupRole,
    Minutes,
    OrganisationAttendance,
    Registration,
    RegistrationState,
    Station,
)

SHOWN_STATES = [EventState.PUBLISHED, EventState.HELD, EventState.CANCELLED]
OPEN_STATES = [RegistrationState.REGISTERED, RegistrationState.WAITING]


def _my_organisation_ids(user: User):
    return Membership.objects.filter(user=user).values("organisation_id")


def _hosted_by_me(user: User) -> Q:
    return Q(
        Exists(
            Event.hosts.through.objects.filter(
                event_id=OuterRef("pk"), organisation_id__in=_my_organisation_ids(user)
            )
        )
    ) | Q(created_by=user)


def _active_group_ids(user: User):
    return GroupMembership.objects.filter(person=user, state=GroupMembershipState.ACTIVE).values(
        "group_id"
    )


def events_visible_to(user: User) -> QuerySet[Event]:
    """Every event the person may see (see the module's docstring)."""
    events = Event.objects.all()
    public = Q(state__in=SHOWN_STATES, visibility=EventVisibility.PUBLIC)
    if not user.is_authenticated:
        return events.filter(public)
    if user.is_coordinator:
        return events
    member = network_member_condition(user)
    if member is False:
        return events.filter(public | _hosted_by_me(user))
    shown = Q(state__in=SHOWN_STATES) & (
        Q(visibility=EventVisibility.PUBLIC)
        | Q(visibility=EventVisibility.MEMBERS)
        | Q(visibility=EventVisibility.GROUP, group_id__in=_active_group_ids(user))
    )
    return events.filter(Q(member) & shown | public | _hosted_by_me(user))


def visible_event(user: User, pk: int) -> Event | None:
    """One event the person may see, with its working group (what minutes need), or None."""
    return events_visible_to(user).select_related("group").filter(pk=pk).first()


def event_for(user: User, pk: int) -> Event | None:
    """One event the person may see, with what its page and the API show, or None."""
    return events_for_display(user).filter(pk=pk).first()


def events_for_display(user: User) -> QuerySet[Event]:
    """events_visible_to() with what a list shows, in a constant number of queries: hosts
    prefetched, `my_state` (the person's open registration for the event itself, or None) and
    `i_host` annotated."""
    events = events_visible_to(user).select_related("group", "series")
    if user.is_authenticated:
        mine = Registration.objects.filter(
            event=OuterRef("pk"), person=user, station__isnull=True, state__in=OPEN_STATES
        )
        events = events.annotate(
            my_state=mine.values("state")[:1],
            i_host=Value(True)
            if user.is_coordinator
            else ExpressionWrapper(_hosted_by_me(user), output_field=BooleanField()),
        )
    return events.prefetch_related("hosts")


def can_host(user: User, event: Event) -> bool:
    """Whether the person runs the event: the coordinator, the creator, or a member of one of
    its host organisations (an AG meeting: also the group's leads)."""
    if not user.is_authenticated:
        return False
    if user.is_coordinator or event.created_by_id == user.pk:
        return True
    if event.group_id and is_group_lead(user, event.group_id):
        return True
    return Membership.objects.filter(user=user, organisation__in=event.hosts.values("pk")).exists()


def is_group_lead(user: User, group_id: int) -> bool:
    return GroupMembership.objects.filter(
        group_id=group_id, person=user, role=GroupRole.LEAD, state=GroupMembershipState.ACTIVE
    ).exists()


def is_group_member(user: User, group_id: int) -> bool:
    return GroupMembership.objects.filter(
        group_id=group_id, person=user, state=GroupMembershipState.ACTIVE
    ).exists()


def registrations_of(event: Event) -> QuerySet[Registration]:
    """The event's registrations (all stations) in the waiting order, for the hosts."""
    return (
        Registration.objects.filter(event=event)
        .select_related("person", "organisation", "station")
        .order_by("created_at", "id")
    )


def waiting_list_of(event: Event, station: Station | None = None) -> QuerySet[Registration]:
    return registrations_of(event).filter(state=RegistrationState.WAITING, station=station)


def registrations_of_person(user: User) -> QuerySet[Registration]:
    return Registration.objects.filter(person=user).select_related(
        "event", "station", "organisation"
    )


def open_registration(user: User, event: Event, station: Station | None = None):
    return (
        Registration.objects.filter(
            event=event, station=station, person=user, state__in=OPEN_STATES
        )
        .select_related("organisation")
        .first()
    )


def stations_of(event: Event) -> QuerySet[Station]:
    return Station.objects.filter(event=event).select_related("host").order_by("starts_at", "id")


def series_visible_to(user: User) -> QuerySet[EventSeries]:
    """A series is visible where one of its occurrences is."""
    return EventSeries.objects.filter(
        Exists(events_visible_to(user).filter(series_id=OuterRef("pk")))
    )


def invitation_recipients(event: Event) -> QuerySet[User]:
    """Who is invited when the event is published: the active members of the group for a
    group event, else every person of an approved organisation (the optional kind lets each
    switch it off)."""
    if event.visibility == EventVisibility.GROUP and event.group_id:
        return User.objects.filter(
            is_active=True,
            group_memberships__group_id=event.group_id,
            group_memberships__state=GroupMembershipState.ACTIVE,
        ).distinct()
    return User.objects.filter(
        Exists(
            Membership.objects.filter(
                user=OuterRef("pk"), organisation__status=OrganisationStatus.APPROVED
            )
        ),
        is_active=True,
    )


def upcoming_public_events() -> QuerySet[Event]:
    return Event.objects.filter(
        state=EventState.PUBLISHED,
        visibility=EventVisibility.PUBLIC,
        ends_at__gt=timezone.now(),
    ).prefetch_related("hosts")


def approved_organisation_of(user: User, organisation_id: int) -> Organisation | None:
    """One of the person's approved organisations, or None."""
    return Organisation.objects.filter(
        pk=organisation_id, status=OrganisationStatus.APPROVED, memberships__user=user
    ).first()


def registered_events_for_feed(user: User, *, since) -> QuerySet[Event]:
    """Events the person holds a seat at (for the event or one of its stations), ending after
    `since`, published or held; one query."""
    if not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.filter(
        Exists(
            Registration.objects.filter(
                event=OuterRef("pk"), person=user, state=RegistrationState.REGISTERED
            )
        ),
        state__in=[EventState.PUBLISHED, EventState.HELD],
        ends_at__gte=since,
    ).order_by("starts_at", "id")


# --- read by the reports (reports/apps.py wires it into reports.extensions) -------------------


def network_life_figures(period, organisation: Organisation | None = None) -> dict[str, int]:
    """The network's meetings for a report period ([period.start, period.end), aware):
    `meetings_held`, events starting in the period that were held (cancelled ones never), and
    `organisations_attending`, the distinct organisations with somebody there - marked present
    at the door, counted per organisation, or named in the minutes as taking part. For one
    organisation: the meetings it hosted or attended, and itself if it attended. Two queries."""
    held = Event.objects.filter(
        state=EventState.HELD, starts_at__gte=period.start, starts_at__lt=period.end
    )
    present = [
        Registration.objects.filter(event__in=held, attended=True),
        OrganisationAttendance.objects.filter(event__in=held, count__gt=0),
        Minutes.organisations.through.objects.filter(minutes__event__in=held),
    ]
    if organisation is not None:
        held = held.filter(
            Q(hosts=organisation)
            | Q(registrations__organisation=organisation, registrations__attended=True)
            | Q(attendance_counts__organisation=organisation, attendance_counts__count__gt=0)
            | Q(minutes__organisations=organisation)
        ).distinct()
        present = [rows.filter(organisation=organisation) for rows in present]
    # No ORDER BY inside a UNION (the models order by default).
    first, *others = [rows.values("organisation_id").order_by() for rows in present]
    return {
        "meetings_held": held.count(),
        "organisations_attending": len({row["organisation_id"] for row in first.union(*others)}),
    }
