"""A task the test workers load (`--include`), to prove a worker reaches the test database,
the broker and the SMTP server of the test that started it."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task(ignore_result=True)
def mail_people_count(to: str) -> None:
    from marketplace.models import User

    count = User.objects.count()
    send_mail(f"{count} people", f"The worker sees {count} people.", None, [to])
