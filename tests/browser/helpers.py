"""What every browser journey needs: sign in, check accessibility with axe-core, take a shot,
and the words of the journey's language.

``t("Sign in")`` is the page's word for "Sign in" in the language of the running journey
(conftest's ``journey`` fixture): the msgstr of ``src/coalition/locale/<lang>/.../messages.po``,
or the msgid itself in English. A msgid missing from the catalog, or left untranslated there,
fails the test at once — a journey in Spanish then also proves its pages are translated.

``check_axe`` injects axe-core from node_modules (installed from the npm registry by
``make setup``). The app's CSP allows scripts from 'self' only, so the file is served to the
page from a same-origin URL by route interception (no inline script, no CSP bypass): the page
under test keeps its real policy.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel.messages import pofile

from coalition import formatting

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "coalition-demo"
STEWARD = "steward@example.org"
CONVENOR = "convenor@example.org"
MEMBER = "member@example.org"
AXE_PATH = "/__test__/axe.min.js"
SERIOUS = ("critical", "serious")
LOCALE_DIR = ROOT / "src" / "coalition" / "locale"

_speaking = {"lang": "en", "narrow": False}


@contextmanager
def speaking(lang: str, narrow: bool = False) -> Iterator[None]:
    """While the block runs, ``t`` answers in ``lang`` and ``narrow()`` says whether the
    journey's screen is a phone's."""
    before = dict(_speaking)
    _speaking.update(lang=lang, narrow=narrow)
    try:
        yield
    finally:
        _speaking.update(before)


def language() -> str:
    """The language of the running journey ("en", "es")."""
    return str(_speaking["lang"])


def narrow() -> bool:
    """Whether the running journey is on a phone-sized screen."""
    return bool(_speaking["narrow"])


@functools.cache
def _catalog(lang: str) -> tuple[dict[str, str | tuple[str, ...]], Any]:
    """msgid → msgstr (a tuple of forms for a plural) of ``lang``'s catalog, and its plural
    rule; for English, the template (messages.pot) answering each msgid with itself. Fuzzy
    or empty translations are left out, so a test that needs one fails."""
    path = (
        LOCALE_DIR / "messages.pot"
        if lang == "en"
        else LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    )
    with path.open("rb") as fh:
        catalog = pofile.read_po(fh, locale="en" if lang == "en" else lang)
    words: dict[str, str | tuple[str, ...]] = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if lang == "en":
            words[key] = tuple(message.id) if isinstance(message.id, tuple) else message.id
        elif message.string and all(message.string) and not message.fuzzy:
            string = message.string
            words[key] = tuple(string) if isinstance(string, tuple) else str(string)
    return words, gettext.c2py(catalog.plural_expr)


def _template(msgid: str, plural: int | None) -> str:
    lang = language()
    words, plural_index = _catalog(lang)
    if msgid not in words:
        where = "messages.pot" if lang == "en" else f"the {lang} catalog"
        raise AssertionError(f"{msgid!r} is not in {where} (or is untranslated there)")
    found = words[msgid]
    if isinstance(found, tuple):
        assert plural is not None, f"{msgid!r} has plural forms: pass plural=<the count>"
        return found[plural_index(plural)]
    return found


def t(msgid: str, plural: int | None = None, **values: Any) -> str:
    """The running journey's word for ``msgid`` (formatted with ``%(name)s`` values; for a
    plural message, its singular as msgid and the count as ``plural``, also ``%(num)s``)."""
    text = _template(msgid, plural)
    if plural is not None:
        values.setdefault("num", plural)
    return text % values if values else text


def t_re(msgid: str, plural: int | None = None, **values: Any) -> re.Pattern[str]:
    """A regular expression finding ``t(msgid, ...)`` in a text, any placeholder not given a
    value (or given None) matching anything."""
    text = _template(msgid, plural)
    if plural is not None and "num" not in values:
        values["num"] = plural
    parts = re.split(r"%\((\w+)\)s", text)
    pattern = "".join(
        re.escape(part.replace("%%", "%"))
        if i % 2 == 0
        else (re.escape(str(values[part])) if values.get(part) is not None else ".*?")
        for i, part in enumerate(parts)
    )
    return re.compile(pattern)


def plural_re(msgid: str, **values: Any) -> re.Pattern[str]:
    """A regular expression finding the plural message ``msgid`` (its singular) in any of its
    forms, whatever the count."""
    forms = {t_re(msgid, plural=n, num=None, **values).pattern for n in (0, 1, 2, 5, 21)}
    return re.compile("|".join(sorted(forms)))


def hours(value: float) -> str:
    """Hours written as the journey's pages write them (2.5 → "2.5" / "2,5")."""
    return formatting.hours(value, locale=language())


def decimal(value: float, digits: int = 2) -> str:
    """A number written as the journey's pages write it."""
    return formatting.decimal(value, digits, locale=language())


def login(page: Any, live: Any, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form; fails the test if the server refuses. The form is found
    by its fields, so this works on a page in any language.

    The pages must then speak the browser's language (the journey's): an account that chose
    another one (the language journey leaves its choice behind) goes back to following it.
    """
    page.goto(f"{live.url}/login")
    page.locator("#login-email").fill(email)
    page.locator("#login-password").fill(password)
    with page.expect_navigation():
        page.locator("form[action='/login'] button[type=submit]").click()
    if re.search(r"/login(\?|$)", page.url):
        error = page.locator("main").inner_text()
        raise AssertionError(f"could not sign in as {email}: {error[:300]}")
    wanted = str(page.evaluate("() => navigator.language")).split("-")[0]
    if page.locator("html").get_attribute("lang") != wanted:
        browsers_language(page, live)
        page.reload()
        assert page.locator("html").get_attribute("lang") == wanted, page.url


def browsers_language(page: Any, live: Any) -> None:
    """The signed-in account forgets its chosen language: its pages follow the browser's."""
    me = page.request.get(f"{live.url}/api/me").json()
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(
        f"{live.url}/account/profile",
        form={"csrf": token, "display_name": me["account"]["display_name"], "locale": ""},
    )
    assert answer.ok, answer.status


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
    """Save a full-page screenshot as test-artifacts/<name>.png (…-es-phone.png in the Spanish
    phone journey)."""
    if language() != "en" or narrow():
        name = f"{name}-{language()}" + ("-phone" if narrow() else "")
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


def fits(page: Any) -> None:
    """On a phone journey, the page does not scroll sideways (nothing to check on a desktop)."""
    if narrow():
        no_horizontal_scroll(page)


def nav_link(page: Any, name: str) -> Any:
    """The navigation's link ``name`` (already translated), the menu opened first on a phone."""
    open_menu(page)
    main = page.get_by_role("navigation", name=t("Main"), exact=True)
    return main.get_by_role("link", name=name, exact=True).first


def open_menu(page: Any) -> None:
    """At phone widths the navigation's links sit behind the menu button: open it (a no-op on
    wider screens, where the links are always shown)."""
    button = page.locator("label.nav-button")
    if button.is_visible() and not page.locator("#nav-toggle").is_checked():
        button.click()
