"""Screen 1 with python steps' packages, in Chromium: the artifact view lists the exact
versions the save resolved; a requirement that cannot be resolved is an issue at its field,
and the Run button stays disabled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.workflows.services import workflow_create

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _definition(requirements):  # type: ignore[no-untyped-def]
    return {"name": "Packages", "edges": [], "nodes": [
        {"id": "fmt", "type": "python", "position": {"x": 0, "y": 0},
         "data": {"timeout_seconds": 10, "config": {
             "code": "import colorpad\n\n\ndef run(inputs, ctx):\n    return colorpad.__version__\n",
             "requirements": requirements}}}]}


def test_the_artifact_lists_the_resolved_packages(signed_in, user, packages):
    page = signed_in
    workflow = workflow_create(owner=user, definition=_definition(["colorpad>=3"]))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    expect(page.locator("#compile-status [data-state]")).to_have_attribute("data-state", "success")
    expect(page.locator("#run")).to_be_enabled()
    page.get_by_text("Generated code and dependencies").click()
    row = page.locator("#python-packages tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("colorpad")
    expect(row.locator("td").nth(1)).to_have_text("3.2.0")
    expect(row.locator("td").nth(2)).to_have_text("fmt")
    expect(page.locator("#packages-none")).to_be_hidden()
    page.screenshot(path=str(packages.folder.parent / "packages-artifact.png"), full_page=True)


def test_an_unresolvable_requirement_keeps_the_run_button_disabled(signed_in, user, packages):
    page = signed_in
    workflow = workflow_create(owner=user, definition=_definition(["colorpad", "nosuch-pkg"]))
    page.goto(f"{page.base}/workflows/{workflow.pk}/")
    expect(page.locator("#compile-status [data-state]")).to_have_attribute("data-state", "error")
    expect(page.locator("#run")).to_be_disabled()
    expect(page.locator("#issues li")).to_contain_text(
        re.compile(r"node fmt: Cannot resolve package requirements: .*nosuch-pkg"))
    page.locator("#issues li button").first.click()
    expect(page.locator("#definition .cm-marked-line")).to_contain_text('"nosuch-pkg"')
