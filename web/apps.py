from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The server-rendered pages: thin views over the same services and selectors as the API."""

    name = "web"
    verbose_name = _("Webseiten")
