"""Checks a rendered page against the UI shell's rules, for any app's view tests.

    problems = page_problems(response.content.decode())
    assert problems == []

Rules: nothing the strict CSP would block (inline `<script>`/`<style>`, `style=`
or `on…=` attributes, resources from another origin), and the accessibility
basics (one `<h1>`, headings never skip a level, every form control labelled,
every table captioned with scoped header cells, `lang` set).
"""

from __future__ import annotations

from html.parser import HTMLParser

_CONTROLS = {"input", "select", "textarea"}
_UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.headings: list[int] = []
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict[str, str]]] = []
        self.label_depth = 0
        self.tables: list[dict[str, bool]] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v or "") for k, v in attrs_list}
        for name in attrs:
            if name == "style":
                self.problems.append(f"<{tag}> has an inline style attribute")
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an inline event handler {name}=")
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "style":
            self.problems.append("inline <style> element")
        if tag == "script" and not attrs.get("src"):
            self.problems.append("inline <script> element")
        for attr in ("src", "href", "action"):
            value = attrs.get(attr, "")
            if tag in {"a", "form"} and attr in {"href", "action"}:
                continue  # navigation may leave the site; only loaded resources may not
            if value.startswith(("http://", "https://", "//")):
                self.problems.append(f"<{tag} {attr}={value!r}> loads from another origin")
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in _CONTROLS:
            if tag == "input" and attrs.get("type", "text") in _UNLABELLED_INPUT_TYPES:
                return
            if self.label_depth:
                attrs = {**attrs, "_wrapped": "1"}
            self.controls.append((tag, attrs))
        if tag == "table":
            self.tables.append({"caption": False, "unscoped_th": False})
        if tag == "caption" and self.tables:
            self.tables[-1]["caption"] = True
        if tag == "th" and self.tables and not attrs.get("scope"):
            self.tables[-1]["unscoped_th"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_depth:
            self.label_depth -= 1


def page_problems(html: str, *, fragment: bool = False) -> list[str]:
    """Everything on the page that breaks the rules above (empty when it is fine).

    `fragment=True` checks an HTMX partial: no `<html lang>` or `<h1>` expected,
    and headings may start below h1.
    """
    collector = _Collector()
    collector.feed(html)
    problems = list(collector.problems)
    if not fragment:
        if not collector.html_lang:
            problems.append("<html> has no lang attribute")
        if collector.headings.count(1) != 1:
            problems.append(f"expected one <h1>, found {collector.headings.count(1)}")
        if collector.headings and collector.headings[0] != 1:
            problems.append(f"the first heading is h{collector.headings[0]}, not h1")
    previous = collector.headings[0] if collector.headings else 1
    for level in collector.headings[1:]:
        if level > previous + 1:
            problems.append(f"heading level skips from h{previous} to h{level}")
        previous = level
    for tag, attrs in collector.controls:
        labelled = (
            attrs.get("_wrapped")
            or attrs.get("aria-label")
            or attrs.get("aria-labelledby")
            or (attrs.get("id") and attrs["id"] in collector.label_for)
        )
        if not labelled:
            problems.append(f"<{tag} name={attrs.get('name')!r}> has no label")
    for index, table in enumerate(collector.tables, start=1):
        if not table["caption"]:
            problems.append(f"table {index} has no <caption>")
        if table["unscoped_th"]:
            problems.append(f"table {index} has a <th> without scope")
    return problems
