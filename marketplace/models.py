"""People, organisations and who belongs where.

The database holds what it can: one membership per person and organisation, unique slugs and
e-mail addresses (case-insensitive), one pending invitation per address and organisation.
Rules that span rows (the last admin stays) live in services.py under a lock.
"""

import secrets
import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COORDINATORS_GROUP = "coordinators"


class Language(models.TextChoices):
    GERMAN = "de", "Deutsch"
    ENGLISH = "en", "English"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_verified=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # E-mail addresses are stored lower-case, so sign-in ignores case.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("E-Mail-Adresse"), max_length=254, unique=True)
    full_name = models.CharField(_("Name"), max_length=150)
    language = models.CharField(
        _("Sprache"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    email_verified = models.BooleanField(_("E-Mail bestätigt"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("Zugang zur Verwaltung"), default=False)
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_coordinator(self) -> bool:
        """Network coordinators see everything and approve organisations."""
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        cached = getattr(self, "_is_coordinator", None)
        if cached is None:
            cached = self.is_staff and self.groups.filter(name=COORDINATORS_GROUP).exists()
            self._is_coordinator = cached
        return cached


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Unternehmen")
    SOCIAL = "social", _("Soziale Organisation")


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", _("wartet auf Freigabe")
    APPROVED = "approved", _("freigegeben")
    REJECTED = "rejected", _("abgelehnt")
    SUSPENDED = "suspended", _("gesperrt")


# Which status may follow which. Everything else is refused (409) and changes nothing.
# A rejected application is final: the applicant applies anew.
ORGANISATION_TRANSITIONS: dict[str, frozenset[str]] = {
    OrganisationStatus.PENDING: frozenset(
        {OrganisationStatus.APPROVED, OrganisationStatus.REJECTED}
    ),
    OrganisationStatus.APPROVED: frozenset({OrganisationStatus.SUSPENDED}),
    OrganisationStatus.SUSPENDED: frozenset({OrganisationStatus.APPROVED}),
    OrganisationStatus.REJECTED: frozenset(),
}

# Statuses in which members may still be invited and invitations accepted.
OPEN_FOR_MEMBERS = frozenset({OrganisationStatus.PENDING, OrganisationStatus.APPROVED})

postcode_validator = RegexValidator(r"^\d{5}$", _("Bitte eine fünfstellige Postleitzahl angeben."))
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()/\-]{2,38}$",
    _("Bitte eine Telefonnummer aus Ziffern, Leerzeichen und + ( ) / - angeben."),
)

# Logos: what browsers show everywhere, small enough for e-mails and lists.
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def validate_logo(file) -> str:
    """Check an uploaded logo by its content (not its name); return the file extension to store.

    Raises ValidationError for anything but a sound JPEG, PNG or WebP of at most LOGO_MAX_BYTES
    and LOGO_MAX_SIDE pixels a side. A logo that is already stored is not checked again.
    """
    from PIL import Image

    if getattr(file, "_committed", False):
        return file.name.rsplit(".", 1)[-1].lower()
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Das Logo ist zu groß (höchstens %(mb)s MB)."),
            code="logo_too_large",
            params={"mb": LOGO_MAX_BYTES // (1024 * 1024)},
        )
    invalid = ValidationError(
        _("Das Logo muss ein unbeschädigtes Bild im Format JPEG, PNG oder WebP sein."),
        code="logo_invalid",
    )
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, (width, height) = image.format, image.size
            if image_format not in LOGO_FORMATS:
                raise invalid
            # Checked before decoding, so a tiny file that unpacks to a huge bitmap never does.
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                raise ValidationError(
                    _("Das Logo ist zu groß (höchstens %(px)s × %(px)s Pixel)."),
                    code="logo_too_wide",
                    params={"px": LOGO_MAX_SIDE},
                )
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            image.load()  # verify() misses truncated pixel data
    except ValidationError:
        raise
    except Exception as error:  # Pillow raises many kinds for broken files
        raise invalid from error
    finally:
        file.seek(0)
    return LOGO_FORMATS[image_format]


def logo_upload_to(instance, filename: str) -> str:
    # A random name: nobody guesses other logos' paths, and the extension is the checked format.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "img"
    if extension not in LOGO_FORMATS.values():
        extension = "img"
    return f"logos/{uuid.uuid4().hex}.{extension}"


class OrganisationQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=OrganisationStatus.APPROVED)

    def visible_to(self, user):
        """What a person may see: approved organisations' public profiles and their own
        organisations in any status; the coordinator sees all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_coordinator:
            return self.all()
        return self.filter(
            models.Q(status=OrganisationStatus.APPROVED)
            | models.Q(pk__in=Membership.objects.filter(user=user).values("organisation_id"))
        )


class Organisation(models.Model):
    kind = models.CharField(_("Art"), max_length=10, choices=OrganisationKind.choices)
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname"), max_length=80, unique=True)
    description = models.TextField(_("Beschreibung"), max_length=5000, blank=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(
        _("Postleitzahl"), max_length=5, blank=True, validators=[postcode_validator]
    )
    city = models.CharField(_("Ort"), max_length=100, default="Berlin")
    district = models.CharField(_("Bezirk / Kiez"), max_length=100, blank=True)
    website = models.URLField(_("Website"), blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True, validators=[phone_validator])
    logo = models.ImageField(
        _("Logo"), upload_to=logo_upload_to, blank=True, validators=[validate_logo]
    )
    # The public profile shows contact people, e-mail and phone to signed-in members of approved
    # organisations only, and only when the organisation chose so.
    show_contacts = models.BooleanField(
        _("Kontaktdaten den Netzwerkmitgliedern zeigen"),
        default=False,
        help_text=_(
            "Ansprechpersonen, E-Mail und Telefon erscheinen im öffentlichen Profil nur für "
            "angemeldete Mitglieder freigegebener Organisationen."
        ),
    )

    status = models.CharField(
        _("Status"),
        max_length=10,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField(_("Begründung"), blank=True)
    status_changed_at = models.DateTimeField(_("Status geändert am"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beantragt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        """Only approved organisations may post offers or book them."""
        return self.status == OrganisationStatus.APPROVED

    def can_change_status_to(self, status: str) -> bool:
        return status in ORGANISATION_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_open_for_members(self) -> bool:
        return self.status in OPEN_FOR_MEMBERS


class ExemptionNoticeKind(models.TextChoices):
    FREISTELLUNGSBESCHEID = "freistellung", _("Freistellungsbescheid")
    FESTSTELLUNGSBESCHEID = "feststellung_60a", _("Feststellungsbescheid nach § 60a AO")


# Years a notice may be old when a receipt is issued (§ 63 Abs. 5 AO).
NOTICE_VALID_YEARS = {
    ExemptionNoticeKind.FREISTELLUNGSBESCHEID: 5,
    ExemptionNoticeKind.FESTSTELLUNGSBESCHEID: 3,
}

tax_number_validator = RegexValidator(
    r"^[0-9][0-9 /]{8,18}[0-9]$",
    _("Bitte die Steuernummer aus Ziffern, Schrägstrichen und Leerzeichen angeben."),
)


def validate_not_in_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("Das Datum darf nicht in der Zukunft liegen."), code="future")


class TaxExemption(models.Model):
    """A social organisation's tax-exemption notice, needed for donation receipts.

    Private: only the organisation's admins and the coordinator see or change it.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="tax_exemption"
    )
    tax_office = models.CharField(_("Finanzamt"), max_length=200)
    tax_number = models.CharField(
        _("Steuernummer"), max_length=40, validators=[tax_number_validator]
    )
    notice_kind = models.CharField(
        _("Art des Bescheids"), max_length=20, choices=ExemptionNoticeKind.choices
    )
    notice_date = models.DateField(_("Datum des Bescheids"), validators=[validate_not_in_future])
    purposes = models.TextField(_("steuerbegünstigte Zwecke"), max_length=2000)
    machine_receipts_notified = models.BooleanField(
        _("dem Finanzamt maschinelle Zuwendungsbestätigungen angezeigt"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Steuerbefreiung")
        verbose_name_plural = _("Steuerbefreiungen")

    def __str__(self):
        return f"{self.organisation}: {self.tax_office} {self.tax_number}"

    def allows_receipts_on(self, day: date) -> bool:
        """Whether a donation receipt dated `day` may cite this notice (it is not too old)."""
        years = NOTICE_VALID_YEARS[self.notice_kind]
        try:
            limit = self.notice_date.replace(year=self.notice_date.year + years)
        except ValueError:  # 29 February
            limit = self.notice_date.replace(year=self.notice_date.year + years, day=28)
        return self.notice_date <= day <= limit


class OrganisationStatusChange(models.Model):
    """Who moved an organisation from one status to another, when and why."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=10, choices=OrganisationStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=OrganisationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Statusänderung")
        verbose_name_plural = _("Statusänderungen")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.organisation}: {self.from_status} → {self.to_status}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator*in")
    MEMBER = "member", _("Mitglied")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["organisation_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class InvitationState(models.TextChoices):
    """What an invitation's link would do now (derived, not stored)."""

    OPEN = "open", _("offen")
    EXPIRED = "expired", _("abgelaufen")
    ACCEPTED = "accepted", _("angenommen")
    REVOKED = "revoked", _("widerrufen")


def _invitation_token() -> str:
    # Only migration 0001 uses this (tokens are derived now, see marketplace/tokens.py).
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An admin's invitation by e-mail; the invitee may not have an account yet."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("E-Mail-Adresse"))
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # SHA-256 of the link's token (marketplace/tokens.py): the token itself is never stored.
    # Empty only between the insert and the update that follows it (the token needs the id);
    # NULL, not "", because NULLs never clash in a unique column.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organisation",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at

    @property
    def state(self) -> str:
        """What the invitee's link would do now (InvitationState)."""
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        return InvitationState.EXPIRED if self.is_expired() else InvitationState.OPEN


class LegalTextKind(models.TextChoices):
    PRIVACY = "privacy", _("Datenschutzerklärung")
    IMPRINT = "imprint", _("Impressum")


class LegalText(models.Model):
    """One version of the privacy notice or the imprint, as the coordinator saved it.

    Versions are never changed or deleted: a person's consent names the version they accepted,
    and an edit is a new row with the next number. The newest version is the one in force.
    """

    kind = models.CharField(_("Art"), max_length=10, choices=LegalTextKind.choices)
    version = models.PositiveIntegerField(_("Fassung"))
    body_de = models.TextField(_("Text (Deutsch)"), max_length=50_000)
    body_en = models.TextField(
        _("Text (Englisch)"),
        max_length=50_000,
        blank=True,
        help_text=_("Leer lassen, um auf englischen Seiten den deutschen Text zu zeigen."),
    )
    created_at = models.DateTimeField(_("gespeichert am"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gespeichert von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Rechtstext")
        verbose_name_plural = _("Rechtstexte")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="legal_text_one_per_version"),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="legal_text_version_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {_('Fassung')} {self.version}"

    def body_for(self, language: str) -> str:
        """The English text on English pages where there is one, else the German."""
        if language == Language.ENGLISH and self.body_en.strip():
            return self.body_en
        return self.body_de


class PrivacyConsent(models.Model):
    """That a person accepted a version of the privacy notice, and when (at sign-up)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="privacy_consents",
    )
    notice = models.ForeignKey(
        LegalText,
        verbose_name=_("Fassung der Datenschutzerklärung"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    accepted_at = models.DateTimeField(_("zugestimmt am"), default=timezone.now)

    class Meta:
        verbose_name = _("Zustimmung zur Datenschutzerklärung")
        verbose_name_plural = _("Zustimmungen zur Datenschutzerklärung")
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="privacy_consent_once"),
        ]

    def __str__(self):
        return f"{self.user} – {self.notice}"


class VolunteerHourRate(models.Model):
    """The value of one volunteer hour in euros that the coordinator sets for the reports,
    from a day on (a network setting). Each change is a new row, so older periods keep the rate
    that applied then."""

    valid_from = models.DateField(_("gilt ab"), unique=True)
    euros = models.DecimalField(_("Euro je Stunde"), max_digits=7, decimal_places=2)
    created_at = models.DateTimeField(_("festgelegt am"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("festgelegt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Wert einer Freiwilligenstunde")
        verbose_name_plural = _("Werte einer Freiwilligenstunde")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(euros__gte=0) & models.Q(euros__lte=10_000),
                name="volunteer_hour_rate_range",
            ),
        ]

    def __str__(self):
        return f"{self.euros} € ab {self.valid_from:%d.%m.%Y}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for one create: the request's hash and the first response.

    The unique (user, key) pair makes a concurrent second request with the same key wait for
    the first one's transaction and then fail to insert, so it can only replay."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # Filled before the transaction that inserted the row commits; nobody sees it empty.
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Idempotenzschlüssel")
        verbose_name_plural = _("Idempotenzschlüssel")
        # The table keeps the name it had when the model lived in bookings/.
        db_table = "bookings_idempotencykey"
        constraints = [
            models.UniqueConstraint(fields=["key", "user"], name="idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.user_id}: {self.key}"
