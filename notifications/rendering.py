"""Turns a notification row into an e-mail in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import Notification


def render_email(notification: Notification) -> EmailMultiAlternatives:
    context = {
        **notification.context,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "recipient_name": notification.recipient.full_name if notification.recipient else "",
    }
    folder = f"notifications/{notification.kind}"
    with translation.override(notification.language):
        subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
        text = render_to_string(f"{folder}/body.txt", context)
        html = render_to_string(f"{folder}/body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers={"Message-ID": notification.message_id},
    )
    message.attach_alternative(html, "text/html")
    for attachment in notification.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    return message
