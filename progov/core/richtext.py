"""Rich text: Markdown typed by the secretariat, rendered to HTML that is safe to show.

Two layers, so a mistake in one is caught by the other:

1. Markdown is rendered with raw HTML switched off: `<script>` typed into a headline
   report is shown as the text "<script>", never passed through.
2. The output is sanitised by nh3 (the Rust "ammonia" sanitiser) against an allow-list:
   headings, paragraphs, lists, emphasis, code, quotes, rules and tables; links only to
   `http:`, `https:` and `mailto:` addresses (anything else keeps its text and loses its
   `href`), with `rel="noopener noreferrer nofollow"`. No images, no `style`, no `class`,
   no event handlers, so the strict CSP has nothing to block. Tables get a caption
   (the heading above them) and scoped header cells.

    render_markdown("## Decisions\\n\\n* **Approved** the [plan](https://example.org)")

Headings never skip a level, and `heading_offset` moves them down so a report sits under
the page's own headings: with offset 2 the body's top heading (whether `#` or `##`) is an
`<h3>`, the next level `<h4>`, and so on; levels stop at `<h6>`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "ul",
        "ol",
        "li",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Tags whose content goes too when the tag is dropped (their text is never wanted).
DROPPED_WITH_CONTENT = frozenset({"script", "style"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_HEADING = re.compile(r"^h([1-6])$")


def _allowed_attribute(tag: str, attr: str, value: str) -> str | None:
    """Keep `href` only for absolute http(s) and mailto addresses."""
    if attr != "href":
        return value
    match = _SCHEME.match(value)
    if match is None or match.group(1).lower() not in ALLOWED_SCHEMES:
        return None
    return value


class _HeadingLevels(Treeprocessor):
    """Headings start at `offset + 1` and never skip a level (screen readers navigate by
    them): "## A / #### B" under offset 2 becomes h3, h4. Levels stop at h6."""

    def __init__(self, md: markdown.Markdown, offset: int) -> None:
        super().__init__(md)
        self.base = offset + 1

    def run(self, root: etree.Element) -> None:
        headings = [e for e in root.iter() if _HEADING.match(e.tag)]
        if not headings:
            return
        top = min(int(e.tag[1]) for e in headings)
        last = self.base - 1
        for element in headings:
            wanted = int(element.tag[1]) - top + self.base
            level = min(6, max(self.base, min(wanted, last + 1)))
            element.tag = f"h{level}"
            last = level


class _AccessibleTables(Treeprocessor):
    """Tables get a caption (the nearest heading above, else "Table N", visually hidden)
    and header cells that say what they head (`scope="col"`), for screen readers.
    Alignment is dropped: it is an inline style, which the CSP would block anyway."""

    def run(self, root: etree.Element) -> None:
        heading = ""
        count = 0
        for child in list(root):
            if _HEADING.match(child.tag):
                heading = "".join(child.itertext()).strip()
            elif child.tag == "table":
                count += 1
                caption = etree.Element("caption", {"class": "visually-hidden"})
                caption.text = heading or f"Table {count}"
                child.insert(0, caption)
        for element in root.iter("th"):
            element.set("scope", "col")
            element.attrib.pop("style", None)
        for element in root.iter("td"):
            element.attrib.pop("style", None)


def _converter(heading_offset: int) -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    # Raw HTML is text, not markup: neither blocks nor inline tags are passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_HeadingLevels(md, heading_offset), "heading_levels", 1)
    md.treeprocessors.register(_AccessibleTables(md), "accessible_tables", 0)
    return md


def sanitise_html(html: str) -> str:
    """Reduce HTML to the allow-list above (the second layer; also usable on its own)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_allowed_attribute,
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        allowed_classes={"caption": {"visually-hidden"}},
        strip_comments=True,
    )


def render_markdown(text: str, *, heading_offset: int = 0) -> SafeString:
    """Markdown → sanitised HTML, marked safe for templates."""
    if not text or not text.strip():
        return mark_safe("")
    html = _converter(max(0, heading_offset)).convert(text)
    return mark_safe(sanitise_html(html))
