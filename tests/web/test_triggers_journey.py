"""In a real browser: add a schedule on the workflow page and see its next runs in local
time, watch a scheduled run arrive in history, then create the webhook, copy its curl line,
send it, and see the webhook's run."""

from __future__ import annotations

import os
import re

import httpx
import pytest
from playwright.sync_api import expect

from apps.triggers.models import Schedule
from apps.triggers.services.schedules import schedule_pause
from apps.workflows import services as workflow_services
from tests.conftest import load_example

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _wait_for_row(page, url: str, text: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(40):
        page.goto(url)
        if page.locator("#history").count() and text in page.locator("#history").inner_text():
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"no {text!r} run in {url}")


def test_schedule_and_webhook_from_the_workflow_page(signed_in, worker, user):
    page = signed_in
    workflow = workflow_services.workflow_create(owner=user, slug="hello",
                                                 definition=load_example("hello-transform"))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    # a schedule every 2 s, with inputs
    form = page.locator("#schedule-form")
    form.get_by_label("Every").check()
    form.get_by_label("Interval in seconds").fill("2")
    form.get_by_label("Inputs (JSON)").fill('{"who": "Sched"}')
    form.get_by_role("button", name="Add schedule").click()
    expect(page.locator(".messages")).to_contain_text("Schedule added.")
    runs = page.locator("#schedule-list time[data-local]")
    expect(runs).to_have_count(5)
    assert "UTC" not in runs.first.inner_text()  # shown in the browser's own zone
    _wait_for_row(page, f"{page.base}/executions/?trigger=scheduled", "scheduled")
    schedule_pause(schedule=Schedule.objects.get(workflow=workflow))
    # the webhook: created, its curl line copied and sent
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    page.get_by_role("button", name="Create a webhook").click()
    secret = page.locator("#hook-secret").inner_text()
    url = page.locator("#hook-url").inner_text()
    curl = page.locator("#hook-curl").inner_text()
    assert f"Bearer {secret}" in curl and url in curl
    if os.environ.get("TRIGGERS_SCREENSHOT"):  # to look at the page, not for the test
        page.locator("#schedules").scroll_into_view_if_needed()
        page.screenshot(path=os.environ["TRIGGERS_SCREENSHOT"], full_page=True)
    page.get_by_role("button", name="Copy the curl line").click()
    sent = httpx.post(url, headers={"Authorization": f"Bearer {secret}"},
                      json={"who": "Hooked"}, timeout=10)
    assert sent.status_code == 202, sent.text
    _wait_for_row(page, f"{page.base}/executions/?trigger=webhook", "webhook")
    page.goto(f"{page.base}/executions/{sent.json()['execution_id']}/")
    expect(page.locator("#exec-status")).to_contain_text(re.compile("succeeded"), timeout=20_000)
