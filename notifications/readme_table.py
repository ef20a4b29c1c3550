"""The table of notification kinds as Markdown, for the README (kept in step by a test)."""

from django.utils import translation

from .kinds import KINDS

BEGIN = "<!-- notification-kinds:begin -->"
END = "<!-- notification-kinds:end -->"


def kinds_markdown() -> str:
    """One row per kind: event → recipients → template folder → attachments (German text)."""
    rows = [
        "| event | recipients | template | attachments | can be switched off | in the app |",
        "|---|---|---|---|---|---|",
    ]
    with translation.override("de"):
        for kind in KINDS.values():
            rows.append(
                f"| {kind.description} | {kind.recipients} | `{kind.template_folder}/` "
                f"| {', '.join(str(a) for a in kind.attachments) or '–'} "
                f"| {'ja' if kind.optional else 'nein'} | {'ja' if kind.in_app else 'nein'} |"
            )
    return "\n".join(rows)


def readme_with_table(readme: str) -> str:
    """`readme` with the text between the two markers replaced by the current table."""
    head, rest = readme.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{kinds_markdown()}\n{END}{tail}"
