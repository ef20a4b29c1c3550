"""Template helpers of the web pages: the language switch and small formatting aids."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


@register.inclusion_tag("partials/language_switch.html", takes_context=True)
def language_switch(context):
    request = context.get("request")
    return {
        "csrf_token": context.get("csrf_token"),
        "languages": settings.LANGUAGES,
        "current": (get_language() or settings.LANGUAGE_CODE)[:2],
        # Back to the same page after switching; a POST result page has no GET form to return to.
        "next": request.get_full_path() if request is not None else "/",
    }


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many in-app notifications the signed-in person has not read (one query)."""
    from notifications.selectors import in_app_notifications_of

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return in_app_notifications_of(user).filter(read_at__isnull=True).count()
