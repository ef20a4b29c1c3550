"""Links that grant access leave the outbox: rows written before they were built at sending time
lose them from their context, and the reset token leaves the event keys (see notifications/secret_links.py).

A queued invitation gets its invitation's id in place of the link, so that it can still be sent
(an invitation of the old kind then fails with the reason, see secret_links._invitation).
"""

from django.db import migrations

SECRET_CONTEXT_KEYS = ("reset_url", "verify_url", "accept_url")


def scrub(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(
        kind__in=["account_password_reset", "account_verify_email", "invitation"]
    )
    for row in rows.iterator():
        context = dict(row.context or {})
        for key in SECRET_CONTEXT_KEYS:
            context.pop(key, None)
        if row.kind == "invitation" and row.event_key.startswith("invitation:"):
            context.setdefault("invitation_id", int(row.event_key.split(":", 1)[1]))
        event_key = row.event_key
        if row.kind == "account_password_reset":
            # "account_password_reset:<user>:<token>": the token goes, the row's id keeps it unique
            event_key = f"{':'.join(event_key.split(':')[:2])}:before-0003-{row.pk}"
        row.context, row.event_key = context, event_key
        row.save(update_fields=["context", "event_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_opt_outs_and_sweep_index"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop, elidable=True)]
