"""Languages in a real browser: Spanish from Accept-Language, the switcher, Arabic right to left.

The journey a Spanish-speaking newcomer takes: the browser asks for Spanish and the sign-in page
answers in Spanish; they sign in and read the directory in Spanish; the switcher at the foot of
every page turns the site to French (without script), and Arabic turns the page right to left.
Each step is checked with axe, and at phone width the switcher must not make the page scroll
sideways.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import DEFAULT_TIMEOUT_MS
from .helpers import DEMO_PASSWORD, MEMBER, browsers_language, check_axe, no_horizontal_scroll, shot


def _page(browser: Any, live: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live.url, locale="es-ES", **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def spanish_page(browser: Any, live: Any) -> Iterator[Any]:
    yield from _page(browser, live, viewport={"width": 1280, "height": 900})


@pytest.fixture
def spanish_phone(browser: Any, live: Any) -> Iterator[Any]:
    yield from _page(
        browser,
        live,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=1,
    )


def _sign_in_in_spanish(page: Any) -> None:
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_label("Dirección de correo electrónico").fill(MEMBER)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Iniciar sesión").click()


def _switch(page: Any, language: str) -> None:
    page.locator("#language-switch").select_option(language)  # labelled in the page's language
    with page.expect_navigation():
        page.locator("form.language-switch button[type=submit]").click()


def test_spanish_then_french_then_arabic(spanish_page: Any, live: Any) -> None:
    page = spanish_page
    _sign_in_in_spanish(page)
    page.goto(f"/n/{live.slug}/directory")
    assert page.get_by_role("link", name="Directorio").first.is_visible()
    assert page.get_by_role("button", name="Cerrar sesión").is_visible()
    check_axe(page, "directory in Spanish")
    shot(page, "languages-directory-es")

    _switch(page, "fr")
    assert page.url.endswith(f"/n/{live.slug}/directory")  # the switcher comes back here
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Annuaire").first.is_visible()
    check_axe(page, "directory in French")

    assert page.locator("label[for=language-switch]").inner_text() == "Langue"
    _switch(page, "ar")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    assert page.get_by_role("link", name="الدليل").first.is_visible()
    check_axe(page, "directory in Arabic")
    shot(page, "languages-directory-ar")

    # The account remembers the choice: back to Spanish, and it sticks after a new sign-in.
    assert page.locator("label[for=language-switch]").inner_text() == "اللغة"
    _switch(page, "es")
    assert page.locator("html").get_attribute("lang") == "es"
    # The live server is shared by the journeys that follow, which read this member's pages
    # in English: the account goes back to English.
    _switch(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    # ... and then to the browser's language, which the tests after this one choose (the map
    # test below asks for Spanish; an account left on English answered it in English).
    browsers_language(page, live)


def test_a_form_error_is_a_spanish_sentence(spanish_page: Any) -> None:
    page = spanish_page
    page.goto("/register")
    page.get_by_label("Dirección de correo electrónico").fill("nuevo@example.org")
    page.get_by_label("Tu nombre").fill("Nuevo")
    password = page.locator("#reg-password")
    password.evaluate("el => el.removeAttribute('minlength')")  # let the server judge it
    password.fill("corta")
    with page.expect_navigation():
        page.get_by_role("button", name="Crear la cuenta").click()
    assert "El campo «Contraseña» debe tener al menos 10 caracteres." in page.content()
    check_axe(page, "registration error in Spanish")


def test_the_switcher_fits_a_phone(spanish_phone: Any, live: Any) -> None:
    page = spanish_phone
    page.goto("/login")
    assert page.get_by_role("button", name="Cambiar de idioma").is_visible()
    no_horizontal_scroll(page)
    check_axe(page, "sign-in in Spanish on a phone")


def test_the_map_speaks_spanish_too(spanish_page: Any, live: Any) -> None:
    """What map.js writes (status, table note, side panel, glossary help) is in the page's
    language, with numbers in its format — not English strings baked into the script."""
    page = spanish_page
    _sign_in_in_spanish(page)
    page.goto(f"/n/{live.slug}/map")
    page.wait_for_selector("#map-canvas[data-drawn=true]")
    status = page.locator("#map-status").inner_text()
    assert "actores y" in status and "pares vinculados dibujados" in status, status
    assert "actors and" not in status
    assert "actores en esta vista" in page.locator("#map-table-note").inner_text()
    name = page.locator("#map-table tbody tr td a").first.inner_text()
    search = page.locator("#map-search")
    search.fill(name)
    search.press("Enter")
    details = page.locator("#map-details")
    details.get_by_role("link", name=name).wait_for()
    assert f"Encontrado: {name}." in page.locator("#map-status").inner_text()
    panel = details.inner_text()
    assert "Vínculos" in panel and "Sector" in panel
    assert "Weighted degree" not in panel and "Ties" not in panel
    help_text = details.locator(".term-help .sr-only").first.inner_text()
    assert help_text.startswith("Qué significa «"), help_text
    check_axe(page, "mapa")
