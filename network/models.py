"""The network's own life: events (Netzwerktreffen, Lunch, AG-Treffen, open days), their
series and stations, registrations with a waiting list, working groups with projects, and the
minutes of meetings.

Capacity is held on the row that has it (Event, Station) as a counter of seats taken
(`seats_taken`), written only by network.services.registrations under the row's lock; a
CheckConstraint keeps it within `capacity` as the last line of defence (as volunteer slots in
listings). A registration's seats are the person plus their companions.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_COMPANIONS = 20
MAX_CAPACITY = 10000


class EventKind(models.TextChoices):
    NETZWERKTREFFEN = "netzwerktreffen", _("Netzwerktreffen")
    LUNCH = "lunch", _("Kieznetzwerk Lunch")
    AG_TREFFEN = "ag_treffen", _("AG-Treffen")
    OPEN_DAY = "open_day", _("Offener Tag / öffentliche Veranstaltung")
    FEST = "fest", _("Fest")
    OTHER = "other", _("Sonstiges")


class EventVisibility(models.TextChoices):
    MEMBERS = "members", _("nur Mitglieder des Netzwerks")
    PUBLIC = "public", _("öffentlich")
    GROUP = "group", _("nur die Arbeitsgruppe")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")
    HELD = "held", _("stattgefunden")
    CANCELLED = "cancelled", _("abgesagt")


# --- Working groups ------------------------------------------------------------------------


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("offen")
    ON_REQUEST = "on_request", _("auf Anfrage")


class MeetingsVisibility(models.TextChoices):
    GROUP = "group", _("nur die Arbeitsgruppe")
    MEMBERS = "members", _("alle Mitglieder des Netzwerks")


class WorkingGroup(models.Model):
    """An AG: a topic, its leads and members, its meetings (events) and projects."""

    name = models.CharField(_("Name"), max_length=120)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    description = models.TextField(_("Thema"), max_length=5000, blank=True)
    join_policy = models.CharField(
        _("Beitritt"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    meetings_visibility = models.CharField(
        _("Treffen sichtbar für"),
        max_length=10,
        choices=MeetingsVisibility.choices,
        default=MeetingsVisibility.GROUP,
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class GroupRole(models.TextChoices):
    LEAD = "lead", _("Leitung")
    MEMBER = "member", _("Mitglied")


class GroupMembershipState(models.TextChoices):
    REQUESTED = "requested", _("angefragt")
    ACTIVE = "active", _("aktiv")
    LEFT = "left", _("ausgetreten")
    DECLINED = "declined", _("abgelehnt")


class GroupMembership(models.Model):
    """A person in a working group, for one of their organisations."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    organisation = models.ForeignKey(
        "marketplace.Organisation", on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(
        _("Rolle"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER
    )
    state = models.CharField(
        _("Status"),
        max_length=10,
        choices=GroupMembershipState.choices,
        default=GroupMembershipState.REQUESTED,
    )
    created_at = models.DateTimeField(_("angefragt am"), default=timezone.now)
    decided_at = models.DateTimeField(_("entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Mitgliedschaft in einer Arbeitsgruppe")
        verbose_name_plural = _("Mitgliedschaften in Arbeitsgruppen")
        ordering = ["group", "created_at", "id"]
        constraints = [
            # One open membership (requested or active) per person and group; left and declined
            # ones stay as history.
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(state__in=["requested", "active"]),
                name="group_membership_one_open",
            ),
        ]
        indexes = [models.Index(fields=["person", "state"], name="group_membership_person")]

    def __str__(self):
        return f"{self.group_id}: {self.person_id} ({self.state})"


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idee")
    IN_PROGRESS = "in_progress", _("in Arbeit")
    DONE = "done", _("erledigt")
    PAUSED = "paused", _("pausiert")


class Project(models.Model):
    """A Vorhaben of a working group."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=5000, blank=True)
    status = models.CharField(
        _("Stand"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.IDEA
    )
    organisations = models.ManyToManyField(
        "marketplace.Organisation", blank=True, related_name="network_projects"
    )
    next_step = models.CharField(_("nächster Schritt"), max_length=500, blank=True)
    next_step_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wer ihn macht"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Vorhaben")
        verbose_name_plural = _("Vorhaben")
        ordering = ["group", "created_at", "id"]

    def __str__(self):
        return self.title


class GroupMessage(models.Model):
    """A message a lead sent to all members of a group (the e-mails go through the outbox)."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="messages")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Nachricht"), max_length=10000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Nachricht an die Arbeitsgruppe")
        verbose_name_plural = _("Nachrichten an Arbeitsgruppen")
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return self.subject


# --- Events --------------------------------------------------------------------------------


class EventFields(models.Model):
    """What an event and a series (the defaults of its occurrences) share."""

    kind = models.CharField(_("Art"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=10000, blank=True)
    place = models.CharField(_("Ort"), max_length=300, blank=True)
    online = models.BooleanField(_("online"), default=False)
    # Shown only to registered people (and the hosts).
    online_link = models.URLField(_("Link zur Teilnahme"), max_length=500, blank=True)
    hosted_by_network = models.BooleanField(_("vom Netzwerk (Koordination)"), default=False)
    capacity = models.PositiveIntegerField(
        _("Plätze"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("leer: unbegrenzt; Begleitpersonen zählen mit"),
    )
    visibility = models.CharField(
        _("sichtbar für"),
        max_length=10,
        choices=EventVisibility.choices,
        default=EventVisibility.MEMBERS,
    )
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)s_set",
        verbose_name=_("Arbeitsgruppe"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        abstract = True


class EventSeries(EventFields):
    """A recurring event (the Lunch on the first Tuesday of every month).

    `rrule` is an iCalendar RRULE (without the "RRULE:" prefix) read by dateutil.rrule, starting
    at `first_starts_at` in Europe/Berlin wall-clock time; each occurrence is an Event row
    (registered for, changed or cancelled on its own) whose `recurrence_id` is its original
    start.
    """

    hosts = models.ManyToManyField(
        "marketplace.Organisation", blank=True, related_name="hosted_event_series"
    )
    rrule = models.CharField(_("Wiederholung (RRULE)"), max_length=500)
    first_starts_at = models.DateTimeField(_("erster Beginn"))
    duration = models.DurationField(_("Dauer"))
    # How long before each occurrence's start registration closes (null: until the start).
    registration_closes_before = models.DurationField(
        _("Anmeldeschluss vor Beginn"), null=True, blank=True
    )
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Terminreihe")
        verbose_name_plural = _("Terminreihen")
        ordering = ["first_starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gt=dt.timedelta(0)), name="series_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="series_capacity_positive",
            ),
        ]

    def __str__(self):
        return self.title


class Event(EventFields):
    hosts = models.ManyToManyField(
        "marketplace.Organisation", blank=True, related_name="hosted_events"
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    registration_deadline = models.DateTimeField(_("Anmeldeschluss"), null=True, blank=True)
    state = models.CharField(
        _("Status"), max_length=10, choices=EventState.choices, default=EventState.DRAFT
    )
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("Terminreihe"),
    )
    # The occurrence's original start in its series (iCalendar RECURRENCE-ID).
    recurrence_id = models.DateTimeField(null=True, blank=True)
    # iCalendar SEQUENCE: raised whenever time or place of a published event change.
    sequence = models.PositiveIntegerField(default=0)
    # Taken and given back only by network.services.registrations under the event's row lock.
    seats_taken = models.PositiveIntegerField(_("belegte Plätze"), default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["state", "starts_at"], name="event_state_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_end_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="event_seats_within_capacity",
                violation_error_message=_("Es sind mehr Plätze vergeben, als es gibt."),
            ),
            models.CheckConstraint(
                condition=~Q(visibility="group") | Q(group__isnull=False),
                name="event_group_visibility_needs_group",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=True) | Q(recurrence_id__isnull=False),
                name="event_occurrence_has_recurrence_id",
            ),
            models.UniqueConstraint(
                fields=["series", "recurrence_id"], name="event_one_occurrence_per_start"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def seats_free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


class EventStateChange(models.Model):
    """Who moved an event from one state to another (or changed its time or place), and when."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(max_length=10, choices=EventState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=EventState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.event_id}: {self.from_state} → {self.to_state}"


class Station(models.Model):
    """One point of an open day's programme, hosted by one member organisation."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="stations")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), max_length=5000, blank=True)
    host = models.ForeignKey(
        "marketplace.Organisation",
        on_delete=models.PROTECT,
        related_name="hosted_stations",
        verbose_name=_("Gastgeber"),
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("Plätze"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    seats_taken = models.PositiveIntegerField(_("belegte Plätze"), default=0)

    class Meta:
        verbose_name = _("Station")
        verbose_name_plural = _("Stationen")
        ordering = ["event", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="station_end_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="station_capacity_positive",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="station_seats_within_capacity",
                violation_error_message=_("Es sind mehr Plätze vergeben, als es gibt."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def seats_free(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("angemeldet")
    WAITING = "waiting", _("auf der Warteliste")
    CANCELLED = "cancelled", _("abgemeldet")


class Registration(models.Model):
    """A person's registration for an event (or one of its stations), for one of their
    organisations, with companions from the same organisation. Waiting ones are served in
    (`created_at`, `id`) order."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    organisation = models.ForeignKey(
        "marketplace.Organisation", on_delete=models.CASCADE, related_name="event_registrations"
    )
    companions = models.PositiveSmallIntegerField(
        _("Begleitpersonen"), default=0, validators=[MaxValueValidator(MAX_COMPANIONS)]
    )
    # Shown only to the hosts; emptied after the event.
    note = models.CharField(_("Hinweis für die Gastgeber"), max_length=500, blank=True)
    state = models.CharField(_("Status"), max_length=10, choices=RegistrationState.choices)
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now)
    promoted_at = models.DateTimeField(_("nachgerückt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    attended = models.BooleanField(_("war da"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["event", "state", "created_at"], name="registration_queue"),
            models.Index(fields=["person", "state"], name="registration_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(companions__lte=MAX_COMPANIONS), name="registration_companions_max"
            ),
            # One open registration (registered or waiting) per person for the event itself and
            # per station.
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(station__isnull=True, state__in=["registered", "waiting"]),
                name="registration_one_open_per_event",
            ),
            models.UniqueConstraint(
                fields=["station", "person"],
                condition=Q(station__isnull=False, state__in=["registered", "waiting"]),
                name="registration_one_open_per_station",
            ),
        ]

    def __str__(self):
        return f"{self.event_id}: {self.person_id} ({self.state})"

    @property
    def seats(self) -> int:
        return 1 + self.companions


class OrganisationAttendance(models.Model):
    """How many people of an organisation came (when the hosts count instead of ticking names)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance_counts")
    organisation = models.ForeignKey(
        "marketplace.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(_("Anzahl"), validators=[MaxValueValidator(MAX_CAPACITY)])

    class Meta:
        verbose_name = _("Teilnahme einer Organisation")
        verbose_name_plural = _("Teilnahme der Organisationen")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"], name="attendance_one_per_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.event_id}: {self.organisation_id} × {self.count}"


# --- Minutes -------------------------------------------------------------------------------


class Minutes(models.Model):
    """The minutes of an event (a Netzwerktreffen, an AG meeting)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("Protokoll"), max_length=50000)
    organisations = models.ManyToManyField(
        "marketplace.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("beteiligte Organisationen"),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Protokoll")
        verbose_name_plural = _("Protokolle")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.event_id}"


def minutes_attachment_upload_to(instance, filename: str) -> str:
    # The services choose the stored name; never the uploader's.
    return f"network/minutes/{filename}"


class MinutesAttachment(models.Model):
    """A photo or PDF of the minutes, checked like listing photos on upload."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("Datei"), upload_to=minutes_attachment_upload_to, max_length=200)
    original_name = models.CharField(_("Dateiname"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["position", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class Decision(models.Model):
    """A decision or next step recorded in minutes, with who does it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("Beschluss / nächster Schritt"), max_length=1000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wer"),
    )
    due = models.DateField(_("bis"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text[:60]
