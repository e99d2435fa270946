"""
The body of a message as HTML that cannot run or fetch anything.

Markdown is parsed with raw HTML switched off, and the result is cleaned
again against an allow-list, so that a hostile body is rendered inert
(DESIGN section 6). Images are not rendered at all: a remote image would tell
its owner when, and from where, the message was read.
"""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}

_parser = (
    MarkdownIt("commonmark", {"html": False})
    .enable(["table", "strikethrough"])
    .disable("image")
)


def render_markdown(text):
    """Return the Markdown `text` as sanitised HTML, safe to put in a page."""
    html = _parser.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 -- cleaned against the allow-list
