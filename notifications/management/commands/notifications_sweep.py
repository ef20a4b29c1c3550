"""Run the outbox sweep once (what beat does every NOTIFICATIONS_SWEEP_SECONDS)."""

from django.core.management.base import BaseCommand

from notifications.tasks import notifications_sweep


class Command(BaseCommand):
    help = "Queue again notifications that are stuck or whose retry is due."

    def handle(self, *args, **options):
        count = notifications_sweep()
        self.stdout.write(f"{count} notification(s) queued again")
