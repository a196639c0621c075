"""Custom profile fields and the first run, in the browser: a steward adds a choice field on a
phone, a member fills it in on their profile form, the directory filters by it; a fresh install
(an empty database, its own server) is set up through the first-run page, once. At 390 px,
axe clean."""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import PHONE_ES, Journey, _coalition, _free_port, _new_page, _tail
from .helpers import MEMBER, STEWARD, check_axe, login, no_horizontal_scroll, t, t_re

#: Both variants on a phone: the English one, as before, and the Spanish one.
pytestmark = pytest.mark.journey


def test_a_steward_adds_a_field_a_member_fills_it_the_directory_filters(
    phone_page: Any, other_page: Any, live: Any, journey: Journey
) -> None:
    steward = phone_page
    river = f"Favourite river {journey.lang}"  # one field per variant: the keys are unique
    login(steward, live, STEWARD)
    steward.goto(f"/n/{live.slug}/fields")
    expect(steward.get_by_role("heading", level=1)).to_contain_text(
        t_re("Profile fields of %(name)s")
    )
    no_horizontal_scroll(steward)
    check_axe(steward, "profile fields page on a phone")
    steward.get_by_label(t("Label")).first.fill(river)
    steward.get_by_label(re.compile(f"^{re.escape(t('Key'))}")).fill(f"river_pick_{journey.lang}")
    steward.get_by_label(t("Type")).first.select_option("choice")
    steward.get_by_label(re.compile(f"^{re.escape(t('Choices'))}")).first.fill("Nile, Rhine, Volga")
    steward.get_by_role("button", name=t("Add the field")).click()
    expect(steward.get_by_role("status")).to_contain_text(river)
    expect(steward.get_by_role("cell", name=re.compile(river))).to_be_visible()
    check_axe(steward, "profile fields page after adding one")

    member = other_page
    login(member, live, MEMBER)
    me = member.request.get(f"{live.url}/api/me").json()
    actor_id = next(m["actor_id"] for m in me["memberships"] if m["network"] == live.slug)
    member.set_viewport_size({"width": 390, "height": 844})
    member.goto(f"/actors/{actor_id}/edit")
    member.get_by_label(river, exact=True).select_option("Rhine")
    member.get_by_label(t("Who sees your %(label)s", label=river)).select_option("network")
    no_horizontal_scroll(member)
    check_axe(member, "profile form with a custom field on a phone")
    member.get_by_role("button", name=t("Save the profile")).click()
    expect(member).to_have_url(re.compile(rf"/actors/{actor_id}\?saved=1$"))
    expect(member.locator(f'[data-field="field.river_pick_{journey.lang}"]')).to_have_text("Rhine")
    name = member.get_by_role("heading", level=1).inner_text()

    steward.goto(f"/n/{live.slug}/directory")
    steward.get_by_label(river).select_option("Rhine")
    steward.get_by_role("button", name=t("Search")).click()
    expect(steward.locator("#result-count")).to_have_text(t("%(num)s match", plural=1))
    expect(steward.locator("#results")).to_contain_text(name)
    no_horizontal_scroll(steward)
    check_axe(steward, "directory filtered by a custom field on a phone")


@pytest.fixture
def empty_server(tmp_path: Any) -> Iterator[str]:
    """A server over an empty database: no demo, no account."""
    env = dict(os.environ)
    env.update(
        COALITION_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}",
        COALITION_SECRET_KEY="browser-first-run-secret",
        COALITION_SMTP_URL="",
    )
    done = subprocess.run(
        [*_coalition(), "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env["COALITION_BASE_URL"] = url
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [*_coalition(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, _tail(log)
            try:
                with urllib.request.urlopen(f"{url}/login", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, _tail(log)
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_first_run_sets_up_an_empty_install_on_a_phone(
    browser: Any, empty_server: str, journey: Journey
) -> None:
    phone = PHONE_ES.context_options() | {"locale": journey.locale}
    for page in _new_page(browser, base_url=empty_server, **phone):
        page.goto("/")
        expect(page).to_have_url(re.compile("/first-run$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Set up Coalition"))
        no_horizontal_scroll(page)
        check_axe(page, "first-run page on a phone")
        page.get_by_label(t("E-mail address")).fill("founder@example.org")
        page.get_by_label(t("Your name")).fill("Farah Founder")
        page.get_by_label(re.compile(f"^{re.escape(t('Password'))}")).fill(
            "a long founder passphrase"
        )
        page.get_by_label(t("Name"), exact=True).fill("Tidewater Commons")
        slug_hint = t("lower-case letters, digits and -, as in /n/your-network")
        page.get_by_label(f"{t('Address')} {slug_hint}").fill("tidewater")
        page.get_by_label(t("Purpose")).fill("Care for the estuary together")
        page.get_by_label(t("How people join")).select_option("open")
        page.get_by_role("button", name=t("Create my account and the network")).click()
        expect(page).to_have_url(re.compile("/n/tidewater/settings$"))
        expect(page.locator("main")).to_contain_text("Tidewater Commons")
        check_axe(page, "the new network's settings after the first run")
        response = page.goto("/first-run")
        assert response is not None and response.status == 404
        page.goto("/networks")
        expect(page.locator("main")).to_contain_text("Tidewater Commons")
