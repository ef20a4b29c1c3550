"""Turns a notification row into an e-mail in the recipient's language.

Each kind's folder (kinds.Kind.template_folder) holds subject.txt, body.txt and body.html; the
bodies extend notifications/base.txt and notifications/base.html, the layout every e-mail
shares. Subject and plain text are rendered without HTML escaping ("Müller & Söhne" stays as
it is); the HTML part is escaped as usual.
"""

import datetime as dt
import re
from decimal import Decimal
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import formats, translation

from marketplace.models import Membership, Role

from . import tokens
from .kinds import Kind, get_kind
from .models import Notification
from .secret_links import secret_links


def template_context(notification: Notification, kind: Kind) -> dict:
    """What every template sees: the caller's context plus names and links. `unsubscribe_url`
    is empty here; render_email() fills it for people who may switch the kind off."""
    organisation = notification.organisation
    return {
        **notification.context,
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
        "recipient_name": notification.recipient.full_name if notification.recipient else "",
        "organisation_name": organisation.name if organisation else "",
        "kind_description": kind.description,
        "unsubscribe_url": "",
    }


def unsubscribe_url(notification: Notification, kind: Kind) -> str:
    """The one-click link for kinds this person may switch off: optional kinds, sent to a
    person with an account who is not an admin of the organisation concerned (admins always
    receive their organisation's notifications)."""
    if not kind.optional or notification.recipient_id is None:
        return ""
    if (
        notification.organisation_id is not None
        and Membership.objects.filter(
            user_id=notification.recipient_id,
            organisation_id=notification.organisation_id,
            role=Role.ADMIN,
        ).exists()
    ):
        return ""
    token = tokens.unsubscribe_token(user_id=notification.recipient_id, kind=kind.name)
    return tokens.unsubscribe_url(token)


# What the senders write into a context in German notation (it is the same for every
# recipient): days as 07.12.2026, amounts as 1.322,50 €.
GERMAN_DAY = re.compile(r"(?<![\d.])(\d{2})\.(\d{2})\.(\d{4})(?![\d])")
GERMAN_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})*),(\d{2}) €")
# A sentence that ends with a name ending in a period ("Wassertor e.V.") gets no second one.
DOUBLE_PERIOD = re.compile(r"(?<=\w\.)\.(?!\.)")


def _local_day(match: re.Match) -> str:
    day, month, year = (int(part) for part in match.groups())
    try:
        return formats.date_format(dt.date(year, month, day), "SHORT_DATE_FORMAT")
    except ValueError:
        return match.group(0)


def _local_amount(match: re.Match) -> str:
    euros = Decimal(match.group(1).replace(".", "") + "." + match.group(2))
    return "€" + formats.number_format(euros, 2, use_l10n=True, force_grouping=True)


def localise(text: str) -> str:
    """Days and amounts in the active language's notation (the contexts hold them in German
    notation), and no doubled period after a name that ends with one."""
    if translation.get_language() != "de":
        text = GERMAN_DAY.sub(_local_day, text)
        text = GERMAN_AMOUNT.sub(_local_amount, text)
    return DOUBLE_PERIOD.sub("", text)


def render_plain(template_name: str, context: dict) -> str:
    """A template rendered without HTML escaping, for subjects and plain-text bodies."""
    return localise(get_template(template_name).template.render(Context(context, autoescape=False)))


def render_subject(kind: Kind, context: dict) -> str:
    # One line: a line break in a header would be refused (and could inject headers).
    return " ".join(render_plain(f"{kind.template_folder}/subject.txt", context).split())


def in_app_title(notification: Notification, language: str) -> str:
    """The line the app lists: the e-mail's subject, or the kind's description if the kind
    has no templates (yet)."""
    kind = get_kind(notification.kind)
    with translation.override(language):
        try:
            return render_subject(kind, template_context(notification, kind))
        except TemplateDoesNotExist:
            return str(kind.description)


def render_email(notification: Notification) -> EmailMultiAlternatives:
    kind = get_kind(notification.kind)
    context = template_context(notification, kind)
    context["unsubscribe_url"] = unsubscribe_url(notification, kind)
    # Links that grant access exist only here, in the e-mail being sent, never in the outbox.
    context.update(secret_links(notification))
    with translation.override(notification.language):
        subject = render_subject(kind, context)
        text = render_plain(f"{kind.template_folder}/body.txt", context)
        html = localise(get_template(f"{kind.template_folder}/body.html").render(context))
    # The same Message-ID on every attempt, so a repeated delivery is recognisable as one.
    headers = {"Message-ID": notification.message_id, "Auto-Submitted": "auto-generated"}
    if context["unsubscribe_url"]:
        # RFC 2369 and RFC 8058: mail clients offer an "unsubscribe" button that POSTs here.
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    if kind.attachments:
        for attachment in notification.attachments.all():
            content, mimetype = bytes(attachment.content), attachment.mimetype
            if ";" in mimetype:
                message.attach(_attachment_part(attachment.filename, content, mimetype))
            else:
                message.attach(attachment.filename, content, mimetype)
    return message


def _attachment_part(filename: str, content: bytes, mimetype: str) -> MIMEBase:
    """The MIME part of an attachment, keeping the parameters of its type: a calendar
    invitation must say "text/calendar; method=REQUEST" for mail clients to offer accept and
    decline (Django's own attach() would repeat the charset). Base64, so the bytes arrive as
    they were."""
    full_type, *params = (piece.strip() for piece in mimetype.split(";"))
    maintype, subtype = full_type.split("/", 1)
    part = MIMEBase(
        maintype, subtype, **dict(param.split("=", 1) for param in params if "=" in param)
    )
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part
