"""A loan's dates become the pickup day and the return day, both inclusive.

`loan_until` was the day after the last day of the loan (exclusive); `return_on` is that last
day, so every existing loan keeps its days and its units (the allocations are untouched).
"""

import datetime as dt

from django.db import migrations, models

BATCH = 500


def _shift_return_days(apps, days: int) -> None:
    Booking = apps.get_model("bookings", "Booking")
    loans = list(Booking.objects.filter(return_on__isnull=False).only("id", "return_on"))
    for booking in loans:
        booking.return_on += dt.timedelta(days=days)
    Booking.objects.bulk_update(loans, ["return_on"], batch_size=BATCH)


def until_to_return_day(apps, schema_editor):
    _shift_return_days(apps, -1)


def return_day_to_until(apps, schema_editor):
    _shift_return_days(apps, 1)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_calendar_feed_token")]

    operations = [
        migrations.RemoveConstraint(model_name="booking", name="booking_equipment_fields"),
        migrations.RenameField(model_name="booking", old_name="loan_from", new_name="pickup_on"),
        migrations.RenameField(model_name="booking", old_name="loan_until", new_name="return_on"),
        migrations.AlterField(
            model_name="booking",
            name="pickup_on",
            field=models.DateField(blank=True, null=True, verbose_name="Abholung am"),
        ),
        migrations.AlterField(
            model_name="booking",
            name="return_on",
            field=models.DateField(blank=True, null=True, verbose_name="Rückgabe am"),
        ),
        migrations.RunPython(until_to_return_day, return_day_to_until),
        migrations.AddConstraint(
            model_name="booking",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "equipment"), _negated=True),
                    models.Q(
                        ("pickup_on__isnull", False),
                        ("return_on__gte", models.F("pickup_on")),
                        ("return_on__isnull", False),
                        ("units__gte", 1),
                        ("units__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="booking_loan_days",
            ),
        ),
    ]
