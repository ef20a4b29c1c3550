"""Needs (Gesuche) of social organisations and the proposals companies answer them with.

A need says what a social organisation is looking for (helpers, equipment, a placement, goods or
money), how much, when and where, and until when it is open. A company answers with a proposal:
a message and, optionally, one of its own offers (a volunteer slot with a number of volunteers,
or an equipment item with units and days). Accepting a proposal that points to an offer creates
the booking through bookings' services (needs/services/proposals.py), so the offer's capacity
rules hold as for a direct request.

Statuses move only along needs/states.py; each move writes a NeedEvent (who, when, from, to).
The database guards the rest: one open proposal per company and need, positive numbers, a date
range that does not end before it starts. On PostgreSQL `needs_need.search_vector` (German full
text, kept by a trigger, GIN-indexed) lives in migration 0001 only, as listings' does.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listings.models import Category, Equipment, VolunteerSlot, normalise_for_search
from marketplace.models import Organisation


class HelpKind(models.TextChoices):
    VOLUNTEERS = "volunteers", _("Helfende")
    EQUIPMENT = "equipment", _("Ausstattung / Ausleihe")
    PLACEMENT = "placement", _("Stelle / Vermittlung")
    GOODS = "goods", _("Sachspenden")
    MONEY = "money", _("Geld")


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")
    FULFILLED = "fulfilled", _("erfüllt")
    CLOSED = "closed", _("geschlossen")
    EXPIRED = "expired", _("abgelaufen")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("vorgeschlagen")
    ACCEPTED = "accepted", _("angenommen")
    DECLINED = "declined", _("abgelehnt")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


# How long a need stays open when the form leaves it out.
DEFAULT_OPEN_DAYS = 30


def default_open_until() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=DEFAULT_OPEN_DAYS)


class Need(models.Model):
    """What a social organisation is looking for."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="needs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=5000, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("Kategorie"), on_delete=models.PROTECT, related_name="needs"
    )
    help_kind = models.CharField(_("Art der Hilfe"), max_length=12, choices=HelpKind.choices)
    quantity = models.PositiveIntegerField(
        _("Anzahl"), null=True, blank=True, help_text=_("Helfende oder Stück; leer: offen")
    )
    # No dates: "flexibel". One date: that day. Two: a range (both inclusive).
    date_from = models.DateField(_("ab"), null=True, blank=True)
    date_until = models.DateField(_("bis"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=300, blank=True)
    open_until = models.DateField(_("offen bis"), default=default_open_until)
    status = models.CharField(
        _("Status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    # Derived, kept by save(): title and description normalised, for word parts on both DBs.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Gesuch")
        verbose_name_plural = _("Gesuche")
        ordering = ["-id"]
        indexes = [
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="need_pub_newest",
                condition=Q(status="published"),
            ),
            models.Index(fields=["organisation", "status"], name="need_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=1),
                name="need_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(date_until__isnull=True)
                | Q(date_from__isnull=False, date_until__gte=models.F("date_from")),
                name="need_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="need_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.search_text = normalise_for_search(f"{self.title} {self.description}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def path(self) -> str:
        """The need's page in the web app (web/urls.py)."""
        return f"/gesuche/{self.pk}/"

    @property
    def is_flexible(self) -> bool:
        return self.date_from is None

    @property
    def last_day(self) -> dt.date | None:
        """The last day the need is of use: its date (range), else None (flexible)."""
        return self.date_until or self.date_from

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.PUBLISHED


class Proposal(models.Model):
    """A company's answer to a need: a message and optionally one of its offers."""

    need = models.ForeignKey(
        Need, verbose_name=_("Gesuch"), on_delete=models.CASCADE, related_name="proposals"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Unternehmen"),
        on_delete=models.CASCADE,
        related_name="need_proposals",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("Nachricht"), max_length=5000)
    # Optional: the offer proposed (a slot with a number of volunteers, or an item with units
    # from a pickup day through a return day).
    slot = models.ForeignKey(
        VolunteerSlot,
        verbose_name=_("Termin"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    volunteers = models.PositiveSmallIntegerField(_("Freiwillige"), null=True, blank=True)
    item = models.ForeignKey(
        Equipment,
        verbose_name=_("Gegenstand"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    units = models.PositiveSmallIntegerField(_("Stück"), null=True, blank=True)
    pickup_on = models.DateField(_("Abholung am"), null=True, blank=True)
    return_on = models.DateField(_("Rückgabe am"), null=True, blank=True)
    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    answer = models.TextField(_("Antwort"), max_length=5000, blank=True)
    booking = models.ForeignKey(
        "bookings.Booking",
        verbose_name=_("Buchung"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "organisation"],
                condition=Q(status="proposed"),
                name="proposal_one_open_per_company",
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True) | Q(item__isnull=True),
                name="proposal_slot_or_item",
            ),
            models.CheckConstraint(
                condition=Q(volunteers__isnull=True) | Q(volunteers__gte=1),
                name="proposal_volunteers_positive",
            ),
            models.CheckConstraint(
                condition=Q(units__isnull=True) | Q(units__gte=1),
                name="proposal_units_positive",
            ),
            models.CheckConstraint(
                condition=Q(return_on__isnull=True)
                | Q(pickup_on__isnull=False, return_on__gte=models.F("pickup_on")),
                name="proposal_days_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} → {self.need}"

    @property
    def offer_kind(self) -> str:
        """ "volunteer", "equipment" or "" (a message only)."""
        if self.slot_id:
            return "volunteer"
        if self.item_id:
            return "equipment"
        return ""


# How the history on a need's page names each action (NeedEvent.action).
EVENT_LABELS = {
    "create": _("angelegt"),
    "publish": _("veröffentlicht"),
    "close": _("geschlossen"),
    "fulfil": _("als erfüllt markiert"),
    "expire": _("abgelaufen"),
    "propose": _("Vorschlag gemacht"),
    "accept": _("Vorschlag angenommen"),
    "decline": _("Vorschlag abgelehnt"),
    "withdraw": _("Vorschlag zurückgezogen"),
    "need_fulfilled": _("Vorschlag beendet: Gesuch erfüllt"),
    "need_closed": _("Vorschlag beendet: Gesuch geschlossen"),
    "need_expired": _("Vorschlag beendet: Gesuch abgelaufen"),
}


class NeedEvent(models.Model):
    """Who moved a need or one of its proposals from one status to another, when and why."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("Aktion"), max_length=20)
    from_status = models.CharField(_("von"), max_length=10, blank=True)
    to_status = models.CharField(_("nach"), max_length=10)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action}: {self.from_status} → {self.to_status}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class NeedDigestMark(models.Model):
    """When a person last got the daily digest of fitting needs (at most one a day)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_digest_mark"
    )
    sent_on = models.DateField()
    sent_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user_id}: {self.sent_on}"
