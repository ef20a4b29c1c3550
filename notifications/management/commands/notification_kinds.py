from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.readme_table import kinds_markdown, readme_with_table


class Command(BaseCommand):
    help = "Print the table of notification kinds, or write it into README.md (--write)."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="update README.md in place")

    def handle(self, *args, write=False, **options):
        if not write:
            self.stdout.write(kinds_markdown())
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"updated {readme}")
