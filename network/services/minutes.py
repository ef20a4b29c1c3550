"""Every write of minutes: the text, the organisations that took part (with how many of each
came, through the attendance service of registrations), decisions and next steps with an owner,
attachments (photos and PDFs, network/attachments.py), and publishing, which tells the
registered people of a network event or the members of the group of an AG meeting.

Writes to an event's minutes are made under the event's row lock, so two hosts saving at once
cannot make two minutes, and the attachment limit holds.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketplace.errors import Conflict, InvalidInput, NotAllowed, NotFound
from marketplace.locking import lock_rows, locking_transaction
from marketplace.models import Membership, Organisation, OrganisationStatus, User
from marketplace.text import clean_text

from .. import notices_groups as notices
from ..attachments import check_attachment
from ..models import (
    Decision,
    Event,
    EventState,
    GroupMembershipState,
    Minutes,
    MinutesAttachment,
    Registration,
    RegistrationState,
)
from ..selectors_minutes import may_write_minutes
from .registrations import event_attendance_counts_set

MAX_DECISIONS = 50
MAX_ORGANISATIONS = 200
MAX_ATTACHMENTS = 10
TEXT_LIMIT = 50000


@dataclass(frozen=True)
class DecisionInput:
    text: str
    owner_id: int | None = None
    due: dt.date | None = None


def _busy() -> str:
    return _("Das Protokoll wird gerade gespeichert. Bitte gleich noch einmal.")


def _lock_event(event: Event) -> Event:
    rows = lock_rows(
        Event.objects.filter(pk=event.pk).select_for_update(of=("self",))[:1],
        busy_message=_busy(),
    )
    if not rows:
        raise NotFound(_("Diese Veranstaltung gibt es nicht."))
    return rows[0]


def _may_write(event: Event, by: User, now: dt.datetime) -> None:
    if not may_write_minutes(by, event):
        raise NotAllowed(_("Das Protokoll schreiben die Gastgeber der Veranstaltung."))
    if event.state not in (EventState.PUBLISHED, EventState.HELD) or event.starts_at > now:
        raise Conflict(_("Ein Protokoll gibt es erst, wenn die Veranstaltung begonnen hat."))


def _organisation_ids(ids) -> list[int]:
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_ORGANISATIONS:
        raise InvalidInput(
            ngettext(
                "Höchstens %(n)d Organisation.",
                "Höchstens %(n)d Organisationen.",
                MAX_ORGANISATIONS,
            )
            % {"n": MAX_ORGANISATIONS},
            field="organisations",
        )
    found = set(
        Organisation.objects.filter(pk__in=ids, status=OrganisationStatus.APPROVED).values_list(
            "pk", flat=True
        )
    )
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            _("Diese Organisationen gibt es im Netzwerk nicht: %(ids)s")
            % {"ids": ", ".join(map(str, missing))},
            field="organisations",
        )
    return ids


def _decisions(items: list[DecisionInput]) -> list[DecisionInput]:
    if len(items) > MAX_DECISIONS:
        raise InvalidInput(
            ngettext("Höchstens %(n)d Beschluss.", "Höchstens %(n)d Beschlüsse.", MAX_DECISIONS)
            % {"n": MAX_DECISIONS},
            field="decisions",
        )
    owners = {item.owner_id for item in items if item.owner_id is not None}
    # An owner is a person of the network (in an approved organisation).
    known = set(
        Membership.objects.filter(
            user_id__in=owners,
            user__is_active=True,
            organisation__status=OrganisationStatus.APPROVED,
        ).values_list("user_id", flat=True)
    )
    if owners - known:
        raise InvalidInput(
            _("Wer einen Beschluss umsetzt, muss zum Netzwerk gehören."), field="decisions"
        )
    return [
        DecisionInput(
            text=clean_text(item.text, field="decisions", limit=1000, required=True),
            owner_id=item.owner_id,
            due=item.due,
        )
        for item in items
    ]


def minutes_save(
    *,
    event: Event,
    by: User,
    text: str,
    organisation_ids: list[int] = (),
    decisions: list[DecisionInput] = (),
    attendance: dict[int, int] | None = None,
    now: dt.datetime | None = None,
) -> Minutes:
    """Write or rewrite the minutes of an event that has begun: the text, the organisations
    that took part, the decisions (replacing earlier ones, in the given order) and, if given,
    how many people of each organisation came (event_attendance_counts_set). Published minutes
    may be corrected; nobody is told again. Raises NotAllowed (not a host), Conflict (a draft
    or cancelled event, or one that has not begun), InvalidInput, Busy."""
    now = now or timezone.now()
    _may_write(event, by, now)
    text = clean_text(text, field="text", limit=TEXT_LIMIT, required=True)
    organisation_ids = _organisation_ids(organisation_ids)
    decisions = _decisions(list(decisions))
    with locking_transaction(_busy()):
        event = _lock_event(event)
        minutes = Minutes.objects.filter(event=event).first()
        if minutes is None:
            minutes = Minutes.objects.create(event=event, text=text, written_by=by, created_at=now)
        else:
            minutes.text, minutes.written_by = text, by
            minutes.save(update_fields=["text", "written_by", "updated_at"])
        minutes.organisations.set(organisation_ids)
        minutes.decisions.all().delete()
        Decision.objects.bulk_create(
            Decision(
                minutes=minutes,
                text=item.text,
                owner_id=item.owner_id,
                due=item.due,
                position=position,
            )
            for position, item in enumerate(decisions)
        )
        if attendance is not None:
            try:
                event_attendance_counts_set(event=event, by=by, counts=attendance, now=now)
            except InvalidInput as error:
                raise InvalidInput(error.message, field="attendance") from None
    return minutes


def _recipients(event: Event):
    """Who hears that the minutes are out: the group's active members for an AG meeting,
    everyone with a seat otherwise."""
    if event.group_id is not None:
        return User.objects.filter(
            is_active=True,
            group_memberships__group_id=event.group_id,
            group_memberships__state=GroupMembershipState.ACTIVE,
        ).distinct()
    return User.objects.filter(
        is_active=True,
        pk__in=Registration.objects.filter(event=event, state=RegistrationState.REGISTERED).values(
            "person_id"
        ),
    )


def minutes_publish(*, event: Event, by: User, now: dt.datetime | None = None) -> Minutes:
    """Publish the event's minutes: members may read them from now on, and the registered
    people (for an AG meeting: the group's members) are told. Raises NotAllowed, NotFound (no
    minutes written yet), Conflict (published already), Busy."""
    now = now or timezone.now()
    _may_write(event, by, now)
    with locking_transaction(_busy()):
        event = _lock_event(event)
        minutes = Minutes.objects.filter(event=event).select_related("event", "written_by").first()
        if minutes is None:
            raise Conflict(_("Es gibt noch kein Protokoll. Bitte zuerst schreiben."))
        if minutes.published_at is not None:
            raise Conflict(_("Das Protokoll ist schon veröffentlicht."))
        minutes.published_at = now
        minutes.save(update_fields=["published_at", "updated_at"])
        notices.minutes_published(minutes, _recipients(event))
    return minutes


def minutes_attachment_add(*, event: Event, by: User, upload) -> MinutesAttachment:
    """Check and store a photo or PDF with the minutes (written first). Raises NotAllowed,
    Conflict (no minutes yet, MAX_ATTACHMENTS reached), InvalidInput (field "file"), Busy."""
    _may_write(event, by, timezone.now())
    checked = check_attachment(upload)
    with locking_transaction(_busy()):
        event = _lock_event(event)
        minutes = Minutes.objects.filter(event=event).first()
        if minutes is None:
            raise Conflict(_("Es gibt noch kein Protokoll. Bitte zuerst schreiben."))
        count = minutes.attachments.count()
        if count >= MAX_ATTACHMENTS:
            raise Conflict(
                ngettext(
                    "Höchstens %(n)d Anhang je Protokoll.",
                    "Höchstens %(n)d Anhänge je Protokoll.",
                    MAX_ATTACHMENTS,
                )
                % {"n": MAX_ATTACHMENTS}
            )
        attachment = MinutesAttachment(
            minutes=minutes,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            position=count,
            uploaded_by=by,
        )
        attachment.file.save(f"{event.pk}/{checked.content.name}", checked.content, save=False)
        name = attachment.file.name
        try:
            attachment.save()
        except Exception:
            default_storage.delete(name)
            raise
    return attachment


def minutes_attachment_delete(*, attachment: MinutesAttachment, by: User) -> None:
    """Remove an attachment and, after commit, its file. Raises NotAllowed."""
    event = attachment.minutes.event
    if not may_write_minutes(by, event):
        raise NotAllowed(_("Das Protokoll schreiben die Gastgeber der Veranstaltung."))
    name = attachment.file.name
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: default_storage.delete(name))
