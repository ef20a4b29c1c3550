"""Donations of money or goods to social organisations, and the receipts issued for them.

A `Donation` is recorded by the donating company (or by the coordinator for a private donor) and
confirmed or rejected by the receiving social organisation. A `Receipt` (Zuwendungsbestätigung)
is issued in the receiving organisation's name: one per donation, or one collective receipt
(Sammelbestätigung) for a donor's money donations of a year. `ReceiptItem` says which donations
a receipt covers; its partial unique constraint lets each donation be covered by at most one
valid receipt. Receipts are numbered per organisation and year without gaps (`ReceiptCounter`,
locked while a number is taken) and never change once issued: the PDF, its hash and every
printed field are guarded by a database trigger (migration 0002); a correction cancels the
receipt (it stays, marked cancelled with a reason) and issues a new one with a new number.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import Organisation

# Amounts in euros and cents: below ten million, two decimal places.
AMOUNT_DIGITS = 10
MAX_AMOUNT = Decimal("9999999.99")
# Below this amount per donation a receipt is optional (vereinfachter Zuwendungsnachweis,
# § 50 Abs. 4 EStDV): a bank statement is enough, but a receipt may still be issued.
SIMPLIFIED_PROOF_LIMIT = Decimal("300.00")


class DonationKind(models.TextChoices):
    MONEY = "money", _("Geldzuwendung")
    GOODS = "goods", _("Sachzuwendung")


class MoneyKind(models.TextChoices):
    DONATION = "donation", _("Geldzuwendung")
    MEMBERSHIP_FEE = "membership_fee", _("Mitgliedsbeitrag")


class GoodsOrigin(models.TextChoices):
    BUSINESS = "business", _("Betriebsvermögen")
    PRIVATE = "private", _("Privatvermögen")
    NOT_STATED = "not_stated", _("keine Angabe des Zuwendenden")


class DonationState(models.TextChoices):
    RECORDED = "recorded", _("erfasst, Eingang noch nicht bestätigt")
    CONFIRMED = "confirmed", _("Eingang bestätigt")
    REJECTED = "rejected", _("abgelehnt")


# Which state may follow which: the receiving organisation confirms or rejects a recorded
# donation, once. Everything else is refused (409) and changes nothing.
DONATION_TRANSITIONS: dict[str, frozenset[str]] = {
    DonationState.RECORDED: frozenset({DonationState.CONFIRMED, DonationState.REJECTED}),
    DonationState.CONFIRMED: frozenset(),
    DonationState.REJECTED: frozenset(),
}


class Donation(models.Model):
    kind = models.CharField(_("Art"), max_length=10, choices=DonationKind.choices)
    state = models.CharField(
        _("Status"),
        max_length=10,
        choices=DonationState.choices,
        default=DonationState.RECORDED,
    )
    recipient = models.ForeignKey(
        Organisation,
        verbose_name=_("empfangende Organisation"),
        on_delete=models.PROTECT,
        related_name="donations_received",
    )
    # Empty for a private donor recorded by the coordinator.
    donor_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("spendendes Unternehmen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations_given",
    )
    # Printed on the receipt: taken from the company's profile when it is recorded.
    donor_name = models.CharField(_("Name des Zuwendenden"), max_length=200)
    donor_address = models.TextField(_("Anschrift des Zuwendenden"), max_length=500)
    donor_email = models.EmailField(_("E-Mail des Zuwendenden"), blank=True)
    # Who "the donor" is for collective receipts: "org:<id>" or "person:<hash of name and
    # address>", so one person's donations are found together.
    donor_key = models.CharField(max_length=80, editable=False)

    amount = models.DecimalField(
        _("Betrag bzw. Wert in Euro"), max_digits=AMOUNT_DIGITS, decimal_places=2
    )
    donated_on = models.DateField(_("Tag der Zuwendung"))
    purpose = models.CharField(_("Verwendungszweck"), max_length=500, blank=True)

    # --- money ---
    money_kind = models.CharField(
        _("Art der Geldzuwendung"),
        max_length=20,
        choices=MoneyKind.choices,
        default=MoneyKind.DONATION,
    )
    waiver = models.BooleanField(_("Verzicht auf Erstattung von Aufwendungen"), default=False)

    # --- goods ---
    description = models.TextField(_("Bezeichnung der Sachzuwendung"), max_length=1000, blank=True)
    age = models.CharField(_("Alter"), max_length=100, blank=True)
    condition = models.CharField(_("Zustand"), max_length=200, blank=True)
    purchase_price = models.DecimalField(
        _("historischer Kaufpreis in Euro"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
    )
    origin = models.CharField(_("Herkunft"), max_length=12, choices=GoodsOrigin.choices, blank=True)
    valuation_documents = models.BooleanField(
        _("Unterlagen zur Wertermittlung liegen vor"), default=False
    )

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("erfasst am"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestätigt oder abgelehnt von"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("bestätigt oder abgelehnt am"), null=True, blank=True)
    reason = models.TextField(_("Begründung der Ablehnung"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Spende")
        verbose_name_plural = _("Spenden")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-recorded_at"], name="donation_recipient_new"),
            models.Index(fields=["donor_organisation", "-recorded_at"], name="donation_donor_new"),
            # Collective receipts: one donor's confirmed money donations of a year.
            models.Index(
                fields=["recipient", "donor_key", "kind", "state", "donated_on"],
                name="donation_collective",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_AMOUNT), name="donation_amount"
            ),
            models.CheckConstraint(
                condition=~Q(donor_organisation=F("recipient")), name="donation_not_to_itself"
            ),
            models.CheckConstraint(
                condition=~Q(kind="goods") | (~Q(description="") & ~Q(origin="")),
                name="donation_goods_fields",
            ),
            models.CheckConstraint(
                condition=~Q(donor_name="") & ~Q(donor_address=""), name="donation_donor_named"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.amount} € → {self.recipient_id}"

    def can_change_state_to(self, state: str) -> bool:
        return state in DONATION_TRANSITIONS.get(self.state, frozenset())

    @property
    def receipt_optional(self) -> bool:
        """Below the simplified-proof limit a bank statement suffices as proof."""
        return self.kind == DonationKind.MONEY and self.amount < SIMPLIFIED_PROOF_LIMIT


class DonationEvent(models.Model):
    """One step of a donation: who recorded, confirmed, rejected or corrected it, and when."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("Aktion"), max_length=20)
    from_state = models.CharField(
        _("von"), max_length=10, choices=DonationState.choices, blank=True
    )
    to_state = models.CharField(_("nach"), max_length=10, choices=DonationState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(_("Nachricht"), max_length=5000, blank=True)

    class Meta:
        verbose_name = _("Spendenschritt")
        verbose_name_plural = _("Spendenschritte")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.donation_id}: {self.action}"


class ReceiptKind(models.TextChoices):
    MONEY = "money", _("Bestätigung über Geldzuwendungen/Mitgliedsbeitrag")
    GOODS = "goods", _("Bestätigung über Sachzuwendungen")
    COLLECTIVE = "collective", _("Sammelbestätigung über Geldzuwendungen/Mitgliedsbeiträge")


class Receipt(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ausstellende Organisation"),
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    year = models.PositiveSmallIntegerField(_("Jahr der Nummer"))
    sequence = models.PositiveIntegerField(_("laufende Nummer"))
    number = models.CharField(_("Nummer"), max_length=20)
    kind = models.CharField(_("Art"), max_length=10, choices=ReceiptKind.choices)
    donor_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("spendendes Unternehmen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts_received",
    )
    donor_key = models.CharField(max_length=80)
    donor_name = models.CharField(_("Name des Zuwendenden"), max_length=200)
    donor_address = models.TextField(_("Anschrift des Zuwendenden"), max_length=500)
    amount = models.DecimalField(_("Betrag in Euro"), max_digits=12, decimal_places=2)
    # Collective receipts: the calendar year of the donations they cover.
    period_year = models.PositiveSmallIntegerField(_("Zeitraum (Jahr)"), null=True, blank=True)
    issued_on = models.DateField(_("ausgestellt am"))
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    machine_signed = models.BooleanField(_("maschinell erstellt, ohne Unterschrift gültig"))
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256 des PDF"), max_length=64)
    # The cancelled receipt this one corrects.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("ersetzt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("Grund der Stornierung"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Zuwendungsbestätigung")
        verbose_name_plural = _("Zuwendungsbestätigungen")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-issued_at"], name="receipt_issuer_new"),
            models.Index(fields=["donor_organisation", "-issued_at"], name="receipt_donor_new"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "sequence"], name="receipt_number_unique"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="receipt_sequence_positive"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive"),
            # One valid collective receipt per donor and year (the design's "once a year").
            models.UniqueConstraint(
                fields=["organisation", "donor_key", "period_year"],
                condition=Q(kind="collective", cancelled_at__isnull=True),
                name="receipt_one_collective_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.number} ({self.organisation_id})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def filename(self) -> str:
        prefix = (
            "Sammelbestaetigung"
            if self.kind == ReceiptKind.COLLECTIVE
            else "Zuwendungsbestaetigung"
        )
        return f"{prefix}-{self.number}.pdf"


class ReceiptItem(models.Model):
    """A donation covered by a receipt. `active` is cleared when the receipt is cancelled; the
    partial unique index lets a donation be covered by one valid receipt at most."""

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="items")
    donation = models.ForeignKey(Donation, on_delete=models.PROTECT, related_name="receipt_items")
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("bestätigte Spende")
        verbose_name_plural = _("bestätigte Spenden")
        constraints = [
            models.UniqueConstraint(fields=["receipt", "donation"], name="receipt_item_once"),
            models.UniqueConstraint(
                fields=["donation"], condition=Q(active=True), name="receipt_item_one_valid"
            ),
        ]

    def __str__(self):
        return f"{self.receipt_id} ∋ {self.donation_id}"


class ReceiptCounter(models.Model):
    """The last number taken per organisation and year. Its row is locked (SELECT ... FOR
    UPDATE) while a receipt is issued, so numbers follow each other without gaps: a rolled-back
    issue gives its number back with the rest of its transaction."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Nummernkreis")
        verbose_name_plural = _("Nummernkreise")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="receipt_counter_once")
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}: {self.last_sequence}"
