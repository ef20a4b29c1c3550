"""The README's table of notification kinds is the one in notifications/kinds.py."""

from pathlib import Path

from django.conf import settings

from notifications.kinds import KINDS
from notifications.readme_table import readme_with_table


def test_readme_lists_every_notification_kind_as_the_code_does():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")

    assert readme == readme_with_table(readme), (
        "README.md's notification table is out of date: "
        "run `.venv/bin/python manage.py notification_kinds --write`"
    )
    for kind in KINDS.values():
        assert f"`{kind.template_folder}/`" in readme
