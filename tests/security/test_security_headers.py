"""Security headers on every answer, a CSP without inline scripts, and templates that need none."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from coalition.config import Settings

from .helpers import browser

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


def test_the_docs_get_their_cdn_and_exactly_their_inline_script(settings: Settings) -> None:
    client = browser(settings)
    assert client.get("/openapi.json").status_code == 200
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        script_src = csp.split("script-src", 1)[1].split(";")[0]
        assert "https://cdn.jsdelivr.net" in script_src and "'unsafe-inline'" not in script_src
        for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", r.text, re.S):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src
        assert "frame-ancestors 'none'" in csp
    # Only the docs are relaxed.
    assert "cdn.jsdelivr.net" not in client.get("/docsx").headers["content-security-policy"]


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
