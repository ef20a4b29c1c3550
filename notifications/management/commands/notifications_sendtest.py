"""Send a test e-mail through the whole pipeline: outbox row, Celery worker, templates, SMTP."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from marketplace.models import Language
from notifications.services import notification_send_test


class Command(BaseCommand):
    help = "Queue a test e-mail to ADDRESS; check its status in the admin (Benachrichtigungen)."

    def add_arguments(self, parser):
        parser.add_argument("address")
        parser.add_argument("--language", choices=Language.values, default=Language.GERMAN)

    def handle(self, *args, address, language, **options):
        try:
            validate_email(address)
        except ValidationError as error:
            raise CommandError(f"not an e-mail address: {address}") from error
        notification = notification_send_test(email=address, language=language)
        self.stdout.write(f"queued notification {notification.pk} to {notification.email}")
