"""axe-core in the browser tests: the WCAG 2.2 A/AA rules run on a loaded page.

axe-core is vendored (`vendor/axe-core/`, MPL-2.0) and only ever evaluated by the test
through the DevTools protocol, so it is neither served nor subject to the page's CSP.

    problems = axe_violations(page)
    assert problems == [], "\\n".join(problems)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA (issue 9: "axe-core reports zero violations").
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any, *, tags: list[str] | None = None) -> list[str]:
    """Each violation on the page as "rule (impact): selector — the failure summary"."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                          summary: n.failureSummary}))}));
        }""",
        tags or TAGS,
    )
    found: list[str] = []
    for violation in result:
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())[:200]
            found.append(f"{violation['id']} ({violation['impact']}): {node['target']} — {summary}")
    return found
