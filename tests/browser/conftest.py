"""Browser journeys: one real server over a demo database, driven by Debian's chromium.

Session fixtures:

- ``live``: the server (``coalition serve`` in a subprocess on a free port) over a temporary
  SQLite database built by ``coalition db upgrade`` and ``coalition demo``; ``.url``, ``.slug``,
  ``.db_url``. SQLite only: these tests exercise pages, the store is tested on both databases
  elsewhere, so the ``db_url`` parametrisation of tests/conftest.py does not apply here.
- ``browser``: headless chromium (``/usr/bin/chromium``, or ``COALITION_CHROMIUM``).

Function fixtures: ``page`` (a fresh context, 1280×900), ``other_page`` (another such context:
a second person at the same time) and ``phone_page`` (390×844, touch, English).

Journeys: a module marked ``pytest.mark.journey`` runs each of its tests twice, once per
variant of ``JOURNEYS`` — in English at desktop width, and in Spanish (``Accept-Language:
es-ES``) on a 390 px phone — through the ``journey`` fixture: ``page`` and ``other_page`` take
the variant's language and (``page`` only) its screen, and ``helpers.t`` answers the variant's
words from the catalogs, so a journey is written once. Unmarked tests get the English desktop.
Each page records uncaught script errors and CSP refusals; a test fails if any happened.

Every test here is marked ``browser`` and put in the xdist group ``browser`` so that
``pytest -n 2 --dist loadgroup`` runs them in one worker against one server. If chromium is
absent the tests fail with a message saying how to install it; ``COALITION_TEST_BROWSER=0``
skips them explicitly.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CHROMIUM = os.environ.get("COALITION_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000
#: A browser test that runs longer than this has hung (the whole suite takes ~1.5 min).
TEST_LIMIT_S = int(os.environ.get("COALITION_BROWSER_TEST_LIMIT_S", "300"))
DEMO_SLUG = "demo"
SECRET_KEY = "browser-test-secret"  # the live server's (signs conversation links)


def _browser_disabled() -> bool:
    return os.environ.get("COALITION_TEST_BROWSER", "1").strip() == "0"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
            if _browser_disabled():
                item.add_marker(pytest.mark.skip(reason="COALITION_TEST_BROWSER=0"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the browser tests in one xdist worker where pytest-xdist's grouping does not take.

    ``--dist loadgroup`` groups by an ``@group`` suffix that xdist writes into ``_nodeid``;
    pytest 9.2 keeps node ids in ``_id`` instead, so the suffix is lost and the tests spread
    over the workers, each starting its own server (pytest-dev/pytest-xdist#1386). Apply the
    suffix here, before the worker reports its collection, when xdist's did not take.
    """
    if not getattr(session.config.option, "loadgroup", False):
        return
    for item in session.items:
        grouped = any(m.args[:1] == ("browser",) for m in item.iter_markers("xdist_group"))
        if not grouped or item.nodeid.endswith("@browser"):
            continue
        nodeid = f"{item.nodeid}@browser"
        if hasattr(item, "_id"):
            from _pytest.nodeid import coerce_node_id

            item._id = coerce_node_id(nodeid)
        else:
            item._nodeid = nodeid


@pytest.fixture(autouse=True)
def _hang_guard() -> Iterator[None]:
    """Fail a browser test that hangs (a wait with no time limit) instead of stalling make test."""
    if threading.current_thread() is not threading.main_thread() or TEST_LIMIT_S <= 0:
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"this browser test ran past {TEST_LIMIT_S} s; it hangs somewhere")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(TEST_LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Journey:
    """One way through the journeys: a language and a screen."""

    lang: str
    narrow: bool

    @property
    def locale(self) -> str:
        return {"en": "en-US", "es": "es-ES"}[self.lang]

    def context_options(self) -> dict[str, Any]:
        if self.narrow:
            return {
                "viewport": {"width": 390, "height": 844},
                "is_mobile": True,
                "has_touch": True,
                "device_scale_factor": 1,
                "locale": self.locale,
            }
        return {"viewport": {"width": 1280, "height": 900}, "locale": self.locale}


DESKTOP_EN = Journey("en", narrow=False)
PHONE_ES = Journey("es", narrow=True)
JOURNEYS = {"en-desktop": DESKTOP_EN, "es-phone": PHONE_ES}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of a module marked ``journey`` run once per variant of JOURNEYS."""
    if "journey" in metafunc.fixturenames and metafunc.definition.get_closest_marker("journey"):
        metafunc.parametrize("journey", list(JOURNEYS.values()), ids=list(JOURNEYS), indirect=True)


@pytest.fixture
def journey(request: pytest.FixtureRequest) -> Iterator[Journey]:
    """This test's variant (English desktop unless its module is marked ``journey``); the
    words of ``helpers.t`` follow its language while the test runs."""
    from . import helpers

    chosen: Journey = getattr(request, "param", DESKTOP_EN)
    with helpers.speaking(chosen.lang, narrow=chosen.narrow):
        yield chosen


@dataclass(frozen=True)
class Live:
    url: str
    slug: str
    db_url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _coalition() -> list[str]:
    exe = Path(sys.executable).with_name("coalition")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "coalition.cli"]


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("browser-live")
    db_url = f"sqlite:///{folder / 'coalition.db'}"
    log = folder / "server.log"
    env = dict(os.environ)
    env.update(
        COALITION_DATABASE_URL=db_url,
        COALITION_SECRET_KEY=SECRET_KEY,
        COALITION_SMTP_URL="",
    )
    for args in (["db", "upgrade"], ["demo", "--slug", DEMO_SLUG]):
        done = subprocess.run(
            [*_coalition(), *args], env=env, cwd=folder, capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.fail(
                f"coalition {' '.join(args)} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}",
                pytrace=False,
            )
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env["COALITION_BASE_URL"] = url
    with log.open("w") as out:
        server = subprocess.Popen(
            [*_coalition(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"the server exited ({server.returncode}):\n{_tail(log)}", pytrace=False
                )
            try:
                with urllib.request.urlopen(f"{url}/login", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 60 s:\n{_tail(log)}", pytrace=False)
            time.sleep(0.2)
        yield Live(url=url, slug=DEMO_SLUG, db_url=db_url, log=log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if _browser_disabled():
        pytest.skip("COALITION_TEST_BROWSER=0")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.fail(
            f"the playwright package is missing ({exc}); install the dev extra: "
            "pip install -e '.[dev]'",
            pytrace=False,
        )
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        found = shutil.which("chromium")
        hint = f" (a chromium is on PATH at {found}: set COALITION_CHROMIUM)" if found else ""
        pytest.fail(
            f"chromium is not installed at {CHROMIUM}{hint}. Install it with "
            "`apt-get install -y chromium` (make test does where it can), or set "
            "COALITION_TEST_BROWSER=0 to skip the browser tests explicitly.",
            pytrace=False,
        )
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _watch(page: Any) -> list[str]:
    """Uncaught script errors and CSP refusals seen by ``page``."""
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"uncaught script error: {exc}"))

    def console(msg: Any) -> None:
        text = msg.text
        if msg.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            problems.append(f"CSP: {text}")

    page.on("console", console)
    return problems


def _new_page(browser: Any, **options: Any) -> Iterator[Any]:
    context = browser.new_context(**options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    problems = _watch(page)
    try:
        yield page
    finally:
        context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def page(browser: Any, live: Live, journey: Journey) -> Iterator[Any]:
    """The journey's page: its language, and its screen (desktop, or a 390 px phone)."""
    yield from _new_page(browser, base_url=live.url, **journey.context_options())


@pytest.fixture
def other_page(browser: Any, live: Live, journey: Journey) -> Iterator[Any]:
    """A second desktop page in its own context (another person signed in at the same time),
    in the journey's language."""
    yield from _new_page(
        browser, base_url=live.url, **DESKTOP_EN.context_options() | {"locale": journey.locale}
    )


@pytest.fixture
def phone_page(browser: Any, live: Live, journey: Journey) -> Iterator[Any]:
    """A 390 px touch phone, in the journey's language (English outside the journeys)."""
    yield from _new_page(
        browser, base_url=live.url, **PHONE_ES.context_options() | {"locale": journey.locale}
    )
