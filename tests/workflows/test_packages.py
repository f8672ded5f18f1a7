"""Python steps' requirements at save: resolved with the real uv against a package index on
loopback (tests/packages_index.py) into a lock kept in the artifact; cached by requirement
set; every failure a compile issue at its node and field, and the run refused."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from apps.realtime.groups import group_for_workflow
from apps.workflows import services
from apps.workflows.models import Compilation, PackageLock
from tests.api.conftest import token_client
from tests.conftest import wait_until
from worker import dispatch


def py_step(node_id, code, requirements=None):  # type: ignore[no-untyped-def]
    config = {"code": code}
    if requirements is not None:
        config["requirements"] = requirements
    return {"id": node_id, "type": "python", "position": {"x": 0, "y": 0},
            "data": {"timeout_seconds": 10, "config": config}}


def definition(*nodes):  # type: ignore[no-untyped-def]
    return {"name": "Packages", "nodes": list(nodes), "edges": []}


USES_TINYVER = "import tinyver\n\n\ndef run(inputs, ctx):\n    return tinyver.__version__\n"


def save(user, *nodes):  # type: ignore[no-untyped-def]
    workflow = services.workflow_create(owner=user, definition=definition(*nodes), name="P")
    return workflow, workflow.latest_compilation


def the_issue(compilation, code):  # type: ignore[no-untyped-def]
    found = [i for i in compilation.issues if i["code"] == code]
    assert found, compilation.issues
    return found[0]


def run_refused(user, workflow) -> dict:  # type: ignore[no-untyped-def]
    response = token_client(user).post(f"/api/v1/workflows/{workflow.pk}/executions/",
                                       {"inputs": {}}, format="json")
    assert response.status_code == 409, response.content
    return response.json()["error"]


@pytest.mark.django_db
def test_requirement_is_locked_at_save_with_its_exact_wheel(user, packages):
    # given / when
    workflow, compilation = save(user, py_step("p", USES_TINYVER, ["TinyVer==1.*"]))

    # then
    assert compilation.status == "success", compilation.issues
    [package] = compilation.dependencies["python_packages"]
    wheel = packages.project("tinyver")[0]
    assert package["name"] == "tinyver" and package["version"] == "1.0.0"
    assert package["wheel"] == wheel.name and package["nodes"] == ["p"]
    assert package["hash"].startswith("sha256:") and package["modules"] == ["tinyver"]
    assert package["url"].startswith(packages.url.removesuffix("simple/"))
    assert "'packages': {'digest': " in compilation.generated_code
    assert list(compilation.package_locks.values_list("status", flat=True)) == ["resolved"]


@pytest.mark.django_db
def test_a_save_whose_requirements_did_not_change_resolves_nothing(user, packages):
    # given
    workflow, _ = save(user, py_step("p", USES_TINYVER, ["greetlib"]))
    pages, lock = list(packages.pages), PackageLock.objects.get()

    # when: new code, the same requirement written another way
    services.workflow_update(workflow=workflow, definition=definition(py_step(
        "p", "import greetlib\n\n\ndef run(inputs, ctx):\n    return greetlib.hello('x')\n",
        ["GreetLib"])))

    # then
    workflow.refresh_from_db()
    assert workflow.revision == 2 and workflow.latest_compilation.status == "success"
    assert packages.pages == pages  # the index was not asked again
    assert PackageLock.objects.get().resolved_at == lock.resolved_at


@pytest.mark.django_db
def test_malformed_line_is_an_issue_at_its_index_and_the_run_is_refused(user, packages):
    # given / when
    workflow, compilation = save(user, py_step("p", USES_TINYVER,
                                               ["tinyver==1.*", "tinyver >>> 2"]))

    # then
    issue = the_issue(compilation, "syntax_error")
    assert issue["node_id"] == "p" and issue["field"] == "nodes.0.data.config.requirements.1"
    assert "'tinyver >>> 2' is not a PEP 508 requirement" in issue["message"]
    assert compilation.status == "error" and not workflow.latest_compilation.runnable
    assert run_refused(user, workflow)["code"] == "not_runnable"


@pytest.mark.django_db
def test_unresolvable_requirement_is_an_issue_with_the_resolvers_message(user, packages):
    # given / when
    workflow, compilation = save(user, py_step("p", USES_TINYVER,
                                               ["tinyver==1.*", "nosuch-package==1.0"]))

    # then
    issue = the_issue(compilation, "requirement_unresolvable")
    assert issue["node_id"] == "p" and issue["field"] == "nodes.0.data.config.requirements.1"
    assert issue["message"].startswith("Cannot resolve package requirements: node 'p': ")
    assert "nosuch-package was not found in the package registry" in issue["message"]
    assert issue["suggestion"]
    assert run_refused(user, workflow)["issues"][0]["code"] == "requirement_unresolvable"


@pytest.mark.django_db
def test_a_package_with_no_wheel_is_an_issue_naming_it(user, packages):
    # given / when: srconly publishes a source distribution only
    workflow, compilation = save(user, py_step("p", USES_TINYVER, ["tinyver", "srconly"]))

    # then
    issue = the_issue(compilation, "requirement_unresolvable")
    assert issue["field"] == "nodes.0.data.config.requirements.1"
    assert "srconly" in issue["message"] and "no usable wheels" in issue["message"]
    assert "wheels only" in issue["suggestion"] and "'srconly'" in issue["suggestion"]
    assert packages.downloaded("srconly") == 0  # never fetched, never built
    run_refused(user, workflow)


@pytest.mark.django_db
def test_import_nothing_provides_names_the_requirement_to_add(user, packages):
    # given / when: yaml is in the platform's own environment, which steps do not see
    _, compilation = save(
        user, py_step("a", "import greetlib\n\n\ndef run(inputs, ctx):\n    return 1\n"),
        py_step("b", "import yaml\nimport tinyver\n\n\ndef run(inputs, ctx):\n    return 1\n",
                ["tinyver"]))

    # then
    issues = {(i["node_id"], i["line"]): i for i in compilation.issues
              if i["code"] == "import_resolution"}
    assert set(issues) == {("a", 1), ("b", 1)}
    assert "Add 'greetlib' to this step's requirements" in issues[("a", 1)]["suggestion"]
    assert "Add 'pyyaml'" in issues[("b", 1)]["suggestion"]
    assert "neither its requirements nor the standard library" in issues[("b", 1)]["message"]


@pytest.mark.django_db(transaction=True)
def test_a_slow_resolution_finishes_in_the_background_announced_live(user, packages, worker,
                                                                     settings):
    # given: the web may not wait at all, and the index answers slowly
    settings.PACKAGES_RESOLVE_WAIT_S = 0
    packages.add_wheel("slowpkg", "1.0.0")
    packages.delay_s = 0.5

    async def scenario():  # type: ignore[no-untyped-def]
        layer = get_channel_layer()
        workflow = await sync_to_async(services.workflow_create)(
            owner=user, name="S", definition=definition(py_step("p", USES_TINYVER)))
        channel = await layer.new_channel()
        await layer.group_add(group_for_workflow(workflow.pk), channel)
        await asyncio.sleep(0.2)
        # when
        saved = await sync_to_async(services.workflow_update)(
            workflow=workflow, definition=definition(py_step(
                "p", "import slowpkg\n\n\ndef run(inputs, ctx):\n    return 1\n",
                ["slowpkg==1.0.0"])))
        first = await sync_to_async(lambda: saved.latest_compilation)()
        refused = await sync_to_async(run_refused)(user, saved)
        received = []
        while not received or received[-1]["payload"]["type"] != "compilation_completed":
            received.append(await asyncio.wait_for(layer.receive(channel), timeout=60))
        await layer.flush()
        await sync_to_async(connections.close_all)()
        return saved, first, refused, [m["payload"] for m in received]

    try:
        workflow, first, refused, events = asyncio.run(scenario())
    finally:
        packages.delay_s = 0

    # then: stored as resolving, refused to run, said so live, then finished by the worker
    assert first.status == "resolving" and not first.runnable
    assert "still being resolved" in refused["message"]
    resolving = [e for e in events if e["type"] == "compilation_started"
                 and e["data"].get("status") == "resolving"]
    assert resolving and resolving[0]["data"]["message"] == "resolving packages…"
    assert events[-1]["data"]["status"] == "success" and events[-1]["data"]["revision"] == 2
    finished = wait_until(lambda: Compilation.objects.filter(
        pk=first.pk, status="success").first())
    assert finished.dependencies["python_packages"][0]["name"] == "slowpkg"


@pytest.mark.django_db
def test_a_compilation_stuck_resolving_is_sent_again_once_per_limit(user, packages, settings):
    # given: a save left its resolution to a worker, and the message never arrived
    settings.PACKAGES_RESOLVE_WAIT_S = 0
    with dispatch.locally():
        _, stuck = save(user, py_step("p", USES_TINYVER, ["tinyver"]))
    assert stuck.status == "resolving"
    long_ago = timezone.now() - timedelta(seconds=settings.PACKAGES_RESOLVE_TIMEOUT_S + 61)
    Compilation.objects.filter(pk=stuck.pk).update(compiled_at=long_ago)

    # when: the sweeper looks twice
    with dispatch.locally() as queue:
        first = services.compilations_resend_stuck(now=timezone.now())
        second = services.compilations_resend_stuck(now=timezone.now())

    # then
    assert (first, second) == (1, 0)
    assert [(task, args) for _, task, args in queue.messages] == [
        ("worker.finish_compilation", [stuck.pk])]
    assert services.compilation_finish(compilation_id=stuck.pk) == "success"


@pytest.mark.django_db
def test_compile_workflow_resolves_requirements_from_the_terminal(packages, tmp_path):
    # given
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(definition(py_step("p", USES_TINYVER, ["tinyver<2"]))))
    out = io.StringIO()

    # when
    call_command("compile_workflow", str(path), "--json", stdout=out)

    # then
    result = json.loads(out.getvalue())
    assert result["status"] == "success"
    assert [(p["name"], p["version"]) for p in result["artifacts"]["dependencies"][
        "python_packages"]] == [("tinyver", "1.0.0")]
    assert not PackageLock.objects.exists()  # the terminal keeps no cache


@pytest.mark.django_db
def test_a_resolver_that_cannot_run_is_an_issue_not_an_error_page(user, packages, settings):
    # given: uv's cache cannot be made here
    settings.PACKAGES_CACHE_DIR = "/proc/no-cache-here"

    # when
    response = token_client(user).post("/api/v1/workflows/", {"definition": definition(
        py_step("p", USES_TINYVER, ["tinyver"]))}, format="json")

    # then
    assert response.status_code == 201, response.content
    [issue] = response.json()["compilation"]["issues"]
    assert issue["code"] == "requirement_unresolvable"
    assert "the resolver could not run here" in issue["message"]
