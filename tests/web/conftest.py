"""Browser tests: Debian's Chromium driven by Playwright against the real ASGI server
(daphne) and a real worker. Playwright's sync API runs an event loop in this thread, so the
test body's own ORM calls are allowed explicitly (they never run inside that loop)."""

from __future__ import annotations

import os
import shutil

import pytest

PASSWORD = "pw-for-browser-tests-1"


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwrights_loop():  # type: ignore[no-untyped-def]
    # From the first browser test to the end of the session (the database flush after each
    # test runs while Playwright's loop is still up); never passed to subprocesses.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Debian's chromium is needed for the browser tests (apt-get install "
                    "chromium; .ci/run installs it)")
    return {**browser_type_launch_args, "executable_path": chromium,
            "args": ["--no-sandbox", "--disable-dev-shm-usage"]}


@pytest.fixture
def signed_in(page, daphne, user):  # type: ignore[no-untyped-def]
    """A page logged in as `user` through the real login form."""
    user.set_password(PASSWORD)
    user.save()
    page.set_default_timeout(20_000)
    page.goto(f"{daphne.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{daphne.url}/")
    page.base = daphne.url
    return page
