from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Berichte")

    def ready(self):
        # reports reads the domain apps, never the other way round: the wiring lives here.
        from network.selectors import network_life_figures

        from . import extensions

        extensions.fill(extensions.NETWORK_LIFE.key, network_life_figures)
