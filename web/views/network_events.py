"""The network's events for everyone who may see them: "Termine" (upcoming, my registrations, a
month view), an event's page (/termine/<id>/, the link in every event e-mail) with registration,
waiting list and cancelling, and the calendar files. Visitors without an account see the public
events only; what a person may not see is a 404 (network.selectors.events_visible_to).

Registering and cancelling are the network services' (one path with the API); the pages parse
the form and show the service's answer."""

import calendar
import datetime as dt
import re
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.selectors import approved_organisations_of, is_network_member
from network import calendar as event_calendars
from network.models import Event, EventKind, EventState, Registration, RegistrationState
from network.selectors import (
    can_host,
    event_for,
    events_for_display,
    events_visible_to,
    open_registration,
    registrations_of_person,
    series_visible_to,
    stations_of,
)
from network.services.registrations import registration_cancel, registration_create

from ..forms import add_domain_error
from ..forms.network_events import RegistrationForm

PAGE_SIZE = 20
STATION_FIELD = re.compile(r"s\d{1,12}-station")
OPEN = [RegistrationState.REGISTERED, RegistrationState.WAITING]
LISTED_STATES = [EventState.DRAFT, EventState.PUBLISHED, EventState.CANCELLED]


def event_or_404(request: HttpRequest, pk: int) -> Event:
    event = event_for(request.user, pk)
    if event is None:
        raise Http404(_("Diese Veranstaltung gibt es nicht."))
    return event


def may_create_events(user) -> bool:
    return user.is_authenticated and (user.is_coordinator or is_network_member(user))


def _kind_filter(request: HttpRequest) -> str:
    kind = request.GET.get("art", "")
    return kind if kind in EventKind.values else ""


def _list_context(request: HttpRequest, tab: str, **context) -> dict:
    return {
        "nav": "events",
        "tab": tab,
        "can_create": may_create_events(request.user),
        "is_member": request.user.is_authenticated,
        **context,
    }


def upcoming_events(request: HttpRequest) -> HttpResponse:
    """Upcoming events the person may see; visitors see the public ones (the public list)."""
    kind = _kind_filter(request)
    events = events_for_display(request.user).filter(
        state__in=LISTED_STATES, ends_at__gt=timezone.now()
    )
    if kind:
        events = events.filter(kind=kind)
    page = Paginator(events.order_by("starts_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("seite")
    )
    return render(
        request,
        "web/network/events/list.html",
        _list_context(request, "upcoming", page=page, kind=kind, kinds=EventKind.choices),
    )


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = (
        registrations_of_person(request.user)
        .filter(state__in=OPEN)
        .order_by("event__starts_at", "station__starts_at", "id")
    )
    return render(
        request,
        "web/network/events/mine.html",
        _list_context(
            request,
            "mine",
            upcoming=list(mine.filter(event__ends_at__gt=now)),
            past=list(
                registrations_of_person(request.user)
                .filter(state=RegistrationState.REGISTERED, event__ends_at__lte=now)
                .order_by("-event__starts_at", "-id")[:PAGE_SIZE]
            ),
        ),
    )


def _month(value: str | None) -> dt.date:
    today = timezone.localdate()
    if not value:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise Http404(_("Diesen Monat gibt es nicht.")) from None


def month_view(request: HttpRequest, month: str | None = None) -> HttpResponse:
    """A month: a small grid whose days with events link to the list of that month's events."""
    first = _month(month)
    if not 2000 <= first.year <= 2100:
        raise Http404(_("Diesen Monat gibt es nicht."))
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = timezone.make_aware(dt.datetime.combine(weeks[0][0], dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(weeks[-1][-1] + dt.timedelta(days=1), dt.time.min)
    )
    events = list(
        events_for_display(request.user)
        .filter(state__in=[*LISTED_STATES, EventState.HELD], starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "id")
    )
    by_day = defaultdict(list)
    for event in events:
        by_day[timezone.localtime(event.starts_at).date()].append(event)
    grid = [
        [
            {"day": day, "events": by_day.get(day, []), "outside": day.month != first.month}
            for day in week
        ]
        for week in weeks
    ]
    days = [(day, by_day[day]) for day in sorted(by_day) if day.month == first.month]
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "web/network/events/month.html",
        _list_context(
            request,
            "month",
            first=first,
            grid=grid,
            days=days,
            previous=f"{previous:%Y-%m}",
            following=f"{following:%Y-%m}",
            today=timezone.localdate(),
        ),
    )


# --- an event's page ----------------------------------------------------------------------------


def _registration_state(request: HttpRequest, event: Event) -> dict:
    """What the person has to do with the event: their registrations (for the event and its
    stations), their place on a waiting list, and whether they may register now."""
    user = request.user
    if not user.is_authenticated:
        return {"mine": None, "station_mine": {}, "organisations": []}
    mine = open_registration(user, event)
    station_mine = {
        registration.station_id: registration
        for registration in Registration.objects.filter(
            event=event, person=user, station__isnull=False, state__in=OPEN
        )
    }
    for registration in [mine, *station_mine.values()]:
        if registration is not None and registration.state == RegistrationState.WAITING:
            registration.position = (
                Registration.objects.filter(
                    event=event, station_id=registration.station_id, state=RegistrationState.WAITING
                )
                .filter(
                    Q(created_at__lt=registration.created_at)
                    | Q(created_at=registration.created_at, pk__lt=registration.pk)
                )
                .count()
                + 1
            )
    return {
        "mine": mine,
        "station_mine": station_mine,
        "organisations": _my_organisations(user),
    }


def _my_organisations(user):
    """The person's approved organisations (fetched once; the form's choices reuse them)."""
    organisations = approved_organisations_of(user).order_by("name", "id")
    list(organisations)  # evaluate: its cache serves the checks and every form's choices
    return organisations


def open_for_registration(event: Event) -> bool:
    now = timezone.now()
    return (
        event.state == EventState.PUBLISHED
        and event.starts_at > now
        and (event.registration_deadline is None or event.registration_deadline >= now)
    )


def event_page(request: HttpRequest, event: Event, *, form=None, station_form=None, status=200):
    state = _registration_state(request, event)
    i_host = can_host(request.user, event)
    mine = state["mine"]
    registering = open_for_registration(event) and bool(state["organisations"])
    if form is None and registering and mine is None:
        form = RegistrationForm(organisations=state["organisations"])
    stations = list(stations_of(event))
    for station in stations:
        station.mine = state["station_mine"].get(station.pk)
        station.form = None
        if registering and station.mine is None:
            bound = station_form is not None and station_form.prefix == f"s{station.pk}"
            station.form = (
                station_form
                if bound
                else RegistrationForm(
                    organisations=state["organisations"],
                    initial={"station": station.pk},
                    prefix=f"s{station.pk}",
                )
            )
    seated = mine is not None and mine.state == RegistrationState.REGISTERED
    seated = seated or any(
        registration.state == RegistrationState.REGISTERED
        for registration in state["station_mine"].values()
    )
    occurrences = []
    if event.series_id:
        occurrences = list(
            events_visible_to(request.user)
            .filter(series_id=event.series_id, starts_at__gt=timezone.now())
            .exclude(pk=event.pk)
            .order_by("starts_at")[:5]
        )
    return render(
        request,
        "web/network/events/detail.html",
        {
            "event": event,
            "hosts": list(event.hosts.all()),
            "i_host": i_host,
            "mine": mine,
            "form": form if mine is None else None,
            "stations": stations,
            "show_link": bool(event.online and event.online_link and (seated or i_host)),
            "registering": registering,
            "signed_in": request.user.is_authenticated,
            "has_organisation": bool(state["organisations"]),
            "occurrences": occurrences,
            "started": event.starts_at <= timezone.now(),
            "nav": "events",
        },
        status=status,
    )


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return event_page(request, event_or_404(request, pk))


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration form's POST (for the event or, with `station`, one of its stations)."""
    event = event_or_404(request, pk)
    # A station's form has its own prefix ("s<id>-"), so its errors show next to it.
    prefix = next(
        (key.removesuffix("-station") for key in request.POST if STATION_FIELD.fullmatch(key)),
        None,
    )
    form = RegistrationForm(
        request.POST,
        organisations=_my_organisations(request.user),
        prefix=prefix,
    )
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = registration_create(
                event=event,
                by=request.user,
                organisation_id=data["organisation"].pk,
                companions=data["companions"],
                note=data["note"],
                station_id=data.get("station"),
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            if registration.state == RegistrationState.REGISTERED:
                messages.success(
                    request,
                    _(
                        "Sie sind angemeldet. Die Bestätigung mit dem Kalendereintrag kommt "
                        "per E-Mail."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Alle Plätze sind vergeben: Sie stehen auf der Warteliste. Wird ein Platz "
                        "frei, rücken Sie automatisch nach und bekommen eine E-Mail."
                    ),
                )
            return redirect("web:event", pk=event.pk)
    if prefix:
        return event_page(request, event, station_form=form, status=status)
    return event_page(request, event, form=form, status=status)


@login_required
@require_POST
def registration_cancel_view(request: HttpRequest, pk: int, registration_id: int) -> HttpResponse:
    event = event_or_404(request, pk)
    registration = (
        registrations_of_person(request.user)
        .filter(pk=registration_id, event=event, state__in=OPEN)
        .first()
    )
    if registration is None:
        raise Http404(_("Diese Anmeldung gibt es nicht."))
    was_waiting = registration.state == RegistrationState.WAITING
    try:
        registration_cancel(registration=registration, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Sie stehen nicht mehr auf der Warteliste.")
            if was_waiting
            else _("Sie sind abgemeldet. Ihr Platz geht an die nächste Person auf der Warteliste."),
        )
    return redirect("web:event", pk=event.pk)


# --- calendar files -----------------------------------------------------------------------------


def _ics(content: bytes, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The event as a calendar file (public events for anyone); the online link only for the
    registered and the hosts."""
    event = event_or_404(request, pk)
    registration = open_registration(request.user, event) if request.user.is_authenticated else None
    with_link = can_host(request.user, event) or (
        registration is not None and registration.state == RegistrationState.REGISTERED
    )
    return _ics(
        event_calendars.event_calendar(event, with_link=with_link),
        f"termin-{event.pk}.ics",
        private=request.user.is_authenticated,
    )


def series_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """A series as one recurring entry (RRULE with its exceptions)."""
    series = series_visible_to(request.user).filter(pk=pk).first()
    if series is None:
        raise Http404(_("Diese Terminreihe gibt es nicht."))
    occurrences = list(events_visible_to(request.user).filter(series=series).order_by("starts_at"))
    return _ics(
        event_calendars.series_calendar(series, occurrences),
        f"terminreihe-{series.pk}.ics",
        private=request.user.is_authenticated,
    )
