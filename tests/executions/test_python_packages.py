"""Python steps with their own packages, end to end on a real worker: a pinned wheel from
the package index (tests/packages_index.py) installed once per host into an environment the
sandbox mounts read-only, shared by every step using the same lock and by nobody else."""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

import pytest

from apps.executions.models import LogLine
from apps.executions.services import execution_start
from apps.workflows import services as workflow_services
from tests.executions.helpers import finished, steps_by_id

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def py_step(node_id, code, requirements):  # type: ignore[no-untyped-def]
    return {"id": node_id, "type": "python", "position": {"x": 0, "y": 0},
            "data": {"timeout_seconds": 60, "config": {"code": code,
                                                       "requirements": requirements}}}


def definition(*nodes):  # type: ignore[no-untyped-def]
    return {"name": "Packages", "nodes": list(nodes), "edges": []}


def version_of(module: str) -> str:
    return f"import {module}\n\n\ndef run(inputs, ctx):\n    return {module}.__version__\n"


def logs(execution) -> list[str]:  # type: ignore[no-untyped-def]
    return list(LogLine.objects.filter(execution=execution).order_by("seq")
                .values_list("message", flat=True))


def save(user, workflow_definition):  # type: ignore[no-untyped-def]
    workflow = workflow_services.workflow_create(owner=user, definition=workflow_definition)
    assert workflow.latest_compilation.runnable, workflow.latest_compilation.issues
    return workflow


def run_ok(workflow):  # type: ignore[no-untyped-def]
    execution = finished(execution_start(workflow=workflow, owner=workflow.owner, inputs={}),
                         timeout=120)
    assert execution.status == "succeeded", [s.error for s in execution.steps.all()]
    return execution


def test_a_pinned_package_is_installed_once_and_imported(user, packages, worker,
                                                         worker_packages):
    # given: a package the worker's own environment does not have
    packages.add_wheel("firstuse", "1.3.0")
    flow = definition(py_step("p", version_of("firstuse"), ["firstuse==1.3.0"]))
    with pytest.raises(ImportError):
        __import__("firstuse")

    # when
    workflow = save(user, flow)
    first = run_ok(workflow)
    second = run_ok(workflow)

    # then: it reports its version; the artifact lists it; only the first run installed
    assert steps_by_id(first)["p"].output == "1.3.0" == steps_by_id(second)["p"].output
    [listed] = first.compilation.dependencies["python_packages"]
    assert (listed["name"], listed["version"]) == ("firstuse", "1.3.0")
    [install] = [m for m in logs(first) if "first use on this host" in m]
    assert install.startswith("installing 1 package (first use on this host) in ")
    assert not [m for m in logs(second) if "installing" in m]
    digest = first.compilation.package_locks.get().digest
    assert (Path(worker_packages["PACKAGES_DIR"]) / digest / "site" / "firstuse").is_dir()


def test_two_steps_pinning_two_versions_each_see_their_own(user, packages, worker):
    # when
    execution = run_ok(save(user, definition(
        py_step("old", version_of("tinyver"), ["tinyver==1.0.0"]),
        py_step("new", version_of("tinyver"), ["tinyver==2.0.0"]))))

    # then
    steps = steps_by_id(execution)
    assert (steps["old"].output, steps["new"].output) == ("1.0.0", "2.0.0")
    listed = execution.compilation.dependencies["python_packages"]
    assert [(p["version"], p["nodes"]) for p in listed] == [("1.0.0", ["old"]),
                                                            ("2.0.0", ["new"])]


LOOK = """import importlib
import os
import sys

import padkit


def run(inputs, ctx):
    home = os.path.dirname(os.path.dirname(padkit.__file__))
    try:
        open(os.path.join(home, 'padkit', 'planted.py'), 'w').write('x = 1')
        wrote = 'wrote into the environment'
    except OSError as exc:
        wrote = type(exc).__name__
    open('/tmp/mine-' + inputs['who'], 'w').write('secret of ' + inputs['who'])
    sys.path.append(inputs['site'])  # the worker's own packages: hidden all the same
    try:
        platform = importlib.import_module('yaml').__name__
    except ImportError:
        platform = 'hidden'
    return {'wrote': wrote, 'home': home, 'listing': sorted(os.listdir(home)),
            'tmp': sorted(os.listdir('/tmp')), 'version': padkit.__version__,
            'platform': platform, 'site': os.listdir(inputs['site'])}
"""


def test_the_environment_is_read_only_and_shared_with_nothing_else(user, other_user, packages,
                                                                   worker):
    # given: two owners whose steps need the same lock
    def flow(who):  # type: ignore[no-untyped-def]
        step = py_step("look", LOOK, ["padkit==1.1.0"])
        step["data"]["inputs"] = {"who": who, "site": sysconfig.get_paths()["purelib"]}
        return definition(step)

    # when
    alice = run_ok(save(user, flow("alice")))
    bob = run_ok(save(other_user, flow("bob")))
    mine, theirs = steps_by_id(alice)["look"].output, steps_by_id(bob)["look"].output

    # then: neither could write into it; both saw the same files, and nothing of the other
    assert mine["wrote"] == theirs["wrote"] and mine["wrote"] in ("OSError", "PermissionError")
    assert mine["home"] == theirs["home"] == "/packages"
    assert mine["listing"] == theirs["listing"] and "planted.py" not in str(theirs)
    assert "mine-alice" not in theirs["tmp"] and theirs["tmp"] == ["mine-bob"]
    assert mine["version"] == theirs["version"] == "1.1.0"
    assert (mine["platform"], mine["site"]) == ("hidden", [])  # yaml is in the worker's
    assert alice.compilation.package_locks.get().digest == \
        bob.compilation.package_locks.get().digest  # one environment on the host


def test_an_environment_is_rebuilt_from_the_lock_on_a_host_that_never_saw_it(
        user, packages, worker, worker_packages):
    # given: a run built it, then the host lost PACKAGES_DIR and uv's cache
    packages.add_wheel("rebuilt", "0.2.0")
    workflow = save(user, definition(py_step("p", version_of("rebuilt"), ["rebuilt==0.2.0"])))
    run_ok(workflow)
    for folder in worker_packages.values():
        for path in Path(folder).rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)
    fetched = packages.downloaded("rebuilt")

    # when
    again = run_ok(workflow)

    # then: installed again, from the index, and it works
    assert steps_by_id(again)["p"].output == "0.2.0"
    [install] = [m for m in logs(again) if "first use on this host" in m]
    assert install.endswith("from the package index")
    assert packages.downloaded("rebuilt") == fetched + 1
