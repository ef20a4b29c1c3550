"""Demo needs for `manage.py seed_demo` (after the people, organisations and offers):

- the primary school asks for a projector for its summer party; Spreewerk Design proposes its
  projector (an item with the day), the Görlitzer Druckhaus a message only — both open, for the
  school to accept or decline;
- the Nachbarschaftshaus needed ten helpers to paint its family café: fulfilled, Spreewerk's
  proposal accepted;
- the Kinderladen looks for a laptop for parents' evenings, date flexible;
- the parish has a draft for cake donations to the neighbourhood party.

Rows are written directly (see seed_demo's docstring: no e-mails) and found again by
(organisation, title), so a second run creates nothing. Dates are relative to today.
"""

import datetime as dt

from django.utils import timezone

from listings.models import Category, Equipment

from .models import HelpKind, Need, NeedEvent, NeedStatus, Proposal, ProposalStatus


def _need(demo, slug: str, email: str, title: str, **fields) -> tuple[Need | None, bool]:
    organisation = demo.organisations.get(slug)
    if organisation is None:
        return None, False
    category = Category.objects.get(slug=fields.pop("category"))
    status = fields.get("status", NeedStatus.DRAFT)
    now = timezone.now()
    need, created = Need.objects.get_or_create(
        organisation=organisation,
        title=title,
        defaults={
            "created_by": demo.people.get(email),
            "category": category,
            "published_at": now if status != NeedStatus.DRAFT else None,
            "status_changed_at": now,
            **fields,
        },
    )
    demo.count_created(need, created)
    if created:
        NeedEvent.objects.create(
            need=need, action="create", from_status="", to_status=need.status, by=need.created_by
        )
    return need, created


def _propose(demo, need: Need, slug: str, email: str, message: str, **fields) -> None:
    company = demo.organisations.get(slug)
    if company is None:
        return
    proposal, created = Proposal.objects.get_or_create(
        need=need,
        organisation=company,
        defaults={"created_by": demo.people.get(email), "message": message, **fields},
    )
    demo.count_created(proposal, created)


def seed_needs(demo) -> None:
    today = timezone.localdate()
    party = today + dt.timedelta(days=20)
    projector, created = _need(
        demo,
        "grundschule-am-wassertorplatz",
        "tobias.hartmann@grundschule-wassertorplatz.example",
        "Beamer für unser Sommerfest",
        description="Wir zeigen am Abend Fotos und einen Film vom Schuljahr auf dem Schulhof "
        "und suchen dafür einen Beamer mit Leinwand.",
        category="veranstaltungstechnik",
        help_kind=HelpKind.EQUIPMENT,
        quantity=1,
        date_from=party,
        place="Schulhof, Wassertorplatz 3",
        open_until=party,
        status=NeedStatus.PUBLISHED,
    )
    if created:
        item = Equipment.objects.filter(
            organisation=demo.organisations.get("spreewerk-design"),
            title="Beamer (Full HD) mit Leinwand",
        ).first()
        _propose(
            demo,
            projector,
            "spreewerk-design",
            "jonas.albrecht@spreewerk.example",
            "Gern! Unser Beamer mit Leinwand ist an dem Tag frei. Abholung bei uns im Büro.",
            **({"item": item, "units": 1, "pickup_on": party, "return_on": party} if item else {}),
        )
        _propose(
            demo,
            projector,
            "goerlitzer-druckhaus",
            "frank.wendt@goerlitzer-druckhaus.example",
            "Einen Beamer haben wir nicht, aber wir drucken Ihnen gern die Plakate fürs Fest.",
        )

    painted, created = _need(
        demo,
        "nachbarschaftshaus-am-wassertor",
        "ayse.demir@nachbarschaftshaus-wassertor.example",
        "Zehn Helfende zum Streichen des Familiencafés",
        description="Das Familiencafé braucht frische Farbe. Farbe ist da, es fehlen Hände.",
        category="renovieren",
        help_kind=HelpKind.VOLUNTEERS,
        quantity=10,
        date_from=today - dt.timedelta(days=10),
        place="Wassertorstraße 48",
        open_until=today - dt.timedelta(days=10),
        status=NeedStatus.FULFILLED,
    )
    if created:
        _propose(
            demo,
            painted,
            "spreewerk-design",
            "mara.sommer@spreewerk.example",
            "Unser Team kommt mit zehn Leuten und bringt Rollen mit.",
            status=ProposalStatus.ACCEPTED,
            answer="Wunderbar, danke! Wir sorgen für Kaffee und Kuchen.",
        )

    _need(
        demo,
        "kinderladen-sonnenblume",
        "sophie.keller@kinderladen-sonnenblume.example",
        "Laptop für die Elternarbeit",
        description="Für Elternabende und die Dokumentation suchen wir einen gebrauchten "
        "Laptop, gern als Sachspende.",
        category="it",
        help_kind=HelpKind.GOODS,
        quantity=1,
        status=NeedStatus.PUBLISHED,
    )
    _need(
        demo,
        "kirchengemeinde-am-wassertor",
        "ruth.engel@kirchengemeinde-wassertor.example",
        "Kuchenspenden für das Kiezfest",
        category="kueche",
        help_kind=HelpKind.GOODS,
        date_from=party,
    )


SEEDERS = [seed_needs]
