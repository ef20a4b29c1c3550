"""Working groups ("Arbeitsgruppen"): the list, a page per group (topic, leads, members and
requests, projects, meetings and the history of their minutes, join and leave, the lead's
message to all members), the coordinator's pages to create and change groups; and the minutes
of an event: the page that shows them, the hosts' page to write them (with attendance, decisions
and attachments) and to publish them.

Who may see and do what is network.selectors_groups / selectors_minutes and the services'
business; a group or minutes the person may not see is a 404, an action they may not take a
403 (the services check again).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.models import Membership, Organisation, OrganisationStatus, User
from marketplace.selectors import approved_organisations_of
from network.attachments import attachment_response
from network.models import (
    Event,
    GroupMembership,
    GroupMembershipState,
    GroupRole,
    MinutesAttachment,
    Registration,
    RegistrationState,
)
from network.selectors import events_visible_to, visible_event
from network.selectors_groups import (
    group_for,
    groups_visible_to,
    may_manage,
    may_see_inside,
    memberships_of,
    messages_of,
    open_membership,
    projects_of,
)
from network.selectors_minutes import (
    attendance_of,
    may_read_group_minutes,
    may_read_minutes,
    may_write_minutes,
    minutes_of_event,
    published_minutes_of_group,
)
from network.services import groups as services
from network.services import minutes as minutes_services

from ..forms import add_domain_error
from ..forms.network_groups import (
    AttachmentForm,
    DecisionFormSet,
    GroupForm,
    JoinForm,
    LeadForm,
    MessageForm,
    MinutesForm,
    ProjectForm,
)

NAV = "groups"


def _group_or_404(request, pk: int):
    group = group_for(request.user, pk)
    if group is None:
        raise Http404(_("Arbeitsgruppe nicht gefunden."))
    return group


def _forbidden(request, message: str) -> HttpResponse:
    return render(request, "web/error.html", {"message": message, "status": 403}, status=403)


def _lead_options():
    """Everyone who could lead a group: people of approved organisations, each for one."""
    return (
        Membership.objects.filter(
            organisation__status=OrganisationStatus.APPROVED, user__is_active=True
        )
        .select_related("user", "organisation")
        .order_by("user__full_name", "user_id", "organisation__name")
    )


def _approved_organisations():
    return Organisation.objects.filter(status=OrganisationStatus.APPROVED).order_by("name", "id")


# --- the list -----------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(groups_visible_to(request.user))
    return render(
        request,
        "web/network/groups/list.html",
        {
            "groups": groups,
            "mine": [g for g in groups if g.my_state == GroupMembershipState.ACTIVE],
            "is_network_member": bool(groups) or request.user.is_coordinator,
            "nav": NAV,
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_coordinator:
        raise Http404
    options = _lead_options()
    form = GroupForm(
        request.POST or None,
        lead_options=options,
        initial={"join_policy": "open", "meetings_visibility": "group"},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            lead = data.get("lead")
            try:
                group = services.group_create(
                    by=request.user,
                    name=data["name"],
                    description=data["description"],
                    join_policy=data["join_policy"],
                    meetings_visibility=data["meetings_visibility"],
                    leads=[services.Lead(*lead)] if lead else [],
                )
            except DomainError as error:
                add_domain_error(form, error, fields={"leads": "lead"})
                status = error.status_code
            else:
                messages.success(request, _("Die Arbeitsgruppe ist angelegt."))
                return redirect("web:group", pk=group.pk)
    return render(
        request,
        "web/network/groups/form.html",
        {"form": form, "group": None, "nav": NAV},
        status=status,
    )


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    if not may_manage(request.user, group):
        return _forbidden(request, _("Nur die Leitung und die Koordination ändern die Gruppe."))
    coordinator = request.user.is_coordinator
    form = GroupForm(
        request.POST or None,
        for_coordinator=coordinator,
        creating=False,
        initial={
            "name": group.name,
            "description": group.description,
            "join_policy": group.join_policy,
            "meetings_visibility": group.meetings_visibility,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.group_update(group=group, by=request.user, changes=form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("Die Arbeitsgruppe ist geändert."))
                return redirect("web:group", pk=group.pk)
    return render(
        request,
        "web/network/groups/form.html",
        {"form": form, "group": group, "nav": NAV},
        status=status,
    )


# --- a group's page -----------------------------------------------------------------------------


def _group_page(request, group, *, failed: dict | None = None, status: int = 200):
    user = request.user
    failed = failed or {}
    inside = may_see_inside(user, group)
    manage = may_manage(user, group)
    membership = open_membership(user, group)
    members = list(memberships_of(group)) if inside or manage else []
    my_organisations = list(approved_organisations_of(user).order_by("name", "id"))
    meetings = list(
        events_visible_to(user)
        .filter(group=group)
        .select_related("minutes")
        .order_by("-starts_at", "-id")[:20]
    )
    minutes_readable = may_read_group_minutes(user, group)
    forms = {
        "join": failed.get("join") or JoinForm(organisations=my_organisations),
        "message": failed.get("message") or MessageForm(),
        "project": failed.get("project")
        or ProjectForm(
            organisations=_approved_organisations(),
            members=members,
            initial={"status": "idea"},
        ),
        "lead": failed.get("lead")
        or (LeadForm(lead_options=_lead_options()) if user.is_coordinator else None),
    }
    return render(
        request,
        "web/network/groups/detail.html",
        {
            "group": group,
            "membership": membership,
            "inside": inside,
            "can_manage": manage,
            "is_coordinator": user.is_coordinator,
            "members": members,
            "requests": list(memberships_of(group, states=(GroupMembershipState.REQUESTED,)))
            if manage
            else [],
            "projects": list(projects_of(group)),
            "meetings": meetings,
            "minutes_readable": minutes_readable,
            "minutes_history": list(published_minutes_of_group(group, user)[:50])
            if minutes_readable
            else [],
            "group_messages": list(messages_of(group)[:10]) if inside else [],
            "my_organisations": my_organisations,
            "forms": forms,
            "roles": GroupRole,
            "nav": NAV,
        },
        status=status,
    )


@login_required
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_page(request, _group_or_404(request, pk))


def _done(request, group, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("web:group", args=[group.pk]) + anchor)


@login_required
@require_POST
def group_join(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    form = JoinForm(request.POST, organisations=approved_organisations_of(request.user))
    status = 400
    if form.is_valid():
        try:
            membership = services.group_join(
                group=group, by=request.user, organisation_id=form.cleaned_data["organisation"]
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            if membership.state == GroupMembershipState.ACTIVE:
                return _done(request, group, _("Willkommen in der Arbeitsgruppe!"))
            return _done(
                request, group, _("Ihre Anfrage ist verschickt. Die Leitung antwortet Ihnen.")
            )
    return _group_page(request, group, failed={"join": form}, status=status)


@login_required
@require_POST
def group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    try:
        services.group_leave(group=group, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:group", pk=group.pk)
    return _done(request, group, _("Sie sind aus der Arbeitsgruppe ausgetreten."))


MEMBER_ACTIONS = {
    "annehmen": (
        lambda m, by: services.group_request_answer(membership=m, by=by, approve=True),
        _("Die Anfrage ist angenommen."),
    ),
    "ablehnen": (
        lambda m, by: services.group_request_answer(membership=m, by=by, approve=False),
        _("Die Anfrage ist abgelehnt."),
    ),
    "entfernen": (
        lambda m, by: services.group_member_remove(membership=m, by=by),
        _("Die Person ist nicht mehr Mitglied der Gruppe."),
    ),
    "leitung": (
        lambda m, by: services.group_member_set_role(membership=m, by=by, role=GroupRole.LEAD),
        _("Die Person leitet die Gruppe jetzt mit."),
    ),
    "mitglied": (
        lambda m, by: services.group_member_set_role(membership=m, by=by, role=GroupRole.MEMBER),
        _("Die Person ist jetzt Mitglied ohne Leitung."),
    ),
}


@login_required
@require_POST
def member_action(request: HttpRequest, pk: int, membership_id: int, action: str) -> HttpResponse:
    group = _group_or_404(request, pk)
    if action not in MEMBER_ACTIONS:
        raise Http404
    membership = (
        GroupMembership.objects.filter(pk=membership_id, group=group)
        .select_related("group", "person", "organisation")
        .first()
    )
    if membership is None or not (
        may_see_inside(request.user, group) or may_manage(request.user, group)
    ):
        raise Http404
    call, done = MEMBER_ACTIONS[action]
    try:
        call(membership, request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(reverse("web:group", args=[group.pk]) + "#mitglieder")
    return _done(request, group, str(done), "#mitglieder")


@login_required
@require_POST
def lead_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    if not request.user.is_coordinator:
        raise Http404
    form = LeadForm(request.POST, lead_options=_lead_options())
    status = 400
    if form.is_valid():
        try:
            services.group_lead_appoint(
                group=group, by=request.user, lead=services.Lead(*form.cleaned_data["lead"])
            )
        except DomainError as error:
            add_domain_error(form, error, fields={"leads": "lead"})
            status = error.status_code
        else:
            return _done(request, group, _("Die Leitung ist ernannt."), "#mitglieder")
    return _group_page(request, group, failed={"lead": form}, status=status)


@login_required
@require_POST
def group_message(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    form = MessageForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.group_message_send(group=group, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            return _done(
                request, group, _("Die Nachricht geht an alle Mitglieder."), "#nachrichten"
            )
    return _group_page(request, group, failed={"message": form}, status=status)


def _project_form(request, group, data=None, **kwargs):
    return ProjectForm(
        data,
        organisations=_approved_organisations(),
        members=list(memberships_of(group)),
        **kwargs,
    )


def _project_changes(data: dict) -> dict:
    return {
        "title": data["title"],
        "description": data["description"],
        "status": data["status"],
        "organisation_ids": data["organisations"],
        "next_step": data["next_step"],
        "next_step_owner_id": data["next_step_owner"],
    }


@login_required
@require_POST
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    form = _project_form(request, group, request.POST)
    status = 400
    if form.is_valid():
        try:
            services.project_create(
                group=group,
                by=request.user,
                details=services.ProjectDetails(**_project_changes(form.cleaned_data)),
            )
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status_code
        else:
            return _done(request, group, _("Das Vorhaben ist angelegt."), "#vorhaben")
    return _group_page(request, group, failed={"project": form}, status=status)


@login_required
def project_edit(request: HttpRequest, pk: int, project_id: int) -> HttpResponse:
    group = _group_or_404(request, pk)
    project = projects_of(group).filter(pk=project_id).first()
    if project is None:
        raise Http404
    if not may_manage(request.user, group):
        return _forbidden(request, _("Nur die Leitung und die Koordination ändern Vorhaben."))
    initial = {
        "title": project.title,
        "description": project.description,
        "status": project.status,
        "organisations": [o.pk for o in project.organisations.all()],
        "next_step": project.next_step,
        "next_step_owner": project.next_step_owner_id,
    }
    form = _project_form(request, group, request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if "delete" in request.POST:
            services.project_delete(project=project, by=request.user)
            return _done(request, group, _("Das Vorhaben ist gelöscht."), "#vorhaben")
        if form.is_valid():
            try:
                services.project_update(
                    project=project, by=request.user, changes=_project_changes(form.cleaned_data)
                )
            except DomainError as error:
                add_domain_error(form, error)
                status = error.status_code
            else:
                return _done(request, group, _("Das Vorhaben ist geändert."), "#vorhaben")
    return render(
        request,
        "web/network/groups/project_form.html",
        {"form": form, "group": group, "project": project, "nav": NAV},
        status=status,
    )


# --- minutes ------------------------------------------------------------------------------------


def _event_or_404(request, event_id: int) -> Event:
    event = visible_event(request.user, event_id)
    if event is None:
        raise Http404(_("Veranstaltung nicht gefunden."))
    return event


@login_required
def minutes_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _event_or_404(request, event_id)
    minutes = minutes_of_event(event)
    if minutes is None or not may_read_minutes(
        request.user, event, published=minutes.published_at is not None
    ):
        if may_write_minutes(request.user, event):
            return redirect("web:minutes-write", event_id=event.pk)
        raise Http404(_("Zu dieser Veranstaltung gibt es (noch) kein Protokoll."))
    return render(
        request,
        "web/network/minutes/detail.html",
        {
            "event": event,
            "minutes": minutes,
            "attendance": list(attendance_of(event)),
            "can_write": may_write_minutes(request.user, event),
            "nav": NAV,
        },
    )


def _minutes_choices(event: Event, minutes):
    """The organisations and people the hosts pick from: those registered, the hosts, the
    group's members, and whoever the minutes name already."""
    organisation_ids = set(event.hosts.values_list("pk", flat=True))
    people_ids = set(
        Registration.objects.filter(event=event, state=RegistrationState.REGISTERED).values_list(
            "person_id", flat=True
        )
    )
    organisation_ids |= set(
        Registration.objects.filter(event=event, state=RegistrationState.REGISTERED).values_list(
            "organisation_id", flat=True
        )
    )
    organisation_ids |= set(attendance_of(event).values_list("organisation_id", flat=True))
    if event.group_id:
        active = GroupMembership.objects.filter(
            group_id=event.group_id, state=GroupMembershipState.ACTIVE
        )
        organisation_ids |= set(active.values_list("organisation_id", flat=True))
        people_ids |= set(active.values_list("person_id", flat=True))
    if minutes is not None:
        organisation_ids |= {o.pk for o in minutes.organisations.all()}
        people_ids |= {d.owner_id for d in minutes.decisions.all() if d.owner_id}
    organisations = Organisation.objects.filter(
        pk__in=organisation_ids, status=OrganisationStatus.APPROVED
    ).order_by("name", "id")
    people = User.objects.filter(pk__in=people_ids, is_active=True).order_by("full_name", "id")
    return list(organisations), list(people)


def _minutes_write_page(request, event, *, form=None, decisions=None, upload=None, status=200):
    minutes = minutes_of_event(event)
    organisations, people = _minutes_choices(event, minutes)
    counts = {row.organisation_id: row.count for row in attendance_of(event)}
    if form is None:
        form = MinutesForm(
            organisations=organisations,
            counts=counts,
            initial={
                "text": minutes.text if minutes else "",
                "organisations": [o.pk for o in minutes.organisations.all()] if minutes else [],
            },
        )
    if decisions is None:
        decisions = DecisionFormSet(
            prefix="decisions",
            form_kwargs={"owners": people},
            initial=[
                {"text": d.text, "owner": d.owner_id, "due": d.due}
                for d in (minutes.decisions.all() if minutes else [])
            ],
        )
    return render(
        request,
        "web/network/minutes/write.html",
        {
            "event": event,
            "minutes": minutes,
            "form": form,
            "decisions": decisions,
            "upload": upload or AttachmentForm(),
            "nav": NAV,
        },
        status=status,
    )


def _writable_event(request, event_id: int):
    event = _event_or_404(request, event_id)
    if not may_write_minutes(request.user, event):
        return event, _forbidden(
            request, _("Das Protokoll schreiben die Gastgeber der Veranstaltung.")
        )
    return event, None


@login_required
def minutes_write(request: HttpRequest, event_id: int) -> HttpResponse:
    event, refused = _writable_event(request, event_id)
    if refused:
        return refused
    if request.method != "POST":
        return _minutes_write_page(request, event)
    minutes = minutes_of_event(event)
    organisations, people = _minutes_choices(event, minutes)
    form = MinutesForm(request.POST, organisations=organisations)
    decisions = DecisionFormSet(request.POST, prefix="decisions", form_kwargs={"owners": people})
    status = 400
    if form.is_valid() and decisions.is_valid():
        items = [
            minutes_services.DecisionInput(
                text=row["text"], owner_id=row.get("owner"), due=row.get("due")
            )
            for row in decisions.cleaned_data
            if row.get("text")
        ]
        try:
            minutes_services.minutes_save(
                event=event,
                by=request.user,
                text=form.cleaned_data["text"],
                organisation_ids=form.cleaned_data["organisations"],
                decisions=items,
                attendance=form.counts(),
            )
        except DomainError as error:
            if error.field in form.fields:
                add_domain_error(form, error)
            else:
                form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(request, _("Das Protokoll ist gespeichert."))
            return redirect("web:minutes-write", event_id=event.pk)
    return _minutes_write_page(request, event, form=form, decisions=decisions, status=status)


@login_required
@require_POST
def minutes_publish(request: HttpRequest, event_id: int) -> HttpResponse:
    event, refused = _writable_event(request, event_id)
    if refused:
        return refused
    try:
        minutes_services.minutes_publish(event=event, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:minutes-write", event_id=event.pk)
    messages.success(
        request, _("Das Protokoll ist veröffentlicht; die Teilnehmenden sind informiert.")
    )
    return redirect("web:minutes", event_id=event.pk)


@login_required
@require_POST
def minutes_attachment_add(request: HttpRequest, event_id: int) -> HttpResponse:
    event, refused = _writable_event(request, event_id)
    if refused:
        return refused
    form = AttachmentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            minutes_services.minutes_attachment_add(
                event=event, by=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as error:
            if error.field in form.fields:
                add_domain_error(form, error)
            else:
                form.add_error(None, error.message)
            status = error.status_code
        else:
            messages.success(request, _("Der Anhang ist gespeichert."))
            return redirect(reverse("web:minutes-write", args=[event.pk]) + "#anhaenge")
    return _minutes_write_page(request, event, upload=form, status=status)


def _attachment_or_404(request, event_id: int, attachment_id: int) -> MinutesAttachment:
    event = _event_or_404(request, event_id)
    minutes = minutes_of_event(event)
    if minutes is None or not may_read_minutes(
        request.user, event, published=minutes.published_at is not None
    ):
        raise Http404
    attachment = MinutesAttachment.objects.filter(pk=attachment_id, minutes=minutes).first()
    if attachment is None:
        raise Http404
    attachment.minutes = minutes
    return attachment


@login_required
def minutes_attachment(request: HttpRequest, event_id: int, attachment_id: int) -> HttpResponse:
    return attachment_response(_attachment_or_404(request, event_id, attachment_id))


@login_required
@require_POST
def minutes_attachment_delete(
    request: HttpRequest, event_id: int, attachment_id: int
) -> HttpResponse:
    attachment = _attachment_or_404(request, event_id, attachment_id)
    try:
        minutes_services.minutes_attachment_delete(attachment=attachment, by=request.user)
    except DomainError as error:
        return _forbidden(request, error.message)
    messages.success(request, _("Der Anhang ist entfernt."))
    return redirect(reverse("web:minutes-write", args=[event_id]) + "#anhaenge")
