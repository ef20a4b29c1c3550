"""Hand-over days and hours as data instead of the free text `pickup_hours`.

The old text is read for what it says plainly ("Mo–Fr", "Mo, Mi, Fr", "9–17 Uhr", "10:30-16
Uhr"); whatever else it says stays as the hand-over note. A text naming no weekday leaves
every day open, so no item refuses a day it accepted before without its lender choosing so.
"""

import datetime as dt
import re

import listings.handover
import listings.validators
from django.db import migrations, models

DAYS = {"mo": 1, "di": 2, "mi": 3, "do": 4, "fr": 5, "sa": 6, "so": 7}
DAY = r"(mo|di|mi|do|fr|sa|so)\.?"
DASH = r"\s*(?:–|-|—|bis)\s*"
DAY_RANGE = re.compile(rf"\b{DAY}{DASH}{DAY}\b", re.IGNORECASE)
# A single day only as written in a list of days ("Mo, Mi"), not the word "so".
DAY_ONE = re.compile(r"\b(Mo|Di|Mi|Do|Fr|Sa|So)\b\.?")
HOURS = re.compile(
    rf"\b(\d{{1,2}})(?:[:.](\d{{2}}))?{DASH}(\d{{1,2}})(?:[:.](\d{{2}}))?\s*(?:uhr|h)?\b",
    re.IGNORECASE,
)


def parse_hours_text(text: str) -> tuple[list[int], dt.time | None, dt.time | None, str]:
    """(weekdays, opens, closes, what is left of the text) of an old `pickup_hours`."""
    days: set[int] = set()
    rest = text
    for match in DAY_RANGE.finditer(text):
        first, last = DAYS[match[1].lower()], DAYS[match[2].lower()]
        span = range(first, last + 1) if first <= last else [*range(first, 8), *range(1, last + 1)]
        days.update(span)
        rest = rest.replace(match[0], " ", 1)
    for match in DAY_ONE.finditer(rest):
        days.add(DAYS[match[1].lower()])
    rest = DAY_ONE.sub(" ", rest)
    opens = closes = None
    hours = HOURS.search(rest)
    if hours:
        start_hour, start_minute = int(hours[1]), int(hours[2] or 0)
        end_hour, end_minute = int(hours[3]), int(hours[4] or 0)
        if start_hour < 24 and end_hour < 24 and start_minute < 60 and end_minute < 60:
            opens, closes = dt.time(start_hour, start_minute), dt.time(end_hour, end_minute)
            if closes > opens:
                rest = rest.replace(hours[0], " ", 1)
            else:
                opens = closes = None
    # What is left, without the separators the days and hours stood between.
    note = re.sub(r"\s+", " ", rest)
    note = re.sub(r"(^|\s)(und|and|&|\+|/)(?=\s|$)", " ", note, flags=re.IGNORECASE)
    note = re.sub(r"\s+([,;.])", r"\1", re.sub(r"\s+", " ", note))
    note = re.sub(r"([,;])(\s*[,;])+", r"\1", note).strip(" ,;:-–")
    return sorted(days) or list(range(1, 8)), opens, closes, note[:300]


def from_text(apps, schema_editor):
    Equipment = apps.get_model("listings", "Equipment")
    for item in Equipment.objects.only("pk", "pickup_hours").iterator():
        days, opens, closes, note = parse_hours_text(item.pickup_hours or "")
        Equipment.objects.filter(pk=item.pk).update(
            handover_weekdays=days,
            handover_opens_at=opens,
            handover_closes_at=closes,
            handover_note=note,
        )


def to_text(apps, schema_editor):
    Equipment = apps.get_model("listings", "Equipment")
    names = {number: name.capitalize() for name, number in DAYS.items()}
    for item in Equipment.objects.iterator():
        parts = [", ".join(names[day] for day in sorted(item.handover_weekdays))]
        if item.handover_opens_at and item.handover_closes_at:
            parts.append(f"{item.handover_opens_at:%H:%M}–{item.handover_closes_at:%H:%M} Uhr")
        if item.handover_note:
            parts.append(item.handover_note)
        Equipment.objects.filter(pk=item.pk).update(pickup_hours=", ".join(parts)[:500])


class Migration(migrations.Migration):
    dependencies = [("listings", "0004_list_validators")]

    operations = [
        migrations.AddField(
            model_name="equipment",
            name="handover_weekdays",
            field=models.JSONField(
                default=listings.handover.all_weekdays,
                validators=[listings.validators.validate_handover_weekdays],
                verbose_name="Tage für Abholung und Rückgabe",
            ),
        ),
        migrations.AddField(
            model_name="equipment",
            name="handover_opens_at",
            field=models.TimeField(blank=True, null=True, verbose_name="Übergabe ab"),
        ),
        migrations.AddField(
            model_name="equipment",
            name="handover_closes_at",
            field=models.TimeField(blank=True, null=True, verbose_name="Übergabe bis"),
        ),
        migrations.AddField(
            model_name="equipment",
            name="handover_note",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="Hinweis zur Übergabe"
            ),
        ),
        migrations.AlterField(
            model_name="equipment",
            name="pickup_hours",
            field=models.CharField(blank=True, max_length=500, verbose_name="Abholzeiten"),
        ),
        migrations.RunPython(from_text, to_text),
        migrations.RemoveField(model_name="equipment", name="pickup_hours"),
        migrations.AddConstraint(
            model_name="equipment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("handover_closes_at__isnull", True), ("handover_opens_at__isnull", True)
                    ),
                    models.Q(
                        ("handover_closes_at__gt", models.F("handover_opens_at")),
                        ("handover_closes_at__isnull", False),
                        ("handover_opens_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="equipment_handover_hours",
                violation_error_message=(
                    "Bitte beide Uhrzeiten angeben, die zweite nach der ersten (oder keine)."
                ),
            ),
        ),
    ]
