# Joins three branches of work that each added a migration after 0004: the buffer days' label,
# members-only offers, and the hand-over days with the offer's contact person.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0005_equipment_buffer_days_label"),
        ("listings", "0005_listing_members_only"),
        ("listings", "0006_offer_contact_person"),
    ]

    operations = []
