"""Invitations keep only the SHA-256 of their link's token; the token itself leaves the database.

Links already e-mailed keep working: their token's hash is what the lookup compares.
"""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    Invitation = apps.get_model("marketplace", "Invitation")
    for invitation in Invitation.objects.only("pk", "token").iterator():
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0003_organisation_description_limit"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(
            model_name="invitation",
            name="token",
        ),
    ]
