"""Every write of working groups: creating and editing a group (the coordinator; a lead edits
its topic and rules), joining (open, or on request with the lead's answer), leaving, the leads,
the projects (Vorhaben) and the lead's message to all members.

Membership changes of one group are made under the group's row lock, so two leads leaving at
once cannot leave a group without a lead and a request is answered once; the partial unique
constraint on open memberships is the last line of defence against a double join.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import lock_rows, locking_transaction
from marketplace.models import Organisation, OrganisationStatus, User
from marketplace.text import clean_text, has_control_characters

from .. import notices_groups as notices
from ..models import (
    GroupMembership,
    GroupMembershipState,
    GroupMessage,
    GroupRole,
    JoinPolicy,
    MeetingsVisibility,
    Project,
    ProjectStatus,
    WorkingGroup,
)
from ..selectors_groups import is_lead, may_manage

ACTIVE = GroupMembershipState.ACTIVE
REQUESTED = GroupMembershipState.REQUESTED
MAX_LEADS = 10
MAX_PROJECT_ORGANISATIONS = 30


def _busy() -> str:
    return _("Die Arbeitsgruppe wird gerade geändert. Bitte gleich noch einmal.")


def _lock_group(group: WorkingGroup) -> WorkingGroup:
    rows = lock_rows(
        WorkingGroup.objects.filter(pk=group.pk).select_for_update()[:1], busy_message=_busy()
    )
    if not rows:
        raise NotFound(_("Diese Arbeitsgruppe gibt es nicht."))
    return rows[0]


def _text(value, *, field: str, limit: int, required: bool = False) -> str:
    value = clean_text(value, field=field, limit=limit, required=required)
    if limit <= 300 and has_control_characters(value):
        raise InvalidInput(
            _("Bitte ohne Steuerzeichen wie Zeilenumbrüche oder Tabulatoren."), field=field
        )
    return value


def _choice(value, choices, *, field: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            _("Bitte eine der Möglichkeiten wählen: %(values)s")
            % {"values": ", ".join(choices.values)},
            field=field,
        )
    return value


def _require_coordinator(by: User) -> None:
    if not by.is_coordinator:
        raise NotAllowed(_("Nur die Koordination legt Arbeitsgruppen an und setzt die Leitung."))


def _require_manager(by: User, group: WorkingGroup) -> None:
    if not may_manage(by, group):
        raise NotAllowed(_("Nur die Leitung der Arbeitsgruppe und die Koordination dürfen das."))


def _organisation_of(person: User, organisation_id, *, field: str) -> Organisation:
    """One of the person's approved organisations; InvalidInput otherwise."""
    organisation = Organisation.objects.filter(
        pk=organisation_id,
        status=OrganisationStatus.APPROVED,
        memberships__user=person,
    ).first()
    if organisation is None:
        raise InvalidInput(
            _("Bitte eine freigegebene Organisation wählen, zu der die Person gehört."),
            field=field,
        )
    return organisation


# --- Groups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lead:
    person_id: int
    organisation_id: int


def _unique_slug(name: str, *, exclude: int | None = None) -> str:
    base = slugify(name)[:70] or "ag"
    slug, n = base, 2
    taken = WorkingGroup.objects.exclude(pk=exclude) if exclude else WorkingGroup.objects
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _add_lead(group: WorkingGroup, lead: Lead, *, by: User, now) -> GroupMembership:
    person = User.objects.filter(pk=lead.person_id, is_active=True).first()
    if person is None:
        raise InvalidInput(_("Diese Person gibt es nicht."), field="leads")
    organisation = _organisation_of(person, lead.organisation_id, field="leads")
    current = GroupMembership.objects.filter(
        group=group, person=person, state__in=(REQUESTED, ACTIVE)
    ).first()
    if current is not None:
        current.role, current.state, current.organisation = GroupRole.LEAD, ACTIVE, organisation
        current.decided_at, current.decided_by = now, by
        current.save(update_fields=["role", "state", "organisation", "decided_at", "decided_by"])
        return current
    return GroupMembership.objects.create(
        group=group,
        person=person,
        organisation=organisation,
        role=GroupRole.LEAD,
        state=ACTIVE,
        created_at=now,
        decided_at=now,
        decided_by=by,
    )


def group_create(
    *,
    by: User,
    name: str,
    description: str = "",
    join_policy: str = JoinPolicy.OPEN,
    meetings_visibility: str = MeetingsVisibility.GROUP,
    leads: list[Lead] = (),
) -> WorkingGroup:
    """A new working group with its leads (people of approved organisations, each for one of
    them). Raises NotAllowed (not the coordinator), InvalidInput."""
    _require_coordinator(by)
    name = _text(name, field="name", limit=120, required=True)
    description = _text(description, field="description", limit=5000)
    join_policy = _choice(join_policy, JoinPolicy, field="join_policy")
    meetings_visibility = _choice(
        meetings_visibility, MeetingsVisibility, field="meetings_visibility"
    )
    leads = list(leads)
    if len(leads) > MAX_LEADS:
        raise InvalidInput(
            ngettext(
                "Höchstens %(n)d Person in der Leitung.",
                "Höchstens %(n)d Personen in der Leitung.",
                MAX_LEADS,
            )
            % {"n": MAX_LEADS},
            field="leads",
        )
    if WorkingGroup.objects.filter(name__iexact=name).exists():
        raise Conflict(_("Eine Arbeitsgruppe mit diesem Namen gibt es schon."), field="name")
    now = timezone.now()
    with transaction.atomic():
        group = WorkingGroup.objects.create(
            name=name,
            slug=_unique_slug(name),
            description=description,
            join_policy=join_policy,
            meetings_visibility=meetings_visibility,
            created_at=now,
        )
        for lead in leads:
            _add_lead(group, lead, by=by, now=now)
    return group


def group_update(*, group: WorkingGroup, by: User, changes: dict) -> WorkingGroup:
    """Change a group: the coordinator everything, a lead its topic, joining rule and who sees
    its meetings (`description`, `join_policy`, `meetings_visibility`). Raises NotAllowed,
    InvalidInput, Conflict (a name already taken)."""
    _require_manager(by, group)
    allowed = {"name", "description", "join_policy", "meetings_visibility"}
    if not by.is_coordinator and "name" in changes:
        raise NotAllowed(_("Den Namen einer Arbeitsgruppe ändert die Koordination."))
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(_("Unbekanntes Feld."), field=sorted(unknown)[0])
    values = {}
    if "name" in changes:
        values["name"] = _text(changes["name"], field="name", limit=120, required=True)
        if WorkingGroup.objects.filter(name__iexact=values["name"]).exclude(pk=group.pk).exists():
            raise Conflict(_("Eine Arbeitsgruppe mit diesem Namen gibt es schon."), field="name")
    if "description" in changes:
        values["description"] = _text(changes["description"], field="description", limit=5000)
    if "join_policy" in changes:
        values["join_policy"] = _choice(changes["join_policy"], JoinPolicy, field="join_policy")
    if "meetings_visibility" in changes:
        values["meetings_visibility"] = _choice(
            changes["meetings_visibility"], MeetingsVisibility, field="meetings_visibility"
        )
    for name, value in values.items():
        setattr(group, name, value)
    if values:
        group.save(update_fields=[*values, "updated_at"])
    return group


# --- Membership -------------------------------------------------------------------------------


def group_join(*, group: WorkingGroup, by: User, organisation_id: int) -> GroupMembership:
    """Join a group for one of the person's approved organisations: at once for an open group,
    as a request the leads answer otherwise (they are told). Raises InvalidInput (not one of
    the person's approved organisations), Conflict (already a member or waiting), Busy."""
    organisation = _organisation_of(by, organisation_id, field="organisation")
    now = timezone.now()
    with locking_transaction(_busy()):
        group = _lock_group(group)
        current = GroupMembership.objects.filter(
            group=group, person=by, state__in=(REQUESTED, ACTIVE)
        ).first()
        if current is not None:
            if current.state == ACTIVE:
                raise Conflict(_("Sie sind schon Mitglied dieser Arbeitsgruppe."))
            raise Conflict(_("Ihre Anfrage wartet schon auf die Antwort der Leitung."))
        opened = group.join_policy == JoinPolicy.OPEN
        try:
            with transaction.atomic():
                membership = GroupMembership.objects.create(
                    group=group,
                    person=by,
                    organisation=organisation,
                    role=GroupRole.MEMBER,
                    state=ACTIVE if opened else REQUESTED,
                    created_at=now,
                    decided_at=now if opened else None,
                )
        except IntegrityError:
            raise Conflict(_("Sie sind schon Mitglied dieser Arbeitsgruppe.")) from None
        if not opened:
            notices.join_requested(membership)
    return membership


def group_request_answer(
    *, membership: GroupMembership, by: User, approve: bool
) -> GroupMembership:
    """A lead (or the coordinator) accepts or declines a join request; the person is told.
    Raises NotAllowed, Conflict (the request was answered or withdrawn already)."""
    _require_manager(by, membership.group)
    now = timezone.now()
    with locking_transaction(_busy()):
        _lock_group(membership.group)
        membership = GroupMembership.objects.select_related("group", "organisation", "person").get(
            pk=membership.pk
        )
        if membership.state != REQUESTED:
            raise Conflict(_("Diese Anfrage ist schon beantwortet oder zurückgezogen."))
        membership.state = ACTIVE if approve else GroupMembershipState.DECLINED
        membership.decided_at, membership.decided_by = now, by
        membership.save(update_fields=["state", "decided_at", "decided_by"])
        notices.join_answered(membership)
    return membership


def _other_active_leads(group: WorkingGroup, person_id: int) -> bool:
    return (
        GroupMembership.objects.filter(group=group, state=ACTIVE, role=GroupRole.LEAD)
        .exclude(person_id=person_id)
        .exists()
    )


def group_leave(*, group: WorkingGroup, by: User) -> GroupMembership:
    """Leave a group (or withdraw a request). The last lead cannot leave; the coordinator
    appoints another lead first. Raises Conflict (not a member, the last lead), Busy."""
    with locking_transaction(_busy()):
        group = _lock_group(group)
        membership = GroupMembership.objects.filter(
            group=group, person=by, state__in=(REQUESTED, ACTIVE)
        ).first()
        if membership is None:
            raise Conflict(_("Sie sind nicht Mitglied dieser Arbeitsgruppe."))
        if membership.role == GroupRole.LEAD and not _other_active_leads(group, by.pk):
            raise Conflict(
                _(
                    "Sie sind die einzige Leitung dieser Arbeitsgruppe. Bitte zuerst eine weitere "
                    "Leitung benennen lassen."
                )
            )
        membership.state = GroupMembershipState.LEFT
        membership.decided_at = timezone.now()
        membership.save(update_fields=["state", "decided_at"])
    return membership


def group_lead_appoint(*, group: WorkingGroup, by: User, lead: Lead) -> GroupMembership:
    """The coordinator makes a person a lead (joining them to the group if needed). Raises
    NotAllowed, InvalidInput, Busy."""
    _require_coordinator(by)
    with locking_transaction(_busy()):
        group = _lock_group(group)
        leads = GroupMembership.objects.filter(group=group, state=ACTIVE, role=GroupRole.LEAD)
        if leads.exclude(person_id=lead.person_id).count() >= MAX_LEADS:
            raise Conflict(
                ngettext(
                    "Höchstens %(n)d Person in der Leitung.",
                    "Höchstens %(n)d Personen in der Leitung.",
                    MAX_LEADS,
                )
                % {"n": MAX_LEADS}
            )
        return _add_lead(group, lead, by=by, now=timezone.now())


def group_member_set_role(*, membership: GroupMembership, by: User, role: str) -> GroupMembership:
    """The coordinator makes an active member a lead or a lead a member again (never the last
    lead). Raises NotAllowed, InvalidInput, Conflict, Busy."""
    _require_coordinator(by)
    role = _choice(role, GroupRole, field="role")
    with locking_transaction(_busy()):
        group = _lock_group(membership.group)
        membership = GroupMembership.objects.select_related("person", "organisation").get(
            pk=membership.pk
        )
        if membership.state != ACTIVE:
            raise Conflict(_("Nur aktive Mitglieder können die Leitung übernehmen."))
        if role == membership.role:
            return membership
        if role == GroupRole.MEMBER and not _other_active_leads(group, membership.person_id):
            raise Conflict(_("Eine Arbeitsgruppe braucht mindestens eine Leitung."))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def group_member_remove(*, membership: GroupMembership, by: User) -> GroupMembership:
    """A lead or the coordinator takes an active member out of the group (not the last lead).
    Raises NotAllowed, Conflict, Busy."""
    _require_manager(by, membership.group)
    with locking_transaction(_busy()):
        group = _lock_group(membership.group)
        membership = GroupMembership.objects.get(pk=membership.pk)
        if membership.state != ACTIVE:
            raise Conflict(_("Diese Person ist nicht (mehr) Mitglied der Arbeitsgruppe."))
        if membership.role == GroupRole.LEAD and not by.is_coordinator:
            raise NotAllowed(_("Die Leitung einer Arbeitsgruppe ändert die Koordination."))
        if membership.role == GroupRole.LEAD and not _other_active_leads(
            group, membership.person_id
        ):
            raise Conflict(_("Eine Arbeitsgruppe braucht mindestens eine Leitung."))
        membership.state = GroupMembershipState.LEFT
        membership.decided_at, membership.decided_by = timezone.now(), by
        membership.save(update_fields=["state", "decided_at", "decided_by"])
    return membership


# --- Projects (Vorhaben) ------------------------------------------------------------------------


@dataclass
class ProjectDetails:
    title: str = ""
    description: str = ""
    status: str = ProjectStatus.IDEA
    organisation_ids: list[int] | None = None
    next_step: str = ""
    next_step_owner_id: int | None = None


PROJECT_FIELDS = (
    "title",
    "description",
    "status",
    "organisation_ids",
    "next_step",
    "next_step_owner_id",
)


def _project_values(group: WorkingGroup, values: dict) -> dict:
    cleaned = {}
    if "title" in values:
        cleaned["title"] = _text(values["title"], field="title", limit=200, required=True)
    if "description" in values:
        cleaned["description"] = _text(values["description"], field="description", limit=5000)
    if "status" in values:
        cleaned["status"] = _choice(values["status"], ProjectStatus, field="status")
    if "next_step" in values:
        cleaned["next_step"] = _text(values["next_step"], field="next_step", limit=500)
    if "next_step_owner_id" in values:
        owner_id = values["next_step_owner_id"]
        if (
            owner_id is not None
            and not GroupMembership.objects.filter(
                group=group, person_id=owner_id, state=ACTIVE, person__is_active=True
            ).exists()
        ):
            raise InvalidInput(
                _("Den nächsten Schritt übernimmt ein Mitglied der Arbeitsgruppe."),
                field="next_step_owner",
            )
        cleaned["next_step_owner_id"] = owner_id
    if values.get("organisation_ids") is not None:
        ids = list(dict.fromkeys(values["organisation_ids"]))
        if len(ids) > MAX_PROJECT_ORGANISATIONS:
            raise InvalidInput(
                ngettext(
                    "Höchstens %(n)d Organisation.",
                    "Höchstens %(n)d Organisationen.",
                    MAX_PROJECT_ORGANISATIONS,
                )
                % {"n": MAX_PROJECT_ORGANISATIONS},
                field="organisations",
            )
        found = set(
            Organisation.objects.filter(pk__in=ids, status=OrganisationStatus.APPROVED).values_list(
                "pk", flat=True
            )
        )
        if len(found) != len(ids):
            raise InvalidInput(
                _("Bitte nur freigegebene Organisationen des Netzwerks wählen."),
                field="organisations",
            )
        cleaned["organisation_ids"] = ids
    return cleaned


def project_create(*, group: WorkingGroup, by: User, details: ProjectDetails) -> Project:
    """A new Vorhaben of the group. Raises NotAllowed (not a lead or the coordinator),
    InvalidInput."""
    _require_manager(by, group)
    values = _project_values(group, {name: getattr(details, name) for name in PROJECT_FIELDS})
    organisation_ids = values.pop("organisation_ids", [])
    with transaction.atomic():
        project = Project.objects.create(group=group, **values)
        project.organisations.set(organisation_ids)
    return project


def project_update(*, project: Project, by: User, changes: dict) -> Project:
    """Change some fields of a Vorhaben (names as ProjectDetails). Raises NotAllowed,
    InvalidInput."""
    _require_manager(by, project.group)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidInput(_("Unbekanntes Feld."), field=sorted(unknown)[0])
    values = _project_values(project.group, changes)
    organisation_ids = values.pop("organisation_ids", None)
    with transaction.atomic():
        for name, value in values.items():
            setattr(project, name, value)
        project.save(update_fields=[*values, "updated_at"])
        if organisation_ids is not None:
            project.organisations.set(organisation_ids)
    return project


def project_delete(*, project: Project, by: User) -> None:
    """Raises NotAllowed."""
    _require_manager(by, project.group)
    project.delete()


# --- Messages to all members --------------------------------------------------------------------


def group_message_send(*, group: WorkingGroup, by: User, subject: str, body: str) -> GroupMessage:
    """A lead (or the coordinator) writes to every active member of the group; each gets an
    e-mail through the outbox (after commit) and an in-app notice. Raises NotAllowed,
    InvalidInput."""
    if not (is_lead(by, group) or by.is_coordinator):
        raise NotAllowed(_("Nur die Leitung schreibt an alle Mitglieder der Arbeitsgruppe."))
    subject = _text(subject, field="subject", limit=200, required=True)
    body = _text(body, field="body", limit=10000, required=True)
    with transaction.atomic():
        message = GroupMessage.objects.create(
            group=group, sent_by=by, subject=subject, body=body, sent_at=timezone.now()
        )
        notices.group_message(message)
    return message
