"""Bookings: a social organisation's request for an offer and its life until it ends.

One `Booking` table for the three kinds (volunteer slot, equipment loan, job referral) with the
kind-specific fields nullable and check constraints that say which kind fills which, so a list
of "my bookings" reads one table. Every transition writes a `BookingEvent`; the two
organisations talk in `BookingMessage` rows. (The Idempotency-Key rows that let a client
repeat a create safely live in marketplace.idempotency, shared with donations and events.)

Capacity (places, units, positions) is not counted here: it lives on the offer's side
(listings.capacity) and a booking only keeps what it needs to give it back (the slot and the
number of volunteers, the equipment hold's id, whether a position was filled).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from listings.models import Listing, VolunteerSlot
from marketplace.models import Organisation


class BookingKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Freiwilligeneinsatz")
    EQUIPMENT = "equipment", _("Ausleihe")
    JOB = "job", _("Vermittlung")


class BookingState(models.TextChoices):
    # volunteer slot and equipment loan
    REQUESTED = "requested", _("angefragt")
    CONFIRMED = "confirmed", _("bestätigt")
    DECLINED = "declined", _("abgelehnt")
    EXPIRED = "expired", _("abgelaufen")
    CANCELLED = "cancelled", _("storniert")
    # volunteer slot
    COMPLETED = "completed", _("durchgeführt")
    HOURS_CONFIRMED = "hours_confirmed", _("Stunden bestätigt")
    # equipment loan
    HANDED_OVER = "handed_over", _("übergeben")
    OVERDUE = "overdue", _("überfällig")
    RETURNED = "returned", _("zurückgegeben")
    LOST = "lost", _("verloren oder außer Betrieb")
    # job referral
    SUBMITTED = "submitted", _("eingereicht")
    INTERVIEWING = "interviewing", _("im Gespräch")
    HIRED = "hired", _("eingestellt")
    REJECTED = "rejected", _("abgesagt")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


class BookingGroup(models.Model):
    """A request for several items of one company for the same days ("Sammelanfrage"): one
    message, one answer. Each item stays a Booking of its own (kind equipment, its own units
    and hold), so capacity, reports and calendars count every item once; the group only ties
    them together for the request, the answer, the e-mails and the calendar entry."""

    requester = models.ForeignKey(
        Organisation,
        verbose_name=_("anfragende Organisation"),
        on_delete=models.PROTECT,
        related_name="booking_groups_requested",
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("anbietende Organisation"),
        on_delete=models.PROTECT,
        related_name="booking_groups_provided",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefragt von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    message = models.TextField(_("Nachricht zur Anfrage"), max_length=5000, blank=True)
    purpose = models.TextField(_("Zweck"), max_length=2000, blank=True)
    pickup_on = models.DateField(_("Abholung am"))
    return_on = models.DateField(_("Rückgabe am"))
    created_at = models.DateTimeField(_("angefragt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Sammelanfrage")
        verbose_name_plural = _("Sammelanfragen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="booking_group_requester"),
            models.Index(fields=["provider", "-created_at"], name="booking_group_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("provider")), name="booking_group_not_own_offer"
            ),
            models.CheckConstraint(
                condition=Q(return_on__gte=F("pickup_on")), name="booking_group_days"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self._meta.verbose_name}"

    @property
    def path(self) -> str:
        """Where a person sees the request in the web app (links in e-mails)."""
        return f"/buchungen/sammelanfragen/{self.pk}/"


class Booking(models.Model):
    kind = models.CharField(_("Art"), max_length=10, choices=BookingKind.choices, editable=False)
    state = models.CharField(_("Status"), max_length=16, choices=BookingState.choices)
    listing = models.ForeignKey(
        Listing, verbose_name=_("Angebot"), on_delete=models.PROTECT, related_name="bookings"
    )
    requester = models.ForeignKey(
        Organisation,
        verbose_name=_("anfragende Organisation"),
        on_delete=models.PROTECT,
        related_name="bookings_requested",
        db_index=False,  # booking_requester_new leads with it
    )
    provider = models.ForeignKey(
        Organisation,
        verbose_name=_("anbietende Organisation"),
        on_delete=models.PROTECT,
        related_name="bookings_provided",
        db_index=False,  # booking_provider_new leads with it
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angefragt von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    message = models.TextField(_("Nachricht zur Anfrage"), max_length=5000, blank=True)
    # Set for the items of a request for several items (one answer, one e-mail for all).
    group = models.ForeignKey(
        BookingGroup,
        verbose_name=_("Sammelanfrage"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    created_at = models.DateTimeField(_("angefragt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    # When the booking's date begins (slot start, first loan day, referral date): lists sort
    # and filter by it.
    starts_at = models.DateTimeField(_("Beginn"), db_index=True)
    # An unanswered request becomes `expired` at this moment (the beat task).
    expires_at = models.DateTimeField(_("läuft ab am"), null=True, blank=True)
    # When it reached a final state; a referral's candidate data is anonymised some months on.
    ended_at = models.DateTimeField(_("beendet am"), null=True, blank=True)

    # --- volunteer slot ---
    slot = models.ForeignKey(
        VolunteerSlot,
        verbose_name=_("Termin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    volunteers = models.PositiveIntegerField(
        _("Freiwillige"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    task = models.TextField(_("Aufgabe"), max_length=2000, blank=True)
    place = models.CharField(_("Einsatzort"), max_length=300, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    volunteers_given = models.PositiveIntegerField(_("Freiwillige im Einsatz"), null=True)
    hours_given = models.DecimalField(
        _("geleistete Stunden"),
        max_digits=7,
        decimal_places=2,
        null=True,
        validators=[MinValueValidator(0), MaxValueValidator(99_999)],
    )
    hours_confirmed_at = models.DateTimeField(_("Stunden bestätigt am"), null=True)

    # --- equipment loan ---
    units = models.PositiveIntegerField(
        _("Stück"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Both days inclusive, as people say them: a same-day loan has pickup_on == return_on.
    pickup_on = models.DateField(_("Abholung am"), null=True, blank=True)
    return_on = models.DateField(_("Rückgabe am"), null=True, blank=True)
    purpose = models.TextField(_("Zweck"), max_length=2000, blank=True)
    # listings.capacity's id for the units taken; null once they are given back.
    hold_id = models.UUIDField(null=True, blank=True, editable=False)
    handed_over_at = models.DateTimeField(_("übergeben am"), null=True)
    handover_note = models.TextField(_("Zustand bei Übergabe"), max_length=2000, blank=True)
    returned_at = models.DateTimeField(_("zurückgegeben am"), null=True)
    return_note = models.TextField(_("Zustand bei Rückgabe"), max_length=2000, blank=True)
    damaged = models.BooleanField(_("beschädigt"), default=False)
    # The item's deposit when it was requested (a later change of the offer leaves it); the
    # hand-over records whether it was received, the return whether it was paid back or kept.
    deposit = models.DecimalField(
        _("Kaution in Euro"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    deposit_received = models.BooleanField(_("Kaution erhalten"), null=True, blank=True)
    deposit_paid_back = models.BooleanField(_("Kaution zurückgezahlt"), null=True, blank=True)
    deposit_kept_reason = models.TextField(
        _("Grund für die einbehaltene Kaution"), max_length=2000, blank=True
    )

    # --- job referral ---
    candidate_name = models.CharField(_("Name der Person"), max_length=150, blank=True)
    candidate_contact = models.CharField(_("Kontakt der Person"), max_length=254, blank=True)
    candidate_note = models.TextField(_("Kurzvorstellung"), max_length=2000, blank=True)
    candidate_consent = models.BooleanField(_("Einwilligung der Person"), default=False)
    consent_date = models.DateField(_("Einwilligung vom"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="booking_requester_new"),
            models.Index(fields=["provider", "-created_at"], name="booking_provider_new"),
            # The beat tasks look for unanswered requests and loans out.
            models.Index(fields=["state", "expires_at"], name="booking_state_expiry"),
            # The reports (reports/figures.py): one per kind, by state and the date that places
            # the booking in time, covering what the report sums, so that each kind's figures
            # and its month-by-month counts are read from the index alone.
            models.Index(
                fields=["state", "starts_at"],
                include=[
                    "kind",
                    "id",
                    "provider",
                    "requester",
                    "volunteers",
                    "volunteers_given",
                    "hours_given",
                ],
                condition=Q(kind="volunteer"),
                name="booking_report_volunteer",
            ),
            models.Index(
                fields=["state", "handed_over_at"],
                include=[
                    "kind",
                    "id",
                    "provider",
                    "requester",
                    "listing",
                    "units",
                    "pickup_on",
                    "return_on",
                ],
                condition=Q(kind="equipment"),
                name="booking_report_loan",
            ),
            models.Index(
                fields=["state", "ended_at"],
                include=["kind", "id", "provider", "requester", "created_at"],
                condition=Q(kind="job"),
                name="booking_report_job",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("provider")), name="booking_not_own_offer"
            ),
            models.CheckConstraint(
                condition=~Q(kind="volunteer")
                | Q(slot__isnull=False, volunteers__isnull=False, volunteers__gte=1),
                name="booking_volunteer_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind="equipment")
                | Q(
                    units__isnull=False,
                    units__gte=1,
                    pickup_on__isnull=False,
                    return_on__isnull=False,
                    return_on__gte=F("pickup_on"),
                ),
                name="booking_loan_days",
            ),
            models.CheckConstraint(
                # Nobody is referred without consent; an anonymised referral keeps the fact.
                condition=~Q(kind="job") | Q(candidate_consent=True, consent_date__isnull=False),
                name="booking_job_consent",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} ({self.get_state_display()})"

    @property
    def path(self) -> str:
        """Where a person sees the booking in the web app (links in e-mails)."""
        return f"/buchungen/{self.pk}/"


class BookingEvent(models.Model):
    """One transition: who moved the booking from which state to which, when and why.
    `by` is empty when the system did it (expiry, overdue)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("Aktion"), max_length=20)
    from_state = models.CharField(_("von"), max_length=16, choices=BookingState.choices, blank=True)
    to_state = models.CharField(_("nach"), max_length=16, choices=BookingState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(_("Nachricht"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("Buchungsschritt")
        verbose_name_plural = _("Buchungsschritte")
        ordering = ["at", "id"]
        indexes = [
            # The reports: referrals that went into interviewing or hired in a period.
            models.Index(
                fields=["to_state", "at"], include=["booking"], name="booking_event_step_at"
            ),
        ]

    def __str__(self):
        return f"{self.booking_id}: {self.from_state or '-'} → {self.to_state}"


class BookingMessage(models.Model):
    """A message in the thread between the two organisations of a booking."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The side the author wrote for (a person may belong to both organisations).
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("Nachricht"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["booking", "created_at"], name="booking_message_thread")]

    def __str__(self):
        return f"{self.booking_id}: {self.body[:40]}"


class CalendarFeedToken(models.Model):
    """The secret in a person's private calendar feed URL (/kalender/<token>.ics).

    Whoever has the URL reads the person's confirmed dates without logging in, so the token is
    long and random, and regenerating it replaces it (the old URL answers 404 from then on).
    Kept in clear text like an API token: the person must be able to see the URL again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Kalender-Abo")
        verbose_name_plural = _("Kalender-Abos")

    def __str__(self):
        return f"{self.user_id}: {self.token[:6]}…"

    @property
    def path(self) -> str:
        return f"/kalender/{self.token}.ics"


# --- waiting lists ------------------------------------------------------------------------------


class WaitlistState(models.TextChoices):
    WAITING = "waiting", _("wartet")
    # A request was created for the entry when a place or units freed up (booking).
    OFFERED = "offered", _("nachgerückt")
    LEFT = "left", _("verlassen")
    EXPIRED = "expired", _("abgelaufen")
    # The person could no longer book for the organisation (left it, organisation not approved,
    # the offer's rules changed): ended instead of served.
    ENDED = "ended", _("beendet")


class WaitlistEntry(models.Model):
    """A social organisation waiting for a full volunteer slot or for units of an item on some
    days, with everything its request will need: when capacity frees up, the first entry whose
    request fits is turned into a request through the same services (bookings.services.waitlist),
    so the order of the list is created_at, id."""

    kind = models.CharField(_("Art"), max_length=10, choices=BookingKind.choices[:2])
    state = models.CharField(
        _("Status"), max_length=10, choices=WaitlistState.choices, default=WaitlistState.WAITING
    )
    listing = models.ForeignKey(
        Listing, verbose_name=_("Angebot"), on_delete=models.CASCADE, related_name="waitlist"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("wartende Organisation"),
        on_delete=models.CASCADE,
        related_name="waitlist_entries",
    )
    # The person the request will be made by (it is theirs, as if they had asked again).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("eingetragen von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    message = models.TextField(_("Nachricht zur Anfrage"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("eingetragen am"), default=timezone.now)
    # The last day the entry waits: the slot's day or the pickup day.
    expires_on = models.DateField(_("wartet bis"))
    ended_at = models.DateTimeField(_("beendet am"), null=True, blank=True)
    booking = models.ForeignKey(
        Booking,
        verbose_name=_("Anfrage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # --- volunteer slot ---
    slot = models.ForeignKey(
        VolunteerSlot,
        verbose_name=_("Termin"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist",
    )
    volunteers = models.PositiveIntegerField(_("Freiwillige"), null=True, blank=True)
    task = models.TextField(_("Aufgabe"), max_length=2000, blank=True)
    place = models.CharField(_("Einsatzort"), max_length=300, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)

    # --- equipment loan (the item is the listing) ---
    units = models.PositiveIntegerField(_("Stück"), null=True, blank=True)
    pickup_on = models.DateField(_("Abholung am"), null=True, blank=True)
    return_on = models.DateField(_("Rückgabe am"), null=True, blank=True)
    purpose = models.TextField(_("Zweck"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Eintrag auf der Warteliste")
        verbose_name_plural = _("Wartelisten")
        ordering = ["created_at", "id"]
        indexes = [
            # Serving walks an offer's waiting entries in order.
            models.Index(
                fields=["listing", "created_at", "id"],
                condition=Q(state="waiting"),
                name="waitlist_waiting_order",
            ),
            models.Index(fields=["organisation", "-created_at"], name="waitlist_organisation"),
            models.Index(
                fields=["expires_on"], condition=Q(state="waiting"), name="waitlist_expiry"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slot"],
                condition=Q(state="waiting", slot__isnull=False),
                name="waitlist_one_per_slot",
                violation_error_message=_("Ihre Organisation wartet schon auf diesen Termin."),
            ),
            models.UniqueConstraint(
                fields=["organisation", "listing", "pickup_on", "return_on"],
                condition=Q(state="waiting", kind="equipment"),
                name="waitlist_one_per_item_days",
                violation_error_message=_("Ihre Organisation wartet schon auf diese Tage."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="volunteer")
                | Q(slot__isnull=False, volunteers__isnull=False, volunteers__gte=1),
                name="waitlist_volunteer_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind="equipment")
                | Q(
                    units__isnull=False,
                    units__gte=1,
                    pickup_on__isnull=False,
                    return_on__isnull=False,
                    return_on__gte=F("pickup_on"),
                ),
                name="waitlist_loan_days",
            ),
            models.CheckConstraint(
                condition=~Q(state="offered") | Q(booking__isnull=False),
                name="waitlist_offered_has_booking",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} ({self.get_state_display()})"
