"""The hosts' pages of an event: create and edit (with a simple choice of recurrence), publish,
cancel and close, the programme's stations of an open day, the list of registrations with its
CSV for the door, and taking attendance. The coordinator may do all of it for every event.

Who hosts is network.selectors.can_host, the same answer the services give: a person who may
see the event but does not host it gets a 403, one who may not see it a 404."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.errors import DomainError, NotAllowed
from marketplace.models import Organisation, OrganisationStatus
from marketplace.selectors import approved_organisations_of
from network.models import (
    Event,
    EventState,
    GroupMembershipState,
    GroupRole,
    OrganisationAttendance,
    RegistrationState,
    WorkingGroup,
)
from network.selectors import can_host, registrations_of, stations_of
from network.services.events import (
    EventDetails,
    StationDetails,
    event_cancel,
    event_close,
    event_create,
    event_of_station,
    event_publish,
    event_update,
    station_create,
    station_update,
)
from network.services.registrations import (
    event_attendance_counts_set,
    registration_attendance_set,
)
from network.services.series import series_create, series_publish

from ..forms import add_domain_error, add_validation_error
from ..forms.network_events import (
    AttendanceCountsForm,
    AttendanceForm,
    CancelEventForm,
    EventForm,
    StationForm,
)
from .network_events import event_or_404, may_create_events

DETAIL_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "online",
    "online_link",
    "capacity",
    "registration_deadline",
    "visibility",
    "group",
    "hosts",
    "hosted_by_network",
)
NULLABLE = frozenset({"capacity", "registration_deadline", "group"})


def hosted_or_error(request: HttpRequest, pk: int) -> Event:
    event = event_or_404(request, pk)
    if not can_host(request.user, event):
        raise NotAllowed(_("Nur die Gastgeber der Veranstaltung dürfen das."))
    return event


def _host_choices(user, event: Event | None = None):
    if user.is_coordinator:
        choices = Organisation.objects.filter(status=OrganisationStatus.APPROVED)
    else:
        choices = approved_organisations_of(user)
        if event is not None:  # co-hosts from other organisations stay ticked
            choices = choices | event.hosts.all()
    return choices.distinct().order_by("name", "id")


def _group_choices(user):
    if user.is_coordinator:
        return WorkingGroup.objects.order_by("name", "id")
    return WorkingGroup.objects.filter(
        memberships__person=user,
        memberships__role=GroupRole.LEAD,
        memberships__state=GroupMembershipState.ACTIVE,
    ).order_by("name", "id")


def _event_form(request: HttpRequest, event: Event | None, data=None) -> EventForm:
    initial = {}
    if event is not None:
        initial = {name: getattr(event, name) for name in DETAIL_FIELDS if name != "hosts"}
        initial["hosts"] = list(event.hosts.all())
        for name in ("starts_at", "ends_at", "registration_deadline"):
            if initial[name] is not None:
                initial[name] = timezone.localtime(initial[name])
    else:
        mine = list(approved_organisations_of(request.user).order_by("name", "id")[:2])
        initial = {"hosts": mine[:1] if len(mine) == 1 else []}
    return EventForm(
        data,
        initial=initial,
        hosts=_host_choices(request.user, event),
        groups=_group_choices(request.user),
        coordinator=request.user.is_coordinator,
        series=event is None,
    )


def _details(form: EventForm) -> tuple[EventDetails, frozenset]:
    data = form.cleaned_data
    values = {name: data[name] for name in DETAIL_FIELDS if name in data}
    values["hosts"] = list(values.get("hosts") or [])
    return EventDetails(**values), frozenset(
        name for name in NULLABLE if name in values and values[name] is None
    )


def _save(request: HttpRequest, form: EventForm, event: Event | None) -> Event:
    details, unset = _details(form)
    if event is not None:
        return event_update(event=event, by=request.user, details=details, unset=unset)
    rule = form.rrule()
    if not rule:
        return event_create(by=request.user, details=details)
    deadline = details.registration_deadline
    details.registration_deadline = None
    series = series_create(
        by=request.user,
        details=details,
        rrule=rule,
        registration_closes_before=(details.starts_at - deadline) if deadline else None,
    )
    return series.occurrences.order_by("starts_at", "id").first()


def _form_page(request: HttpRequest, event: Event | None) -> HttpResponse:
    form = _event_form(request, event, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = _save(request, form, event)
            except ValidationError as error:
                add_validation_error(form, error)
            except DomainError as error:
                add_domain_error(
                    form,
                    error,
                    fields={
                        "rrule": "recurrence",
                        "registration_closes_before": "registration_deadline",
                    },
                )
                status = error.status_code
            else:
                if event is not None:
                    messages.success(request, _("Die Veranstaltung ist gespeichert."))
                elif saved.series_id:
                    messages.success(
                        request,
                        _(
                            "Die Terminreihe ist als Entwurf gespeichert. Veröffentlichen Sie "
                            "sie, wenn alles stimmt."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Die Veranstaltung ist als Entwurf gespeichert. Veröffentlichen Sie "
                            "sie, wenn alles stimmt."
                        ),
                    )
                return redirect("web:event", pk=saved.pk)
    return render(
        request,
        "web/network/events/form.html",
        {"form": form, "event": event, "nav": "events"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    if not may_create_events(request.user):
        raise NotAllowed(_("Veranstaltungen legen Mitglieder freigegebener Organisationen an."))
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, hosted_or_error(request, pk))


STATUS_ACTIONS = {
    "veroeffentlichen": lambda event, by, post: (
        event_publish(event=event, by=by),
        _("Die Veranstaltung ist veröffentlicht; die Einladungen gehen raus."),
    ),
    "reihe-veroeffentlichen": lambda event, by, post: (
        series_publish(series=event.series, by=by),
        _("Alle kommenden Termine der Reihe sind veröffentlicht."),
    ),
    "absagen": lambda event, by, post: (
        event_cancel(event=event, by=by, reason=_reason(post)),
        _("Die Veranstaltung ist abgesagt; alle Angemeldeten bekommen Bescheid."),
    ),
    "abschliessen": lambda event, by, post: (
        event_close(event=event, by=by),
        _("Die Veranstaltung ist als stattgefunden abgeschlossen."),
    ),
}


def _reason(post) -> str:
    form = CancelEventForm(post)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@login_required
@require_POST
def event_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in STATUS_ACTIONS:
        raise Http404
    event = hosted_or_error(request, pk)
    if action == "reihe-veroeffentlichen" and event.series_id is None:
        raise Http404
    try:
        _result, done = STATUS_ACTIONS[action](event, request.user, request.POST)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("web:event", pk=event.pk)


# --- stations of an open day -------------------------------------------------------------------


def _station_hosts():
    return Organisation.objects.filter(status=OrganisationStatus.APPROVED).order_by("name", "id")


def _station_details(form: StationForm) -> StationDetails:
    return StationDetails(**form.cleaned_data)


@login_required
@require_http_methods(["GET", "POST"])
def stations(request: HttpRequest, pk: int) -> HttpResponse:
    """The programme: its stations, and a form for one more."""
    event = hosted_or_error(request, pk)
    data = request.POST if request.method == "POST" else None
    initial = {
        "starts_at": timezone.localtime(event.starts_at),
        "ends_at": timezone.localtime(event.ends_at),
    }
    form = StationForm(data, initial=initial, hosts=_station_hosts())
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            try:
                station_create(event=event, by=request.user, details=_station_details(form))
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Die Station ist im Programm."))
                return redirect("web:event-stations", pk=event.pk)
    return render(
        request,
        "web/network/events/stations.html",
        {"event": event, "stations": list(stations_of(event)), "form": form, "nav": "events"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def station_edit(request: HttpRequest, pk: int, station_id: int) -> HttpResponse:
    event = hosted_or_error(request, pk)
    try:
        station = event_of_station(station_id, event)
    except DomainError:
        raise Http404(_("Diese Station gibt es nicht.")) from None
    data = request.POST if request.method == "POST" else None
    initial = {
        "title": station.title,
        "description": station.description,
        "host": station.host_id,
        "starts_at": timezone.localtime(station.starts_at),
        "ends_at": timezone.localtime(station.ends_at),
        "place": station.place,
        "capacity": station.capacity,
    }
    form = StationForm(data, initial=initial, hosts=_station_hosts())
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            try:
                station_update(station=station, by=request.user, details=_station_details(form))
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Die Station ist gespeichert."))
                return redirect("web:event-stations", pk=event.pk)
    return render(
        request,
        "web/network/events/station_form.html",
        {"event": event, "station": station, "form": form, "nav": "events"},
        status=status,
    )


# --- registrations, the door list and attendance ------------------------------------------------


def _seated(event: Event) -> list:
    return [
        registration
        for registration in registrations_of(event)
        if registration.state == RegistrationState.REGISTERED
    ]


@login_required
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = hosted_or_error(request, pk)
    return _registrations_page(request, event)


def _counts_form(event: Event, seated: list, data=None) -> AttendanceCountsForm:
    """One number per organisation that registered or was counted before."""
    counted = list(
        OrganisationAttendance.objects.filter(event=event).select_related("organisation")
    )
    organisations = {r.organisation_id: r.organisation for r in seated}
    organisations |= {row.organisation_id: row.organisation for row in counted}
    return AttendanceCountsForm(
        data,
        organisations=sorted(organisations.values(), key=lambda o: (o.name, o.pk)),
        counts={row.organisation_id: row.count for row in counted},
    )


def _registrations_page(request, event, *, form=None, counts_form=None, status=200) -> HttpResponse:
    every = list(registrations_of(event))
    seated = [r for r in every if r.state == RegistrationState.REGISTERED]
    waiting = [r for r in every if r.state == RegistrationState.WAITING]
    may_take_attendance = (
        event.state
        in (
            EventState.PUBLISHED,
            EventState.HELD,
        )
        and event.starts_at <= timezone.now()
    )
    if form is None and may_take_attendance and seated:
        form = AttendanceForm(registrations=seated)
    if counts_form is None and may_take_attendance:
        counts_form = _counts_form(event, seated)
    return render(
        request,
        "web/network/events/registrations.html",
        {
            "event": event,
            "seated": seated,
            "waiting": waiting,
            "cancelled_count": sum(r.state == RegistrationState.CANCELLED for r in every),
            "people": sum(r.seats for r in seated),
            "came": sum(r.seats for r in seated if r.attended),
            "form": form,
            "counts_form": counts_form if may_take_attendance else None,
            "nav": "events",
        },
        status=status,
    )


@login_required
@require_POST
def attendance_counts(request: HttpRequest, pk: int) -> HttpResponse:
    """How many came per organisation (instead of, or besides, ticking names)."""
    event = hosted_or_error(request, pk)
    form = _counts_form(event, _seated(event), request.POST)
    if form.is_valid():
        try:
            event_attendance_counts_set(event=event, by=request.user, counts=form.counts())
        except DomainError as error:
            add_domain_error(form, error)
            return _registrations_page(request, event, counts_form=form, status=error.status_code)
        messages.success(request, _("Die Zahlen sind gespeichert."))
        return redirect("web:event-registrations", pk=event.pk)
    return _registrations_page(request, event, counts_form=form, status=400)


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = hosted_or_error(request, pk)
    form = AttendanceForm(request.POST, registrations=_seated(event))
    if form.is_valid():
        try:
            registration_attendance_set(event=event, by=request.user, attended=form.attended())
        except DomainError as error:
            add_domain_error(form, error)
            return _registrations_page(request, event, form=form, status=error.status_code)
        messages.success(request, _("Die Anwesenheit ist gespeichert."))
        return redirect("web:event-registrations", pk=event.pk)
    return _registrations_page(request, event, form=form, status=400)


def _cell(value) -> str:
    """A cell as text; one starting like a formula is quoted, so no spreadsheet runs it."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def registrations_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The door list: everyone with a seat (and then the waiting list), one row each."""
    event = hosted_or_error(request, pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Name"),
            _("E-Mail-Adresse"),
            _("Organisation"),
            _("Station"),
            _("Personen"),
            _("Hinweis"),
            _("Status"),
            _("angemeldet am"),
            _("war da"),
        ]
    )
    for registration in registrations_of(event).exclude(state=RegistrationState.CANCELLED):
        writer.writerow(
            _cell(value)
            for value in [
                registration.person.full_name,
                registration.person.email,
                registration.organisation.name,
                registration.station.title if registration.station else "",
                registration.seats,
                registration.note,
                registration.get_state_display(),
                timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
                {True: _("ja"), False: _("nein")}.get(registration.attended, ""),
            ]
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="anmeldungen-termin-{event.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
