"""Helpers for the browser tests: choosing a language, signing in through the real form,
the axe-core check, screenshots. Import as ``from browser.browsing import ...``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from support import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def set_language(page, lang: str, next_path: str = "/"):
    """Choose the language the way a person does (the cookie set by /language/<code>), then
    land on ``next_path``; returns the response of that page."""
    return page.goto(f"/language/{lang}?next={quote(next_path, safe='/')}")


def sign_in(page, live_server, role: str) -> None:
    """Sign in through the real login form as one of the seeded roles."""
    page.goto("/login")
    page.fill("#email", live_server.seeded.emails[role])
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url, f"sign-in as {role} failed: {page.url}"


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, label: str = "") -> None:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now; fail listing
    each violation's id, impact, help and target nodes."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    response = results.response
    # Guard against a run that checked nothing (it would have no violations either).
    assert response.get("testEngine", {}).get("name") == "axe-core", response.keys()
    assert response["toolOptions"]["runOnly"]["values"] == AXE_TAGS
    violations = response["violations"]
    assert not violations, (
        f"axe found {len(violations)} violation(s) on {label or page.url}:\n"
        + format_violations(violations)
    )


def screenshot(page, name: str) -> Path:
    """A full-page PNG under test-artifacts/screenshots/ (git-ignored), for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# JavaScript run in the page to describe the focused element.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, type: el.type || '',
    name: el.getAttribute('name') || '', href: el.getAttribute('href') || '',
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    outline: style.outlineStyle, outlineWidth: style.outlineWidth, boxShadow: style.boxShadow,
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def focus_is_visible(info: dict) -> bool:
    """A visible focus indicator: an outline that is drawn, or a box shadow."""
    outline = info["outline"] != "none" and info["outlineWidth"] not in ("0px", "")
    return outline or info["boxShadow"] != "none"


def tab_until(page, matches, limit: int = 80, key: str = "Tab") -> dict:
    """Press Tab (or ``key``, e.g. "Shift+Tab" to go back) until the focused element satisfies
    ``matches(info)``; every stop on the way must show a visible focus indicator. Fails after
    ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        if info is None:
            continue
        assert focus_is_visible(info), f"focus is not visible on {info}"
        if matches(info):
            return info
    raise AssertionError(f"no matching element reached with {limit} presses of {key}")
