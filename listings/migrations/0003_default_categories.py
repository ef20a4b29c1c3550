"""The starting set of categories; the coordinator edits them in the admin afterwards."""

from django.db import migrations

CATEGORIES = [
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


def create(apps, schema_editor):
    Category = apps.get_model("listings", "Category")
    for position, (slug, name_de, name_en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("listings", "0002_postgres_search_and_exclusion")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
