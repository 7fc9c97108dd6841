"""The safe Markdown renderer: what is kept, and XSS attempts that must come out inert."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from progov.core.richtext import ALLOWED_TAGS, render_markdown, sanitise_html
from progov.core.testing.html_checks import page_problems


def test_headings_lists_emphasis_and_links():
    html = render_markdown(
        "# Decisions\n\n"
        "* **Approved** the _M10_ re-plan\n"
        "* See [the pack](https://mhhsprogramme.co.uk/pack) or "
        "[mail the PMO](mailto:PMO@mhhsprogramme.co.uk)\n\n"
        "1. first\n2. second\n"
    )
    assert isinstance(html, SafeString)
    assert "<h1>Decisions</h1>" in html
    assert "<strong>Approved</strong>" in html and "<em>M10</em>" in html
    assert '<a href="https://mhhsprogramme.co.uk/pack" rel="noopener noreferrer nofollow">' in html
    assert 'href="mailto:PMO@mhhsprogramme.co.uk"' in html
    assert "<ol>" in html and "<li>second</li>" in html


def test_tables_get_a_caption_and_scoped_headers_without_inline_styles():
    html = render_markdown("## Votes\n\n| Constituency | View |\n|:--|--:|\n| DNO | Agree |\n")
    assert '<caption class="visually-hidden">Votes</caption>' in html
    assert '<th scope="col">Constituency</th>' in html
    assert "style=" not in html
    assert page_problems(str(html), fragment=True) == []


def test_a_table_without_a_heading_is_numbered():
    html = render_markdown("| a |\n|---|\n| 1 |\n\n| b |\n|---|\n| 2 |\n")
    assert "<caption" in html and ">Table 1</caption>" in html and ">Table 2</caption>" in html


def test_heading_offset_moves_headings_down_and_stops_at_h6():
    html = render_markdown("# One\n\n## Two\n\n### Three", heading_offset=2)
    assert "<h3>One</h3>" in html and "<h4>Two</h4>" in html and "<h5>Three</h5>" in html
    assert "<h1>" not in html
    deep = render_markdown("# a\n\n## b\n\n### c", heading_offset=4)
    assert "<h5>a</h5>" in deep and "<h6>b</h6>" in deep and "<h6>c</h6>" in deep


def test_headings_never_skip_a_level():
    html = render_markdown("## Decisions\n\n#### Detail\n\n## Actions", heading_offset=2)
    assert "<h3>Decisions</h3>" in html and "<h4>Detail</h4>" in html
    assert "<h3>Actions</h3>" in html
    assert render_markdown("### Only").startswith("<h1>Only</h1>")
    assert page_problems(str(html), fragment=True) == []


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown("  \n ") == ""


XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[x](https://ok.org "title" onclick="alert(1)")',
    "![img](https://evil.example/x.png)",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<p style="position:fixed">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "<<script>script>alert(1)<</script>/script>",
    "<!-- <script>alert(1)</script> -->",
    "<a href='https://ok.org' onclick='alert(1)'>x</a>",
    "<form action=https://evil.example><input name=q></form>",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
]


class _Markup(HTMLParser):
    """Every tag and attribute actually in the output (escaped text is not markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def markup_of(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Markup()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("attack", XSS)
def test_xss_attempts_come_out_inert(attack):
    html = str(render_markdown(attack))
    for tag, attrs in markup_of(html):
        assert tag in ALLOWED_TAGS, f"<{tag}> got through: {html}"
        for name, value in attrs.items():
            assert name in {"href", "title", "rel", "scope", "class", "start"}, html
            if name == "href":
                assert value.lower().startswith(("http://", "https://", "mailto:")), html
            if name == "class":
                assert (tag, value) == ("caption", "visually-hidden")
    assert page_problems(html, fragment=True) == []


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("Use <b>bold</b> & <i>this</i>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&amp;" in html


def test_only_http_https_and_mailto_links_keep_their_address():
    html = render_markdown("[a](/meetings/1/) [b](ftp://x.org/f) [c](HTTPS://ok.org) [d](#top)")
    assert html.count("href=") == 1
    assert 'href="HTTPS://ok.org"' in html
    assert ">a</a>" in html  # the text stays


def test_sanitise_html_on_its_own_keeps_the_allow_list():
    assert sanitise_html('<h2 class="x" id="y">T</h2><em>e</em>') == "<h2>T</h2><em>e</em>"
    assert sanitise_html('<caption class="visually-hidden evil">c</caption>') in (
        '<caption class="visually-hidden">c</caption>',
        "c",
    )


def test_template_filter():
    out = Template("{% load richtext %}{{ body|richtext:1 }}").render(
        Context({"body": "# T\n\n<script>x</script>"})
    )
    assert "<h2>T</h2>" in out and "&lt;script&gt;" in out
