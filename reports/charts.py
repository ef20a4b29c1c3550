"""Pictures of a report, drawn by matplotlib (and laid out by networkx): PNG bytes that the page
shows as plain images (no JavaScript, so the strict Content-Security-Policy holds) and the PDF
embeds.

- the month-by-month chart: cooperations per kind (volunteer actions, loans, hires, donations)
- the network picture: companies and social organisations as points, a line for each pair that
  cooperated in the period, thicker for more cooperations
"""

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .figures import COOPERATION_KINDS, Report

COLOURS = {
    "volunteer": "#2f7d4f",
    "equipment": "#e0a422",
    "job": "#3566a8",
    "donation": "#b24a6b",
    "company": "#3566a8",
    "social": "#2f7d4f",
}
LABELS_UP_TO = 40  # the network picture names its points while it stays readable


def _figure(width: float, height: float):
    """A matplotlib Figure without pyplot (no global state: safe in threads). Imported here,
    so that pages without charts do not load matplotlib."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def monthly_chart(report: Report) -> bytes:
    """Stacked bars: cooperations per month and kind."""
    months = report.period.months
    labels = [date_format(month, "M y") for month in months]
    figure = _figure(8, 3.4)
    axes = figure.subplots()
    bottom = [0] * len(months)
    for kind, label in COOPERATION_KINDS:
        values = report.monthly.get(kind, [0] * len(months))
        axes.bar(labels, values, bottom=bottom, label=str(label), color=COLOURS[kind])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylabel(_("Kooperationen"))
    axes.set_title(_("Kooperationen je Monat, %(period)s") % {"period": report.period.label})
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    if len(months) > 12:
        step = max(1, len(months) // 12)
        for index, tick in enumerate(axes.get_xticklabels()):
            tick.set_visible(index % step == 0)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), fontsize=8, frameon=False, ncols=4)
    return _png(figure)


def network_picture(report: Report) -> bytes:
    """Companies and social organisations as points, a line per cooperating pair."""
    import networkx as nx

    graph = nx.Graph()
    for pair in report.pairs:
        graph.add_node(("c", pair.company_id), label=pair.company, kind="company")
        graph.add_node(("s", pair.social_id), label=pair.social, kind="social")
        graph.add_edge(("c", pair.company_id), ("s", pair.social_id), weight=pair.weight)
    figure = _figure(8, 6)
    axes = figure.subplots()
    axes.set_axis_off()
    axes.set_title(_("Wer mit wem kooperiert hat, %(period)s") % {"period": report.period.label})
    if graph.number_of_nodes() == 0:
        axes.text(0.5, 0.5, _("Keine Kooperationen im Zeitraum."), ha="center", va="center")
        return _png(figure)
    # ForceAtlas2 (made for drawing networks) needs only numpy, also for hundreds of points;
    # spring_layout needs scipy from 500 points on.
    # Fewer steps for big networks keep the PDF within its two seconds.
    steps = 100 if len(graph) <= 150 else 30
    layout = nx.forceatlas2_layout(graph, seed=13, weight="weight", max_iter=steps)
    weights = [graph.edges[edge]["weight"] for edge in graph.edges]
    heaviest = max(weights)
    nx.draw_networkx_edges(
        graph,
        layout,
        ax=axes,
        width=[0.8 + 5 * weight / heaviest for weight in weights],
        edge_color="#8a8f98",
        alpha=0.7,
    )
    for kind, name in (("company", _("Unternehmen")), ("social", _("Soziale Organisation"))):
        nodes = [node for node, data in graph.nodes(data=True) if data["kind"] == kind]
        nx.draw_networkx_nodes(
            graph,
            layout,
            nodelist=nodes,
            ax=axes,
            node_size=90 if len(graph) > LABELS_UP_TO else 260,
            node_color=COLOURS[kind],
            node_shape="s" if kind == "company" else "o",
            label=name,
        )
    if len(graph) <= LABELS_UP_TO:
        nx.draw_networkx_labels(
            graph,
            {node: (x, y + 0.07) for node, (x, y) in layout.items()},
            labels={node: data["label"] for node, data in graph.nodes(data=True)},
            font_size=7,
            ax=axes,
        )
    axes.legend(loc="lower left", fontsize=8, frameon=False)
    return _png(figure)
