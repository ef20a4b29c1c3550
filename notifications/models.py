"""The outbox: one row per notification and recipient, written in the transaction of the change
that causes it, sent by a Celery task after commit (tasks.py) and swept if it gets stuck."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("in der Warteschlange")
    SENDING = "sending", _("wird gesendet")
    SENT = "sent", _("gesendet")
    RETRY = "retry", _("wartet auf neuen Versuch")
    FAILED = "failed", _("fehlgeschlagen")


FINAL_STATUSES = (NotificationStatus.SENT, NotificationStatus.FAILED)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("leer, wenn die Adresse noch kein Konto hat (Einladungen)"),
        db_index=False,  # the in-app list's index leads with it
    )
    email = models.EmailField(_("an"))
    organisation = models.ForeignKey(
        "marketplace.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("Art"), max_length=60)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=2, default="de")
    # One event notifies one address once: the sender of notify() names the event.
    event_key = models.CharField(max_length=200)

    status = models.CharField(
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "email"], name="notification_once"),
        ]
        # Every booking request writes about six rows: each index costs the database time
        # there, so there is none that another one's leading column already serves (status:
        # notification_sweep; recipient: the in-app list's), and none for LIKE.
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(fields=["kind"], name="notification_kind"),  # the admin's filter
            # The sweep looks for rows left in one status for too long.
            models.Index(fields=["status", "updated_at"], name="notification_sweep"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.email} ({self.status})"

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a repeated delivery is recognisable."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "kiezmarkt.local"
        return f"<notification-{self.pk}@{domain}>"


class NotificationAttachment(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="attachments"
    )
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self):
        return self.filename


class NotificationOptOut(models.Model):
    """A person switched off an optional kind (kinds.Kind.optional). Admins of an organisation
    still receive that organisation's notifications; see selectors.recipient_addresses_for()."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(_("Art"), max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abbestellte Benachrichtigung")
        verbose_name_plural = _("abbestellte Benachrichtigungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_once"),
        ]

    def __str__(self):
        return f"{self.user} ✗ {self.kind}"
