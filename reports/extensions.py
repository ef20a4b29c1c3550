"""The report's extension point: figure groups that another app counts, once that app exists.

The report (figures.py) counts its own groups (members, volunteering, lending, jobs, donations,
cooperations). Each group below belongs to an app that is not there yet; until it registers the
function that counts it, the group shows on the page, in the exports and in the API as pending
("not recorded yet"), with the definitions of the figures it will hold.

The network's life (events and working groups: the `network` app) fills NETWORK_LIFE like this,
in reports' own AppConfig.ready() - reports reads the domain apps, never the other way round, so
the wiring lives here and the network app does not import reports:

    # reports/apps.py
    def ready(self):
        from network.selectors import network_life_figures
        from . import extensions

        extensions.fill(extensions.NETWORK_LIFE.key, network_life_figures)

    # network/selectors.py
    def network_life_figures(period, organisation=None) -> dict[str, int]:
        '''{"meetings_held": ..., "organisations_attending": ...} for [period.start,
        period.end) (aware datetimes); for one organisation (not None) only what involves it.
        A fixed number of queries (one or two), whatever the number of events.'''

A figure the function leaves out counts 0. The keys and definitions are the ones below; change
them here, with the definition, if the counting changes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# (period, organisation or None) -> {figure key: value}
FigureSource = Callable[..., dict[str, int | Decimal]]


@dataclass(frozen=True)
class ExtensionGroup:
    key: str
    title: Promise
    # (key, label, definition, unit) of each figure, as in figures.GROUPS; units: count, hours,
    # euros
    figures: list[tuple[str, Promise, Promise, str]] = field(default_factory=list)


NETWORK_LIFE = ExtensionGroup(
    key="network_life",
    title=gettext_lazy("Veranstaltungen und Arbeitsgruppen"),
    figures=[
        (
            "meetings_held",
            gettext_lazy("stattgefundene Treffen"),
            gettext_lazy(
                "Netzwerktreffen, Kieznetzwerk-Lunches, Treffen der Arbeitsgruppen und "
                "öffentliche Veranstaltungen mit Termin im Zeitraum, die stattgefunden haben "
                "(abgesagte nie)."
            ),
            "count",
        ),
        (
            "organisations_attending",
            gettext_lazy("teilnehmende Organisationen"),
            gettext_lazy(
                "Verschiedene Organisationen, von denen mindestens eine Person an einem dieser "
                "Treffen teilgenommen hat."
            ),
            "count",
        ),
    ],
)

# Every extension group, in the order the report shows them (after its own groups).
GROUPS: list[ExtensionGroup] = [NETWORK_LIFE]

_sources: dict[str, FigureSource] = {}


def fill(key: str, source: FigureSource) -> None:
    """From now on the group `key` is counted by `source` (call once, from AppConfig.ready())."""
    if key not in {group.key for group in GROUPS}:
        raise KeyError(f"No report extension group {key!r}: add it to reports.extensions.GROUPS.")
    _sources[key] = source


def unfill(key: str) -> None:
    """The group is pending again (for tests)."""
    _sources.pop(key, None)


def source_of(key: str) -> FigureSource | None:
    return _sources.get(key)
