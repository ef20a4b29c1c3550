"""Shows the coordinator's plain-text privacy notice and imprint as HTML.

The coordinator writes plain text, never HTML: blank lines separate paragraphs, a paragraph
starting with "## " is a heading, one whose lines all start with "- " is a list, and single line
breaks stay (addresses in the imprint). Everything is escaped; web addresses and e-mail
addresses become links.
"""

import re

from django import template
from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_PARAGRAPHS = re.compile(r"\n\s*\n")


def _inline(text: str) -> SafeString:
    # urlize escapes the text (autoescape=True) before it adds the links.
    lines = [urlize(line, nofollow=True, autoescape=True) for line in text.split("\n")]
    return mark_safe("<br>".join(lines))  # noqa: S308 (each line is escaped by urlize)


def _block(block: str) -> SafeString:
    lines = [line.strip() for line in block.split("\n")]
    if lines[0].startswith("## "):
        heading = format_html("<h2>{}</h2>", lines[0][3:].strip())
        rest = "\n".join(lines[1:]).strip()
        return heading + (_block(rest) if rest else "")
    if all(line.startswith("- ") for line in lines):
        items = format_html_join("", "<li>{}</li>", ((_inline(line[2:]),) for line in lines))
        return format_html("<ul>{}</ul>", items)
    return format_html("<p>{}</p>", _inline("\n".join(lines)))


@register.filter
def legal_text(text: str) -> SafeString:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return mark_safe("")
    return mark_safe(  # noqa: S308 (each block is built with format_html)
        "\n".join(_block(block.strip()) for block in _PARAGRAPHS.split(text))
    )
