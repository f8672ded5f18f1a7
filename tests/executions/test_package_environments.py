"""A worker host's package environments (worker/packages.py): one per lock, built once
however many steps need it at the same moment (a file lock), checked against its digest,
and removed by retention once no kept compilation uses it, on every worker host."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from apps.workflows import packages as locks
from apps.workflows import services
from tests.conftest import wait_until
from tests.executions.test_python_packages import definition, py_step, run_ok, version_of
from worker import dispatch
from worker import packages as environments


def payload_for(lines):  # type: ignore[no-untyped-def]
    row = locks.resolve(tuple(lines), key=locks.cache_key(tuple(lines)), timeout_s=60)
    assert row.status == "resolved", row.error
    return locks.as_lock(row).payload()


@pytest.mark.django_db
def test_concurrent_first_uses_build_the_environment_once(packages):
    # given: the lock of one package, and four steps needing it at once
    payload = payload_for(["numbits==0.9.0"])
    start = threading.Barrier(4)
    built: list[environments.Environment] = []

    def use() -> None:
        start.wait()
        built.append(environments.environment_for(payload))

    # when
    threads = [threading.Thread(target=use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then: one built it, the others waited for it and found it ready
    assert len(built) == 4 and len({env.path for env in built}) == 1
    assert [env.installed_s is not None for env in built].count(True) == 1
    assert (built[0].path / "numbits" / "__init__.py").read_text().startswith("__version__")
    assert not [p for p in Path(environments.root()).iterdir() if p.name.startswith(".building")]


@pytest.mark.django_db
def test_a_lock_that_does_not_match_its_digest_is_refused(packages):
    payload = payload_for(["greetlib"])
    payload["packages"][0][1] = "9.9.9"  # edited: no longer what the digest says

    with pytest.raises(environments.PackagesUnavailable, match="digest does not match"):
        environments.environment_for(payload)


@pytest.mark.django_db
def test_prune_removes_what_is_not_kept_and_keeps_the_rest(packages):
    # given
    kept = environments.environment_for(payload_for(["tinyver==1.0.0"]))
    gone = environments.environment_for(payload_for(["tinyver==2.0.0"]))

    # when
    report = environments.prune({kept.digest})

    # then
    assert report == {"removed": 1, "kept": 1}
    assert kept.path.is_dir() and not gone.path.parent.exists()


@pytest.mark.django_db(transaction=True)
def test_retention_removes_the_environments_of_deleted_workflows_on_the_worker_hosts(
        user, packages, worker, worker_packages):
    # given: the worker built environments for two workflows; one of them is deleted
    packages.add_wheel("keptpkg", "1.0.0")
    packages.add_wheel("droppedpkg", "1.0.0")
    kept = services.workflow_create(owner=user, definition=definition(
        py_step("p", version_of("keptpkg"), ["keptpkg==1.0.0"])))
    dropped = services.workflow_create(owner=user, definition=definition(
        py_step("p", version_of("droppedpkg"), ["droppedpkg==1.0.0"])), slug="dropped")
    homes = {}
    for workflow in (kept, dropped):
        run_ok(workflow)
        digest = workflow.latest_compilation.package_locks.get().digest
        homes[workflow.slug] = Path(worker_packages["PACKAGES_DIR"]) / digest
        assert homes[workflow.slug].is_dir()
    for execution in dropped.executions.all():
        execution.delete()
    services.workflow_delete(workflow=dropped)

    # when: the retention task's broadcast
    dispatch.broadcast_prune_packages(sorted(locks.kept_digests()))

    # then
    wait_until(lambda: not homes["dropped"].exists(), timeout=30)
    assert homes[kept.slug].is_dir()
