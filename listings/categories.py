"""The starting set of categories (German, English). Migration 0003 holds a frozen copy; the
coordinator keeps the list in the admin from then on."""

DEFAULT_CATEGORIES: list[tuple[str, str, str]] = [
    ("moebel", "Möbel & Einrichtung", "Furniture"),
    ("veranstaltungstechnik", "Veranstaltungstechnik", "Event equipment"),
    ("werkzeug", "Werkzeug & Handwerk", "Tools & crafts"),
    ("fahrzeuge", "Fahrzeuge & Transport", "Vehicles & transport"),
    ("kueche", "Küche & Catering", "Kitchen & catering"),
    ("it", "IT & Digitales", "IT & digital"),
    ("garten", "Garten & Umwelt", "Gardening & environment"),
    ("renovieren", "Renovieren & Reparieren", "Renovation & repairs"),
    ("bildung", "Bildung & Nachhilfe", "Education & tutoring"),
    ("kinder-jugend", "Kinder & Jugend", "Children & youth"),
    ("senioren", "Seniorinnen & Senioren", "Older people"),
    ("pflege-soziales", "Soziales & Pflege", "Social work & care"),
    ("buero", "Büro & Verwaltung", "Office & administration"),
    ("handel", "Handel & Verkauf", "Retail & sales"),
    ("gastronomie", "Gastronomie", "Hospitality"),
    ("sport", "Sport & Freizeit", "Sport & leisure"),
    ("kultur", "Kunst & Kultur", "Arts & culture"),
]


def ensure_default_categories() -> None:
    """Create the starting categories that do not exist yet; leaves edited ones alone."""
    from .models import Category

    for position, (slug, name_de, name_en) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position * 10}
        )
