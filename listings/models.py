"""Offers (listings) of companies and the capacity they have to give.

Every offer is a `Listing` row (title, description, status, who posted it) with one of three
kinds below it (multi-table inheritance), so one search reads one table and each kind keeps
its own fields.

Capacity lives here, on the offer's side, so the search can count what is free without knowing
bookings; bookings take and give back capacity through listings.capacity. The database guards
the counts: `volunteers_held <= volunteers_available`, `positions_filled <= positions`, and on
PostgreSQL an exclusion constraint keeps two allocations of one equipment unit from overlapping
(migration 0002; unavailable dates are `blocked` allocations of every unit, so the constraint
and the free-unit count treat them like loans).

PostgreSQL-only parts live in migrations, not in Meta, so the models also run on SQLite:
`listings_listing.search_vector` (tsvector, German, filled by a trigger), its GIN index, a
trigram index on `search_text`, and the exclusion constraint.
"""

import unicodedata
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict
from marketplace.models import Organisation, phone_validator, postcode_validator

from .handover import all_weekdays
from .validators import validate_handover_weekdays, validate_languages, validate_skills


class Category(models.Model):
    """A topic offers are filed under; the coordinator keeps the list in the admin."""

    slug = models.SlugField(_("Kurzname"), max_length=60, unique=True)
    name_de = models.CharField(_("Name (deutsch)"), max_length=100)
    name_en = models.CharField(_("Name (englisch)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Inaktive Kategorien können nicht neu gewählt werden."),
    )

    class Meta:
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")
        ordering = ["position", "name_de", "id"]

    def __str__(self):
        return self.name_de

    @property
    def name(self) -> str:
        """The name in the active language, German when there is no translation."""
        if (get_language() or "de").startswith("en") and self.name_en:
            return self.name_en
        return self.name_de


class ListingKind(models.TextChoices):
    VOLUNTEER_ACTION = "volunteer_action", _("Freiwilligenaktion")
    EQUIPMENT = "equipment", _("Ausleihe")
    JOB = "job", _("Stellenangebot")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")
    PAUSED = "paused", _("pausiert")
    CLOSED = "closed", _("geschlossen")


class ClosedReason(models.TextChoices):
    MANUAL = "manual", _("von Hand geschlossen")
    DEADLINE = "deadline", _("Bewerbungsfrist abgelaufen")
    FILLED = "filled", _("alle Stellen besetzt")


# Which status may follow which: by hand (publish, pause, close), by the deadline sweep and by a
# job's positions (filled: closed; free again: published). Everything else is refused (409).
LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    ListingStatus.DRAFT: frozenset({ListingStatus.PUBLISHED, ListingStatus.CLOSED}),
    ListingStatus.PUBLISHED: frozenset({ListingStatus.PAUSED, ListingStatus.CLOSED}),
    ListingStatus.PAUSED: frozenset({ListingStatus.PUBLISHED, ListingStatus.CLOSED}),
    ListingStatus.CLOSED: frozenset({ListingStatus.PUBLISHED}),
}
STATUS_FIELDS = ["status", "status_changed_at", "closed_reason", "published_at", "updated_at"]


_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def normalise_for_search(text: str) -> str:
    """Lower case without umlauts or accents, as the German Snowball stemmer writes stems."""
    folded = text.lower().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Listing(models.Model):
    """What every offer has; the kind-specific rows extend it (multi-table inheritance)."""

    kind = models.CharField(_("Art"), max_length=20, choices=ListingKind.choices, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Organisation"),
        on_delete=models.CASCADE,
        related_name="listings",
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=10_000)
    category = models.ForeignKey(
        Category, verbose_name=_("Kategorie"), on_delete=models.PROTECT, related_name="listings"
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    # "nur für Netzwerkmitglieder": out of the public views (directory, anonymous search).
    members_only = models.BooleanField(
        _("nur für Netzwerkmitglieder"),
        default=False,
        help_text=_("Nur angemeldete Mitglieder freigegebener Organisationen sehen das Angebot."),
    )
    # A full slot's or item's waiting list: whoever moves up is confirmed at once instead of
    # asked for (bookings.services.waitlist).
    waitlist_confirms = models.BooleanField(
        _("Nachrücker sofort bestätigen"),
        default=False,
        help_text=_(
            "Wer von der Warteliste nachrückt, ist sofort bestätigt, statt erst anzufragen."
        ),
    )
    closed_reason = models.CharField(
        _("Grund der Schließung"), max_length=10, choices=ClosedReason.choices, blank=True
    )
    # Extra words found by the search (a volunteer action's skills).
    keywords = models.TextField(_("Stichwörter"), blank=True, editable=False)
    # Derived, kept by save(): title and keywords normalised, for substring search of word parts
    # ("Tisch" in "Biertischgarnitur"); trigram-indexed on PostgreSQL.
    search_text = models.TextField(blank=True, editable=False)
    # Derived, kept by the services: the date "soonest" sorts by (next slot, job start).
    next_date = models.DateField(_("nächster Termin"), null=True, blank=True, editable=False)
    # Derived: the last day the offer shows in the search (a job's application deadline).
    visible_until = models.DateField(null=True, blank=True, editable=False)
    thumbnail = models.CharField(max_length=255, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["-id"]
        indexes = [
            # The search's orderings over published offers (newest, soonest), overall and by
            # kind and category; keyset pagination walks them without counting.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="listing_pub_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                "kind",
                F("published_at").desc(),
                F("id").desc(),
                name="listing_pub_kind_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                "category",
                F("published_at").desc(),
                F("id").desc(),
                name="listing_pub_cat_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                "next_date",
                F("published_at").desc(),
                F("id").desc(),
                name="listing_pub_soonest",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False)
                | ~Q(status="published"),
                name="listing_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    KIND: str = ""

    def save(self, *args, **kwargs):
        if self.KIND:
            self.kind = self.KIND
        self.search_text = normalise_for_search(f"{self.title} {self.keywords}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "keywords"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def can_change_status_to(self, status: str) -> bool:
        return status in LISTING_TRANSITIONS.get(self.status, frozenset())

    def change_status(
        self, to: str, *, by=None, reason: str = "", closed_reason: str = ""
    ) -> list[str]:
        """Move the offer to `to` and write the event row (who, from, to, why); the one way
        a status changes (services by hand, the deadline sweep, a job's positions). The caller
        holds the row lock, has asked can_change_status_to() for its own message, and saves
        with the returned fields. Raises Conflict when LISTING_TRANSITIONS does not allow it.
        """
        if not self.can_change_status_to(to):
            raise Conflict(
                gettext("Ein Angebot im Status „%(from)s“ kann nicht „%(to)s“ werden.")
                % {"from": ListingStatus(self.status).label, "to": ListingStatus(to).label},
                code="invalid_transition",
            )
        ListingStatusChange.objects.create(
            listing=self, from_status=self.status, to_status=to, by=by, reason=reason[:500]
        )
        self.status = to
        self.status_changed_at = timezone.now()
        self.closed_reason = closed_reason
        if to == ListingStatus.PUBLISHED and self.published_at is None:
            self.published_at = self.status_changed_at
        return STATUS_FIELDS

    @property
    def is_public(self) -> bool:
        """Seen by every signed-in person (not only the owners and the coordinator)."""
        return self.status == ListingStatus.PUBLISHED and self.organisation.is_approved

    def specific(self) -> "Listing":
        """The kind's own row (VolunteerAction, Equipment or JobOffer) of this listing."""
        attr = {
            ListingKind.VOLUNTEER_ACTION: "volunteeraction",
            ListingKind.EQUIPMENT: "equipment",
            ListingKind.JOB: "joboffer",
        }[self.kind]
        return getattr(self, attr)


class ListingStatusChange(models.Model):
    """Who moved an offer from one status to another, when and why."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ListingStatus.choices)
    to_status = models.CharField(max_length=10, choices=ListingStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Statuswechsel")
        verbose_name_plural = _("Statuswechsel")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.listing_id}: {self.from_status} → {self.to_status}"


# --- Volunteer actions ------------------------------------------------------------------------


class VolunteerLocation(models.TextChoices):
    AT_ORGANISATION = "at_organisation", _("bei der sozialen Organisation")
    MEETING_POINT = "meeting_point", _("an einem Treffpunkt")


class VolunteerAction(Listing):
    """A company's team of volunteers on one or more dated slots."""

    KIND = ListingKind.VOLUNTEER_ACTION

    location_kind = models.CharField(
        _("Einsatzort"),
        max_length=20,
        choices=VolunteerLocation.choices,
        default=VolunteerLocation.AT_ORGANISATION,
    )
    meeting_street = models.CharField(_("Treffpunkt: Straße"), max_length=200, blank=True)
    meeting_postcode = models.CharField(
        _("Treffpunkt: PLZ"), max_length=5, blank=True, validators=[postcode_validator]
    )
    meeting_city = models.CharField(_("Treffpunkt: Ort"), max_length=100, blank=True)
    skills = models.JSONField(
        _("Fähigkeiten"), default=list, blank=True, validators=[validate_skills]
    )
    languages = models.JSONField(
        _("Sprachen"), default=list, blank=True, validators=[validate_languages]
    )
    min_volunteers_per_booking = models.PositiveSmallIntegerField(
        _("mindestens Freiwillige je Buchung"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    max_volunteers_per_booking = models.PositiveSmallIntegerField(
        _("höchstens Freiwillige je Buchung"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    notes = models.TextField(_("Hinweise"), max_length=2000, blank=True)
    # The company's person for the day (the social organisation names its own in the booking).
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_phone = models.CharField(
        _("Telefon der Ansprechperson"), max_length=40, blank=True, validators=[phone_validator]
    )

    class Meta:
        verbose_name = _("Freiwilligenaktion")
        verbose_name_plural = _("Freiwilligenaktionen")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_volunteers_per_booking__isnull=True)
                | Q(max_volunteers_per_booking__isnull=True)
                | Q(min_volunteers_per_booking__lte=F("max_volunteers_per_booking")),
                name="volunteer_action_min_le_max",
                violation_error_message=_(
                    "Die Mindestzahl je Buchung darf nicht über der Höchstzahl liegen."
                ),
            ),
        ]

    def clean(self):
        super().clean()
        if self.location_kind == VolunteerLocation.MEETING_POINT:
            missing = {
                name: _("Für einen Treffpunkt bitte die Adresse angeben.")
                for name in ("meeting_street", "meeting_postcode")
                if not getattr(self, name).strip()
            }
            if missing:
                raise ValidationError(missing)


class VolunteerSlot(models.Model):
    """One dated shift of a volunteer action and how many of its places are promised."""

    action = models.ForeignKey(VolunteerAction, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    volunteers_available = models.PositiveIntegerField(
        _("Freiwillige verfügbar"), validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    # Taken and given back only by listings.capacity, under the slot's row lock.
    volunteers_held = models.PositiveIntegerField(_("Freiwillige zugesagt"), default=0)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["action", "start"], name="slot_action_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="slot_end_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(volunteers_held__gte=0)
                & Q(volunteers_held__lte=F("volunteers_available")),
                name="slot_held_within_available",
                violation_error_message=_(
                    "Es sind schon mehr Freiwillige zugesagt, als der Termin Plätze hat."
                ),
            ),
            models.CheckConstraint(
                condition=Q(volunteers_available__gte=1), name="slot_available_positive"
            ),
        ]

    def __str__(self):
        return f"{self.action_id}: {self.start:%Y-%m-%d %H:%M}"

    @property
    def volunteers_free(self) -> int:
        return self.volunteers_available - self.volunteers_held


# --- Equipment --------------------------------------------------------------------------------


class Condition(models.TextChoices):
    NEW = "new", _("neu")
    VERY_GOOD = "very_good", _("sehr gut")
    GOOD = "good", _("gut")
    USED = "used", _("gebraucht, voll funktionsfähig")


class Equipment(Listing):
    """A loanable item with a number of identical units."""

    KIND = ListingKind.EQUIPMENT

    quantity = models.PositiveSmallIntegerField(
        _("Anzahl gleicher Stücke"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    condition = models.CharField(
        _("Zustand"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    pickup_street = models.CharField(_("Abholung: Straße"), max_length=200)
    pickup_postcode = models.CharField(
        _("Abholung: PLZ"), max_length=5, validators=[postcode_validator]
    )
    pickup_city = models.CharField(_("Abholung: Ort"), max_length=100, default="Berlin")
    # The days (ISO weekdays, 1 = Monday) and optional hours of pick-up and return:
    # listings.handover words them and checks a loan's days against them.
    handover_weekdays = models.JSONField(
        _("Tage für Abholung und Rückgabe"),
        default=all_weekdays,
        validators=[validate_handover_weekdays],
    )
    handover_opens_at = models.TimeField(_("Übergabe ab"), null=True, blank=True)
    handover_closes_at = models.TimeField(_("Übergabe bis"), null=True, blank=True)
    handover_note = models.CharField(_("Hinweis zur Übergabe"), max_length=300, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    contact_phone = models.CharField(
        _("Telefon der Ansprechperson"), max_length=40, blank=True, validators=[phone_validator]
    )
    max_loan_days = models.PositiveSmallIntegerField(
        _("längste Ausleihe in Tagen"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    deposit = models.DecimalField(
        _("Kaution in Euro"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
    )
    buffer_days = models.PositiveSmallIntegerField(
        _("Puffertage zwischen zwei Ausleihen"), default=0, validators=[MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = _("Ausleihe")
        verbose_name_plural = _("Ausleihen")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="equipment_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(handover_opens_at__isnull=True, handover_closes_at__isnull=True)
                | Q(
                    handover_opens_at__isnull=False,
                    handover_closes_at__isnull=False,
                    handover_closes_at__gt=F("handover_opens_at"),
                ),
                name="equipment_handover_hours",
                violation_error_message=_(
                    "Bitte beide Uhrzeiten angeben, die zweite nach der ersten (oder keine)."
                ),
            ),
        ]

    def clean(self):
        super().clean()
        days = self.handover_weekdays
        if isinstance(days, list) and all(isinstance(day, int) for day in days):
            self.handover_weekdays = sorted(days)


def photo_upload_to(instance: "EquipmentPhoto", filename: str) -> str:
    return f"listings/equipment/{instance.item_id}/{filename}"


class EquipmentPhoto(models.Model):
    """A photo of an equipment item, re-encoded on upload (no metadata) with a thumbnail."""

    item = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("Foto"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(upload_to=photo_upload_to)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        ordering = ["position", "id"]

    def __str__(self):
        return self.image.name


class AllocationKind(models.TextChoices):
    LOAN = "loan", _("Ausleihe")
    BLOCKED = "blocked", _("nicht verfügbar")


class EquipmentAllocation(models.Model):
    """One unit of an item taken for [start, end): a loan (end includes the buffer days) or a
    blocked period (the item is not available; one row per unit).

    `hold_id` is the opaque id the caller stores (a booking keeps it to give the units back).
    On PostgreSQL an exclusion constraint forbids overlapping rows of one unit.
    """

    # No index of its own: allocation_item_period leads with it.
    item = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="allocations", db_index=False
    )
    unit_number = models.PositiveSmallIntegerField()
    start = models.DateField()
    end = models.DateField()
    hold_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    kind = models.CharField(max_length=10, choices=AllocationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Belegung")
        verbose_name_plural = _("Belegungen")
        ordering = ["item_id", "start", "unit_number"]
        indexes = [models.Index(fields=["item", "start", "end"], name="allocation_item_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="allocation_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(unit_number__gte=1), name="allocation_unit_positive"
            ),
        ]

    def __str__(self):
        return f"{self.item_id}#{self.unit_number} [{self.start}, {self.end}) {self.kind}"


# --- Job offers -------------------------------------------------------------------------------


class EmploymentType(models.TextChoices):
    FULL_TIME = "vollzeit", _("Vollzeit")
    PART_TIME = "teilzeit", _("Teilzeit")
    MINIJOB = "minijob", _("Minijob")
    APPRENTICESHIP = "ausbildung", _("Ausbildung")
    INTERNSHIP = "praktikum", _("Praktikum")
    WORKING_STUDENT = "werkstudent", _("Werkstudent")


class JobOffer(Listing):
    """An opening; closes itself when the deadline passes or every position is filled."""

    KIND = ListingKind.JOB

    employment_type = models.CharField(
        _("Beschäftigungsart"), max_length=12, choices=EmploymentType.choices
    )
    hours_per_week = models.DecimalField(
        _("Stunden pro Woche"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    start_date = models.DateField(
        _("Beginn"), null=True, blank=True, help_text=_("Leer: nach Vereinbarung.")
    )
    place = models.CharField(_("Arbeitsort"), max_length=200)
    positions = models.PositiveSmallIntegerField(
        _("Anzahl Stellen"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    # Taken and given back only by listings.capacity, under the job's row lock.
    positions_filled = models.PositiveSmallIntegerField(_("besetzte Stellen"), default=0)
    application_deadline = models.DateField(_("Bewerbungsfrist"))
    requirements = models.TextField(_("Anforderungen"), max_length=5000, blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=150)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("Stellenangebot")
        verbose_name_plural = _("Stellenangebote")
        constraints = [
            models.CheckConstraint(
                condition=Q(positions_filled__gte=0) & Q(positions_filled__lte=F("positions")),
                name="job_filled_within_positions",
                violation_error_message=_("Es sind schon mehr Stellen besetzt, als es gibt."),
            ),
            models.CheckConstraint(condition=Q(positions__gte=1), name="job_positions_positive"),
        ]
