"""Browser tests: Debian's Chromium, driven by Playwright for Python, against `python -m devstack` (the
stack `make run` starts) on free ports, over the same origin the front ends are served from.

- Chromium is /usr/bin/chromium (the Makefile's e2e-deps installs Debian's package); Playwright never
  downloads a browser. If Chromium is missing or cannot start, every e2e test FAILS with the reason:
  the suite is never silently skipped.
- Every test here is marked `e2e` (added at collection).
- `shot("name")` saves a numbered screenshot to tests/e2e/artifacts/<test>/ (CI keeps the folder).
- The stack is shared by the session: use distinct phones per test (`fresh_phone()`).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_stack import LiveStack, launch

CHROMIUM = os.environ.get("WH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MOBILE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Mobile Safari/537.36",
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
TIMEOUT_MS = 30_000  # generous: CI shares two cores with the stack, moto and other suites

# Demo accounts seeded by devstack/seed.py.
ADMIN_PHONE = "13800000000"
STAFF_BJ_PHONE, STAFF_BJ_STATION = "13800000001", "BJ-WJ-01"
STAFF_SH_PHONE = "13800000002"
WORKER_PHONES = [f"138000000{n}" for n in range(10, 16)]
BJ_WJ_01 = {"latitude": 39.9968, "longitude": 116.4703}  # a few dozen metres from BJ-WJ-01
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_phones = itertools.count(1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)


def fresh_phone() -> str:
    """A phone no one has used in this stack yet (the first login creates the worker)."""
    return f"1390{os.getpid() % 10000:04d}{next(_phones):03d}"


# --- the stack ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """`python -m devstack` on free ports for the whole e2e session. The browser tests log the same demo
    accounts in many times within minutes, so the per-phone code limits are raised here (they have their
    own tests: tests/api/test_login_abuse.py, test_auth.py)."""
    stack = launch(
        tmp_path_factory.mktemp("devstack-e2e") / "devstack.log",
        WH_OTP_MAX_SENDS="1000",
        WH_OTP_PHONE_MAX_SENDS="1000",
    )
    try:
        stack.wait_healthy()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def base_url(live_stack: LiveStack) -> str:
    return live_stack.api_url


@pytest.fixture(scope="session")
def token_for(live_stack: LiveStack) -> Callable[[str], str]:
    """token_for(phone): an API access token, one login per phone per session (login codes are rate
    limited: 3 per phone per 10 minutes; tokens live 15 minutes, longer than the suite)."""
    cache: dict[str, str] = {}

    def get(phone: str) -> str:
        if phone not in cache:
            cache[phone] = live_stack.login(phone)
        return cache[phone]

    return get


@pytest.fixture(scope="session")
def checkin_ready_station(live_stack: LiveStack, token_for: Callable[[str], str]) -> dict[str, Any]:
    """BJ-WJ-01 set up, by its own staff through the public API, so that a seat booked now can be checked
    in now: open round the clock, 10-minute slots, no minimum notice (the next slot starts within 10
    minutes, and check-in opens 15 minutes before a slot)."""
    staff = token_for(STAFF_BJ_PHONE)
    worker = token_for(WORKER_PHONES[-1])
    hits = live_stack.get(
        f"/v1/stations?lat={BJ_WJ_01['latitude']}&lng={BJ_WJ_01['longitude']}&radius_km=1", token=worker
    )
    assert hits.status == 200, hits.json
    station = next(s for s in hits.json if s["code"] == STAFF_BJ_STATION)
    sid = station["station_id"]
    hours = live_stack.request(
        "PUT", f"/v1/stations/{sid}/hours", {"hours": {d: ["00:00-24:00"] for d in WEEK}}, token=staff
    )
    assert hours.status == 200, hours.json
    patched = live_stack.request(
        "PATCH",
        f"/v1/stations/{sid}",
        {
            "slot_minutes": 10,
            "rules": {
                "min_notice_minutes": 0,
                "max_days_ahead": 7,
                "cancel_window_minutes": 5,
                "no_show_grace_minutes": 15,
            },
        },
        token=staff,
    )
    assert patched.status == 200, patched.json
    return patched.json


# --- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless. Fails (never skips) when it is missing or does not start."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make e2e-deps` (installs Debian's chromium)", pytrace=False
        )
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError as exc:
        pytest.fail(f"Playwright for Python is not installed ({exc}): run `make venv`", pytrace=False)
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - whatever stops Chromium, say it loudly
            pytest.fail(f"Chromium at {CHROMIUM} could not start: {exc}", pytrace=False)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Any, base_url: str) -> Iterator[Callable[..., Any]]:
    """new_context(mobile=True, **playwright_options) -> a BrowserContext on the stack, closed after the
    test. Mobile is a 390x844 phone (touch, mobile viewport); mobile=False is a 1366x900 desktop."""
    contexts: list[Any] = []

    def make(*, mobile: bool = True, **options: Any) -> Any:
        settings = {
            **(MOBILE if mobile else DESKTOP),
            "base_url": base_url,
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


class PageErrors(list):
    """Uncaught exceptions in any page of a test: the test fails if there are any."""

    def watch(self, page: Any) -> Any:
        page.on("pageerror", lambda exc: self.append(f"{page.url}: {exc}"))
        return page


@pytest.fixture
def page_errors() -> Iterator[PageErrors]:
    errors = PageErrors()
    yield errors
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def open_page(new_context: Callable[..., Any], page_errors: PageErrors) -> Callable[..., Any]:
    """open_page(path="/app/", mobile=True, **context_options) -> a page in a new context."""

    def make(path: str = "/app/", *, mobile: bool = True, **options: Any) -> Any:
        page = page_errors.watch(new_context(mobile=mobile, **options).new_page())
        page.goto(path)
        return page

    return make


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    """The mini-app on a phone, with its location set near BJ-WJ-01 and allowed."""
    return open_page(geolocation=BJ_WJ_01, permissions=["geolocation"])


@pytest.fixture
def mobile(new_context: Callable[..., Any], page_errors: PageErrors) -> Any:
    """A blank page on a phone (390x844, touch), no location permission."""
    return page_errors.watch(new_context(mobile=True).new_page())


@pytest.fixture
def desktop(new_context: Callable[..., Any], page_errors: PageErrors) -> Any:
    """A blank page on a desktop browser (1366x900)."""
    return page_errors.watch(new_context(mobile=False).new_page())


class Shots:
    """shot("name") (the test's `page`), shot("name", page) or shot(page, "name"): a numbered screenshot
    of the viewport (full_page=True: the whole page) in tests/e2e/artifacts/<test>/NN-name.png."""

    def __init__(self, folder: Path, default_page: Callable[[], Any]) -> None:
        self.folder, self.default_page, self.n = folder, default_page, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, first: Any, second: Any = None, *, full_page: bool = False) -> Path:
        name, page = (first, second) if isinstance(first, str) else (second, first)
        self.n += 1
        path = self.folder / f"{self.n:02d}-{re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')}.png"
        (page or self.default_page()).screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shots:
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    return Shots(ARTIFACTS / test, lambda: request.getfixturevalue("page"))


# --- helpers a test calls -------------------------------------------------------------------------


def log_in(page: Any, phone: str, *, shot: Shots | None = None) -> None:
    """Log in through the UI as a person would: ask for a code, read it in the dev outbox panel
    (local stage only), type it, submit; returns once the home tab shows."""
    page.goto("/app/#/login")
    page.get_by_test_id("login-phone").fill(phone)
    page.get_by_test_id("login-send").click()
    page.get_by_test_id("dev-outbox-show").click()
    sms = page.get_by_test_id("dev-outbox-sms")
    sms.wait_for()
    page.wait_for_function("() => /\\d{6}/.test(document.querySelector('[data-testid=login-code]').value)")
    if shot:
        shot("login-code-from-dev-outbox", page)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("tab-home").wait_for()


@pytest.fixture
def login() -> Callable[..., None]:
    return log_in


def decode_qr(locator: Any) -> str:
    """The text of the QR code an element shows, decoded from its pixels as a phone camera would."""
    import io

    import zxingcpp
    from PIL import Image

    locator.evaluate("el => el.scrollIntoView({block: 'center'})")  # clear of the fixed tab bar and toasts
    image = Image.open(io.BytesIO(locator.screenshot())).convert("L")
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code could be read from the image"
    return found[0].text


def session_token(page: Any) -> str:
    """The access token the mini-app holds for the person logged in on this page."""
    return page.evaluate("() => JSON.parse(localStorage.getItem('wh.app.session')).access_token")


@pytest.fixture
def fresh_admin(live_stack: LiveStack) -> str:
    """An admin of one's own (`make admin PHONE=...` on the running stack), logged in through the API:
    the seeded admin's login codes are rate limited (3 per 10 minutes) and other tests log in as it."""
    phone = fresh_phone()
    granted = live_stack.cli("devstack.grant", "--phone", phone, "--role", "admin")
    assert granted.returncode == 0, granted.stdout + granted.stderr
    return live_stack.login(phone)
