"""Every write about organisations, their tax-exemption data, members and invitations.

Called alike from the API, the admin and (later) the web pages. Rules that span rows — the last
admin stays, one open invitation per address — are checked under a row lock on the organisation,
taken first and once per transaction, so concurrent requests queue instead of racing.
"""

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from marketplace import tokens
from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import lock_rows, locking_transaction
from marketplace.logos import reencode_logo
from marketplace.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    OrganisationStatusChange,
    Role,
    TaxExemption,
    User,
    validate_logo,
)
from marketplace.notices import Recipient, notify
from marketplace.selectors import admins_of, coordinators
from marketplace.text import validate_one_line

# What an applicant or admin may set; kind is chosen once, status only by the coordinator.
PROFILE_FIELDS_IN_ORDER = (
    "name",
    "slug",
    "description",
    "street",
    "postcode",
    "city",
    "district",
    "website",
    "contact_email",
    "phone",
    "logo",
    "show_contacts",
)
PROFILE_FIELDS = frozenset(PROFILE_FIELDS_IN_ORDER)
# Shown on one line (lists, receipts, e-mail headers): no line breaks or other control characters.
ONE_LINE_PROFILE_FIELDS = PROFILE_FIELDS - {"description", "logo"}
TAX_EXEMPTION_FIELDS = frozenset(
    {
        "tax_office",
        "tax_number",
        "notice_kind",
        "notice_date",
        "purposes",
        "machine_receipts_notified",
    }
)
REASON_MAX_LENGTH = 2000


# --- helpers ----------------------------------------------------------------------------------


@contextmanager
def _organisation_locked(organisation_id: int) -> Iterator[Organisation]:
    """A transaction holding the organisation's row lock; yields the freshly read row.

    Every service that checks a rule spanning rows (the last admin, one open invitation per
    address) takes this lock first and only once. Raises NotFound when the organisation is gone
    and Busy when the lock is not had in time: on PostgreSQL after settings.LOCK_TIMEOUT_MS, on
    SQLite (which locks the whole database for a writer) after its busy timeout.
    """
    busy = _("Die Organisation wird gerade von jemand anderem geändert. Bitte gleich noch einmal.")
    with locking_transaction(busy):
        rows = lock_rows(
            Organisation.objects.select_for_update().filter(pk=organisation_id)[:1],
            busy_message=busy,
        )
        if not rows:
            raise NotFound(_("Organisation nicht gefunden."))
        yield rows[0]


def _role_of(user: User, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def _require_admin_or_coordinator(by: User, organisation: Organisation) -> None:
    if by.is_coordinator or _role_of(by, organisation) == Role.ADMIN:
        return
    raise NotAllowed(_("Nur Administrator*innen der Organisation dürfen das."))


def _full_clean(instance, *, exclude: list[str] | None = None) -> None:
    """The model's own validators, as the service's last line of defence for every caller."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InvalidInput(
            " ".join(messages), field=None if field == "__all__" else field
        ) from error


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "organisation"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_profile(organisation: Organisation, profile: Mapping[str, Any]) -> list[str]:
    unknown = set(profile) - PROFILE_FIELDS
    if unknown:
        raise InvalidInput(
            _("Diese Angaben können hier nicht geändert werden: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    changed = []
    for field, value in profile.items():
        if field == "logo" and value and not getattr(value, "_committed", False):
            try:
                validate_logo(value)
            except ValidationError as error:
                raise InvalidInput(error.messages[0], field="logo") from error
            # Stored re-encoded: EXIF (a GPS position), comments and the like stay behind.
            value = reencode_logo(value)
        if field in ONE_LINE_PROFILE_FIELDS and isinstance(value, str):
            try:
                validate_one_line(value)
            except ValidationError as error:
                raise InvalidInput(error.messages[0], field=field) from error
        setattr(organisation, field, "" if value is None else value)
        changed.append(field)
    return changed


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise InvalidInput(_("Bitte eine Begründung angeben."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Die Begründung darf höchstens %(n)s Zeichen lang sein.") % {"n": REASON_MAX_LENGTH},
            field="reason",
        )
    if "\x00" in reason:
        raise InvalidInput(_("Die Begründung enthält unzulässige Zeichen."), field="reason")
    return reason


def _organisation_context(organisation: Organisation) -> dict[str, Any]:
    return {
        "organisation_id": organisation.pk,
        "organisation_name": organisation.name,
        "organisation_kind": organisation.kind,
    }


# --- organisations ----------------------------------------------------------------------------


def organisation_apply(*, applicant: User, kind: str, profile: Mapping[str, Any]) -> Organisation:
    """Apply to register an organisation; it starts `pending` with the applicant as its admin.

    `profile` holds PROFILE_FIELDS (at least `name`); a missing slug is made from the name.
    The coordinators are told by e-mail (organisation_applied).
    Raises InvalidInput for an unknown kind, unknown fields or invalid values.
    """
    if kind not in OrganisationKind.values:
        raise InvalidInput(_("Unbekannte Art der Organisation."), field="kind")
    if not (profile.get("name") or "").strip():
        raise InvalidInput(_("Bitte einen Namen angeben."), field="name")
    with transaction.atomic():
        organisation = Organisation(kind=kind, applied_by=applicant)
        _apply_profile(organisation, profile)
        if not organisation.slug:
            organisation.slug = _unique_slug(organisation.name)
        _full_clean(organisation, exclude=["logo"])  # the logo was checked on the way in
        organisation.status_changed_at = timezone.now()
        organisation.save()
        Membership.objects.create(user=applicant, organisation=organisation, role=Role.ADMIN)
        OrganisationStatusChange.objects.create(
            organisation=organisation,
            from_status="",
            to_status=OrganisationStatus.PENDING,
            by=applicant,
            at=organisation.status_changed_at,
        )
        notify(
            kind="organisation_applied",
            recipients=coordinators(),
            context={
                **_organisation_context(organisation),
                "applicant_name": applicant.full_name,
                "applicant_email": applicant.email,
                "admin_url": f"{settings.SITE_URL}/admin/marketplace/organisation/"
                f"{organisation.pk}/change/",
            },
            event_key=f"organisation:{organisation.pk}:applied",
            organisation=organisation,
        )
    return organisation


def organisation_update(
    *, organisation: Organisation, by: User, changes: Mapping[str, Any]
) -> Organisation:
    """Change an organisation's profile (PROFILE_FIELDS only; not kind or status).

    Precondition: `by` is an admin of the organisation or a coordinator.
    Raises NotAllowed otherwise, InvalidInput for unknown fields or invalid values.
    A replaced logo file is deleted after commit.
    """
    _require_admin_or_coordinator(by, organisation)
    with _organisation_locked(organisation.pk) as organisation:
        old_logo = organisation.logo.name if organisation.logo else ""
        changed = _apply_profile(organisation, changes)
        if not changed:
            return organisation
        _full_clean(organisation, exclude=["logo"])  # the logo was checked on the way in
        organisation.save(update_fields=changed)
        new_logo = organisation.logo.name if organisation.logo else ""
        if old_logo and old_logo != new_logo:
            storage = organisation.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return organisation


def _organisation_change_status(
    *, organisation: Organisation, by: User, to_status: str, reason: str, kind: str
) -> Organisation:
    if not by.is_coordinator:
        raise NotAllowed(_("Nur die Koordination darf Organisationen freigeben oder sperren."))
    with _organisation_locked(organisation.pk) as organisation:
        from_status = organisation.status
        if not organisation.can_change_status_to(to_status):
            raise Conflict(
                _("Eine Organisation im Status „%(from)s“ kann nicht „%(to)s“ werden.")
                % {
                    "from": OrganisationStatus(from_status).label,
                    "to": OrganisationStatus(to_status).label,
                },
                code="invalid_transition",
            )
        now = timezone.now()
        organisation.status = to_status
        organisation.status_reason = reason
        organisation.status_changed_at = now
        organisation.save(update_fields=["status", "status_reason", "status_changed_at"])
        change = OrganisationStatusChange.objects.create(
            organisation=organisation,
            from_status=from_status,
            to_status=to_status,
            by=by,
            reason=reason,
            at=now,
        )
        notify(
            kind=kind,
            recipients=admins_of(organisation),
            context={
                **_organisation_context(organisation),
                "reason": reason,
                "from_status": from_status,
                "reinstated": from_status == OrganisationStatus.SUSPENDED,
            },
            event_key=f"organisation:{organisation.pk}:status:{change.pk}",
            organisation=organisation,
        )
    return organisation


def organisation_approve(*, organisation: Organisation, by: User, reason: str = "") -> Organisation:
    """Approve a pending organisation, or reinstate a suspended one; its admins are told.

    Precondition: `by` is a coordinator (else NotAllowed).
    Raises Conflict when the status does not allow it (ORGANISATION_TRANSITIONS), InvalidInput
    for a reason that is too long, Busy when the organisation stays locked.
    """
    return _organisation_change_status(
        organisation=organisation,
        by=by,
        to_status=OrganisationStatus.APPROVED,
        reason=_clean_reason(reason, required=False),
        kind="organisation_approved",
    )


def organisation_reject(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Reject a pending application with a reason; its admins are told.

    Precondition: `by` is a coordinator (else NotAllowed).
    Raises InvalidInput without a reason, Conflict unless the organisation is pending.
    """
    return _organisation_change_status(
        organisation=organisation,
        by=by,
        to_status=OrganisationStatus.REJECTED,
        reason=_clean_reason(reason, required=True),
        kind="organisation_rejected",
    )


def organisation_suspend(*, organisation: Organisation, by: User, reason: str) -> Organisation:
    """Suspend an approved organisation with a reason: it can no longer post or book.

    Precondition: `by` is a coordinator (else NotAllowed).
    Raises InvalidInput without a reason, Conflict unless the organisation is approved.
    """
    return _organisation_change_status(
        organisation=organisation,
        by=by,
        to_status=OrganisationStatus.SUSPENDED,
        reason=_clean_reason(reason, required=True),
        kind="organisation_suspended",
    )


# --- tax exemption ----------------------------------------------------------------------------


def tax_exemption_update(
    *, organisation: Organisation, by: User, data: Mapping[str, Any]
) -> tuple[TaxExemption, bool]:
    """Record or replace a social organisation's tax-exemption notice; returns (row, created).

    `data` holds TAX_EXEMPTION_FIELDS; a missing field keeps its current value (none for a new
    record, False for `machine_receipts_notified`).
    Preconditions: `by` is an admin of the organisation or a coordinator (else NotAllowed).
    Raises InvalidInput for a company, unknown fields or invalid values.
    """
    _require_admin_or_coordinator(by, organisation)
    if organisation.kind != OrganisationKind.SOCIAL:
        raise InvalidInput(_("Nur soziale Organisationen können eine Steuerbefreiung hinterlegen."))
    unknown = set(data) - TAX_EXEMPTION_FIELDS
    if unknown:
        raise InvalidInput(_("Unbekanntes Feld."), field=sorted(unknown)[0])
    with _organisation_locked(organisation.pk) as organisation:
        exemption = TaxExemption.objects.filter(organisation=organisation).first()
        created = exemption is None
        if created:
            exemption = TaxExemption(organisation=organisation)
        for field in TAX_EXEMPTION_FIELDS:
            if field in data:
                setattr(exemption, field, data[field])
        _full_clean(exemption, exclude=["organisation"])
        exemption.save()
    return exemption, created


# --- invitations ------------------------------------------------------------------------------


def invitation_create(
    *, organisation: Organisation, by: User, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Invite an e-mail address (with or without an account) to join with `role`.

    The invitee gets an e-mail with a link valid for settings.INVITATION_MAX_AGE. An open
    invitation to the same address that has expired is revoked first.
    Precondition: `by` is an admin of the organisation or a coordinator (else NotAllowed).
    Raises InvalidInput for a bad address or role; Conflict when the organisation is rejected or
    suspended, the address already belongs to a member or has an invitation still open.
    """
    _require_admin_or_coordinator(by, organisation)
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise InvalidInput(_("Unbekannte Rolle."), field="role")
    with _organisation_locked(organisation.pk) as organisation:
        if not organisation.is_open_for_members:
            raise Conflict(
                _("Eine abgelehnte oder gesperrte Organisation kann niemanden einladen."),
                code="organisation_closed",
            )
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise Conflict(
                _("Diese Person ist schon Mitglied der Organisation."), code="already_member"
            )
        now = timezone.now()
        invitation = Invitation(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=by,
            created_at=now,
            expires_at=now + settings.INVITATION_MAX_AGE,
        )
        _full_clean(invitation, exclude=["organisation", "invited_by", "token_hash"])
        previous = Invitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).first()
        if previous is not None:
            if not previous.is_expired(now):
                raise Conflict(
                    _(
                        "An diese Adresse ist schon eine Einladung unterwegs. "
                        "Widerrufen Sie sie, um neu einzuladen."
                    ),
                    code="invitation_open",
                )
            previous.revoked_at = now
            previous.save(update_fields=["revoked_at"])
        invitation.save()
        # The token is derived from the id, so only now can its hash be kept.
        invitation.token_hash = tokens.invitation_token_hash(tokens.invitation_token(invitation))
        invitation.save(update_fields=["token_hash"])
        invitee = User.objects.filter(email__iexact=email, is_active=True).first()
        notify(
            kind="invitation",
            recipients=[
                Recipient.of(invitee) if invitee else Recipient(email=email, language="de")
            ],
            context={
                **_organisation_context(organisation),
                "inviter_name": by.full_name or by.email,
                "role": role,
                # Not the link: it is built when the e-mail is rendered (secret_links.py).
                "invitation_id": invitation.pk,
                "expires_on": timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y"),
            },
            event_key=f"invitation:{invitation.pk}",
            organisation=organisation,
        )
    return invitation


def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw an invitation that has not been accepted; its link stops working.

    Precondition: `by` is an admin of the organisation or a coordinator (else NotAllowed).
    Raises Conflict when it was already accepted or revoked.
    """
    _require_admin_or_coordinator(by, invitation.organisation)
    with _organisation_locked(invitation.organisation_id):
        invitation = Invitation.objects.get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise Conflict(_("Die Einladung wurde schon angenommen."), code="invitation_used")
        if invitation.revoked_at is not None:
            raise Conflict(_("Die Einladung wurde schon widerrufen."), code="invitation_revoked")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def invitation_by_token(token: str) -> Invitation:
    """The invitation a link points to. Raises NotFound for a token that does not exist."""
    invitation = None
    # Checked first: a token with odd characters (NUL bytes) must not reach the database.
    if TOKEN_PATTERN.fullmatch(token or ""):
        invitation = (
            Invitation.objects.select_related("organisation", "invited_by")
            .filter(token_hash=tokens.invitation_token_hash(token))
            .first()
        )
    if invitation is None:
        raise NotFound(_("Diese Einladung gibt es nicht."))
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the organisation with the invited role, as the person the invitation was sent to.

    The signed-in person's e-mail address must be the invited one (case does not matter): the
    link may be forwarded, the membership may not.
    Raises NotFound for an unknown token; NotAllowed for another address; Conflict when the
    invitation is expired, revoked or used, the person is already a member, or the organisation
    was rejected or suspended.
    """
    invitation = invitation_by_token(token)
    with _organisation_locked(invitation.organisation_id) as organisation:
        invitation = Invitation.objects.get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise Conflict(_("Diese Einladung wurde schon angenommen."), code="invitation_used")
        if invitation.revoked_at is not None:
            raise Conflict(_("Diese Einladung wurde widerrufen."), code="invitation_revoked")
        if invitation.is_expired():
            raise Conflict(
                _("Diese Einladung ist abgelaufen. Bitte lassen Sie sich neu einladen."),
                code="invitation_expired",
            )
        if user.email.lower() != invitation.email.lower():
            raise NotAllowed(
                _(
                    "Diese Einladung gilt für eine andere E-Mail-Adresse. Bitte melden Sie "
                    "sich mit der Adresse an, an die die Einladung ging."
                ),
                code="wrong_email",
            )
        if not organisation.is_open_for_members:
            raise Conflict(
                _("Die Organisation ist abgelehnt oder gesperrt."), code="organisation_closed"
            )
        if Membership.objects.filter(organisation=organisation, user=user).exists():
            raise Conflict(_("Sie sind schon Mitglied dieser Organisation."), code="already_member")
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- memberships ------------------------------------------------------------------------------


def _other_admins_exist(membership: Membership) -> bool:
    return (
        Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def _last_admin_conflict() -> Conflict:
    return Conflict(
        _(
            "Die Organisation braucht mindestens eine Administrator*in. "
            "Ernennen Sie zuerst eine andere Person zur Administrator*in."
        ),
        code="last_admin",
    )


def membership_change_role(*, membership: Membership, by: User, role: str) -> Membership:
    """Make a member an admin or an admin a member.

    Precondition: `by` is an admin of the organisation or a coordinator (else NotAllowed).
    Raises InvalidInput for an unknown role; Conflict when the last admin would be demoted
    (checked under the organisation's lock, so concurrent demotions cannot both pass);
    NotFound when the membership is gone; Busy when the lock is not had in time.
    """
    if role not in Role.values:
        raise InvalidInput(_("Unbekannte Rolle."), field="role")
    _require_admin_or_coordinator(by, membership.organisation)
    with _organisation_locked(membership.organisation_id):
        current = Membership.objects.filter(pk=membership.pk).first()
        if current is None:
            raise NotFound(_("Mitgliedschaft nicht gefunden."))
        if current.role == role:
            return current
        if current.role == Role.ADMIN and not _other_admins_exist(current):
            raise _last_admin_conflict()
        current.role = role
        current.save(update_fields=["role"])
    return current


def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member, or leave when `by` is the member.

    Precondition: `by` is the member, an admin of the organisation or a coordinator
    (else NotAllowed).
    Raises Conflict when the last admin would go (under the organisation's lock); NotFound when
    the membership is gone; Busy when the lock is not had in time.
    """
    if by.pk != membership.user_id:
        _require_admin_or_coordinator(by, membership.organisation)
    with _organisation_locked(membership.organisation_id):
        current = Membership.objects.filter(pk=membership.pk).first()
        if current is None:
            raise NotFound(_("Mitgliedschaft nicht gefunden."))
        if current.role == Role.ADMIN and not _other_admins_exist(current):
            raise _last_admin_conflict()
        current.delete()


def membership_leave(*, organisation: Organisation, user: User) -> None:
    """Leave an organisation. Raises NotFound when not a member, Conflict for the last admin."""
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        raise NotFound(_("Sie sind kein Mitglied dieser Organisation."))
    membership_remove(membership=membership, by=user)
