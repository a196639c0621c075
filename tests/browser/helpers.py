"""What every browser journey needs: sign in, check accessibility with axe-core, take a shot.

``check_axe`` injects axe-core from node_modules (installed from the npm registry by
``make setup``). The app's CSP allows scripts from 'self' only, so the file is served to the
page from a same-origin URL by route interception (no inline script, no CSP bypass): the page
under test keeps its real policy.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "coalition-demo"
STEWARD = "steward@example.org"
CONVENOR = "convenor@example.org"
MEMBER = "member@example.org"
AXE_PATH = "/__test__/axe.min.js"
SERIOUS = ("critical", "serious")


def login(page: Any, live: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form; fails the test if the server refuses. The page may be in
    any language: an English page is found by its labels, another by the form's fields."""
    page.goto(f"{live.url}/login")
    if page.locator("html").get_attribute("lang") == "en":
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        button = page.get_by_role("button", name="Sign in")
    else:
        page.locator("#login-email").fill(email)
        page.locator("#login-password").fill(password)
        button = page.locator("form[action='/login'] button[type=submit]")
    with page.expect_navigation():
        button.click()
    if re.search(r"/login(\?|$)", page.url):
        error = page.locator("main").inner_text()
        raise AssertionError(f"could not sign in as {email}: {error[:300]}")


def _serve_axe(page: Any) -> None:
    if not AXE.is_file():
        raise AssertionError(
            f"{AXE} is missing: axe-core comes from the npm registry (run `make setup`)"
        )
    source = AXE.read_bytes()
    page.context.route(
        f"**{AXE_PATH}",
        lambda route: route.fulfill(
            status=200, body=source, headers={"content-type": "application/javascript"}
        ),
    )


def check_axe(
    page: Any, context: str = "", skip_rules: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; fail on any critical or serious violation.

    ``skip_rules`` turns rules off by id (for an HTML fragment, the rules about a whole
    document). Returns the violations of lower impact (moderate, minor) for whoever wants them.
    """
    page.wait_for_load_state("load")  # styles applied (contrast, sizes) before axe looks
    if not page.evaluate("() => typeof window.axe === 'object'"):
        if not getattr(page.context, "_axe_routed", False):
            _serve_axe(page)
            page.context._axe_routed = True
        page.add_script_tag(url=AXE_PATH)
        loaded = page.evaluate("() => typeof window.axe === 'object' && !!window.axe.run")
        assert loaded, "axe-core did not load into the page (CSP or the route interception)"
    results = page.evaluate(
        """async (skip) => {
            const rules = Object.fromEntries(skip.map(id => [id, {enabled: false}]));
            const r = await axe.run(document, {resultTypes: ['violations'], rules});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          summary: (n.failureSummary || '').slice(0, 300)}))
            }));
        }""",
        list(skip_rules),
    )
    bad = [v for v in results if v["impact"] in SERIOUS]
    if bad:
        where = context or page.url
        lines = [f"axe found {len(bad)} critical/serious violation(s) on {where}:"]
        for v in bad:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
            for node in v["nodes"][:8]:
                lines.append(f"    {node['target']}  {node['summary']}".rstrip())
            if len(v["nodes"]) > 8:
                lines.append(f"    … and {len(v['nodes']) - 8} more")
        raise AssertionError("\n".join(lines))
    return [v for v in results if v["impact"] not in SERIOUS]


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page: Any) -> None:
    """The page body does not scroll sideways (phone widths).

    Compared with the layout viewport (``documentElement.clientWidth``), not ``innerWidth``:
    in a mobile context chromium widens ``innerWidth`` to the content, so a page too wide for
    the phone would pass a test against it. Waits for the page's load event first: right after
    a form post the new document may be parsed before its stylesheets apply.
    """
    page.wait_for_load_state("load")
    width, viewport, where = page.evaluate(
        """() => {
            const d = document.documentElement, limit = d.clientWidth + 1, out = [];
            for (const e of document.body.querySelectorAll('*')) {
                if (e.getBoundingClientRect().right <= limit) continue;
                let clipped = false;
                for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (getComputedStyle(a).overflowX !== 'visible') { clipped = true; break; }
                }
                if (!clipped) out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                    + (e.className && e.className.baseVal === undefined && e.className
                       ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''));
            }
            return [d.scrollWidth, d.clientWidth, out.slice(0, 5)];
        }"""
    )
    assert width <= viewport, (
        f"the page is {width}px wide on a {viewport}px screen ({page.url}); too wide: {where}"
    )


def open_menu(page: Any) -> None:
    """At phone widths the navigation's links sit behind the menu button: open it (a no-op on
    wider screens, where the links are always shown)."""
    button = page.locator("label.nav-button")
    if button.is_visible() and not page.locator("#nav-toggle").is_checked():
        button.click()
