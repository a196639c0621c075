"""Security headers on every answer, a CSP without inline scripts, and templates that need none."""

from __future__ import annotations

import re
from pathlib import Path

from coalition.config import Settings

from .helpers import browser, page_token

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "coalition" / "web" / "templates"
STATIC = TEMPLATES.parent / "static"


def test_headers_on_pages_api_and_errors(settings: Settings) -> None:
    client = browser(settings)
    for path in ("/", "/login", "/api/networks", "/api/actors/999", "/static/coalition.css"):
        r = client.get(path, headers={"accept": "text/html"})
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0], path
        assert "'unsafe-eval'" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in r.headers["permissions-policy"]


ASSET = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


def test_the_docs_are_same_origin_under_the_one_csp(settings: Settings) -> None:
    client = browser(settings)
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    # The same policy as every page: no CDN, no hash, no inline exception.
    csp = r.headers["content-security-policy"]
    assert csp == client.get("/login").headers["content-security-policy"]
    assert "http" not in csp and "sha256-" not in csp
    assert not INLINE_SCRIPT.findall(r.text), "the CSP would block an inline script"
    assets = ASSET.findall(r.text)
    assert {"/static/vendor/swagger-ui-bundle.js", "/static/vendor/swagger-ui.css"} <= set(assets)
    assert "/static/docs.js" in assets
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), f"not same-origin: {url}"
        served = client.get(url)
        assert served.status_code == 200 and served.content, url
    bundle = client.get("/static/vendor/swagger-ui-bundle.js")
    assert "javascript" in bundle.headers["content-type"] and "SwaggerUIBundle" in bundle.text
    assert "SwaggerUIBundle(" in client.get("/static/docs.js").text
    # docs.js reads the description from the page, and the page names the real one.
    url = re.search(r'data-openapi-url="([^"]+)"', r.text)
    assert url and url.group(1) == "/openapi.json"
    assert client.get(url.group(1)).json()["info"]["title"] == "Coalition"
    # "Try it out" sends the same CSRF token as the other pages (static/docs.js).
    assert page_token(client, "/docs") == page_token(client, "/login")
    # FastAPI's CDN pages are gone.
    for path in ("/redoc", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path


def test_no_template_loads_anything_from_another_origin() -> None:
    from coalition.web.vendor import FILES

    bad = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        rel = path.relative_to(TEMPLATES)
        for url in ASSET.findall(path.read_text(encoding="utf-8")):
            if not url.startswith("/") or url.startswith("//"):
                bad.append(f"{rel}: {url}")
            elif (
                url.startswith("/static/vendor/")
                and url.removeprefix("/static/vendor/") not in FILES
            ):
                bad.append(f"{rel}: {url} is not copied by coalition.web.vendor")
    assert not bad, "scripts and styles come from static/ only:\n" + "\n".join(bad)


def test_no_template_of_any_area_has_inline_script_or_handlers() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
    bad = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(TEMPLATES)
        bad += [f"{rel}: inline <script>" for _ in inline.findall(text)]
        bad += [f"{rel}: on* handler" for _ in handler.findall(text)]
        if "javascript:" in text.lower():
            bad.append(f"{rel}: javascript: URL")
    assert not bad, "the Content-Security-Policy will block these:\n" + "\n".join(bad)


def test_every_page_carries_the_csrf_token_for_htmx(settings: Settings) -> None:
    client = browser(settings)
    page = client.get("/login", headers={"accept": "text/html"}).text
    assert re.search(r'<meta name="csrf-token" content="[0-9a-f]{64}">', page)
    assert '<script src="/static/csrf.js" defer></script>' in page
    js = client.get("/static/csrf.js")
    assert js.status_code == 200 and "X-CSRF-Token" in js.text and "htmx:configRequest" in js.text
    assert (STATIC / "csrf.js").exists()
    # Every form of the account pages posts the hidden field.
    for path in sorted((TEMPLATES / "auth").glob("*.html")) + [TEMPLATES / "_account.html"]:
        text = path.read_text(encoding="utf-8")
        forms = text.count('method="post"')
        assert text.count('name="csrf"') >= forms, path.name
