"""Workflows as files: export, edit, apply shows exactly that change; dry runs change nothing;
a broken file or a workflow that does not compile applies nothing and fails; prune removes
only what is missing, and never a run's history."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.executions.models import Execution
from apps.workflows import files
from apps.workflows.models import Compilation, Workflow
from tests.conftest import load_example
from tests.factories import make_execution, make_user, make_workflow, transform_definition

pytestmark = pytest.mark.django_db


def _state(owner) -> dict:  # type: ignore[no-untyped-def]
    """Everything apply could touch, to compare before and after."""
    return {
        "workflows": sorted(Workflow.objects.filter(owner=owner).values_list(
            "slug", "name", "description", "revision")),
        "definitions": {w.slug: w.definition for w in Workflow.objects.filter(owner=owner)},
        "compilations": Compilation.objects.filter(workflow__owner=owner).count(),
    }


@pytest.fixture
def admin():  # type: ignore[no-untyped-def]
    owner = make_user(username="admin")
    make_workflow(owner=owner, slug="hello", name="Hello",
                  definition=load_example("hello-transform"))
    make_workflow(owner=owner, slug="plain", name="Plain")
    return owner


def test_export_writes_one_stable_file_per_workflow(admin, tmp_path, capsys):
    # when
    call_command("workflows", "export", str(tmp_path))
    first = {p.name: p.read_text() for p in tmp_path.iterdir()}
    call_command("workflows", "export", str(tmp_path))
    # then
    assert sorted(first) == ["hello.json", "plain.json"]
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == first
    body = json.loads(first["hello.json"])
    assert sorted(body) == ["definition", "description", "name"]
    assert body["definition"] == Workflow.objects.get(slug="hello").definition
    assert first["hello.json"] == json.dumps(body, indent=2, sort_keys=True,
                                             ensure_ascii=False) + "\n"
    assert "exported 2 workflow(s)" in capsys.readouterr().out


def test_apply_after_one_edit_shows_exactly_that_change(admin, tmp_path, capsys):
    # given
    call_command("workflows", "export", str(tmp_path))
    path = tmp_path / "hello.json"
    body = json.loads(path.read_text())
    greet = next(n for n in body["definition"]["nodes"] if n["id"] == "greet")
    greet["data"]["config"]["value"]["greeting"] = "Hi, {{ inputs.who }}!"
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")
    capsys.readouterr()
    # when
    call_command("workflows", "apply", str(tmp_path))
    # then
    out = capsys.readouterr().out.splitlines()
    assert "~ hello: update revision 2, compiled success" in out
    changed = [line.strip() for line in out if line.startswith("    ")]
    assert changed == ["~ definition.nodes[greet].data.config.value.greeting"]
    assert "= plain: unchanged revision 1, compiled success" in out
    assert out[-1] == "applied: 1 update, 1 unchanged"
    hello = Workflow.objects.get(slug="hello")
    assert hello.revision == 2 and hello.definition == body["definition"]
    assert Workflow.objects.get(slug="plain").compilations.count() == 1


def test_dry_run_reports_the_plan_and_changes_nothing(admin, tmp_path, capsys):
    # given
    call_command("workflows", "export", str(tmp_path))
    (tmp_path / "new-one.json").write_text(json.dumps(transform_definition("x")))
    body = json.loads((tmp_path / "plain.json").read_text())
    body["name"] = "Plain, renamed"
    (tmp_path / "plain.json").write_text(json.dumps(body))
    before = _state(admin)
    capsys.readouterr()
    # when
    call_command("workflows", "apply", str(tmp_path), "--dry-run")
    # then
    out = capsys.readouterr().out
    assert "+ new-one: create revision 1, compiled success" in out
    assert "~ name: 'Plain' -> 'Plain, renamed'" in out
    assert out.splitlines()[-1] == "would apply: 1 create, 1 update, 1 unchanged"
    assert _state(admin) == before


def test_a_broken_file_applies_nothing_and_fails(admin, tmp_path, capsys):
    # given
    call_command("workflows", "export", str(tmp_path))
    (tmp_path / "new-one.json").write_text(json.dumps(transform_definition("x")))
    (tmp_path / "hello.json").write_text('{"definition": {"nodes": [}')
    before = _state(admin)
    # when
    with pytest.raises(CommandError) as refused:
        call_command("workflows", "apply", str(tmp_path))
    # then
    assert refused.value.returncode == 1
    assert "cannot be read; nothing was applied" in str(refused.value)
    assert "hello.json: Not valid JSON" in capsys.readouterr().err
    assert _state(admin) == before


def test_a_workflow_that_does_not_compile_applies_nothing_and_fails(admin, tmp_path, capsys):
    # given: a good new workflow, and an edit that breaks another
    call_command("workflows", "export", str(tmp_path))
    (tmp_path / "new-one.json").write_text(json.dumps(transform_definition("x")))
    body = json.loads((tmp_path / "plain.json").read_text())
    body["definition"]["nodes"][0]["type"] = "no-such-type"
    (tmp_path / "plain.json").write_text(json.dumps(body))
    before = _state(admin)
    capsys.readouterr()
    # when
    with pytest.raises(CommandError) as refused:
        call_command("workflows", "apply", str(tmp_path))
    # then
    assert refused.value.returncode == 1
    assert "Nothing was applied: 1 workflow(s) would fail (plain)" in str(refused.value)
    out = capsys.readouterr().out
    assert "~ plain: update revision 2, compiled error" in out
    assert "error [t]: " in out
    assert "+ new-one: create revision 1, compiled success" in out
    assert _state(admin) == before
    assert not Workflow.objects.filter(slug="new-one").exists()


def test_prune_removes_only_what_is_missing(admin, tmp_path, capsys):
    # given: another owner's workflow of the same slug, which apply must never see
    other = make_user(username="bob")
    make_workflow(owner=other, slug="plain", name="Bob's")
    call_command("workflows", "export", str(tmp_path))
    (tmp_path / "plain.json").unlink()
    # when: without --prune nothing is deleted; with it, exactly the missing one
    call_command("workflows", "apply", str(tmp_path))
    assert Workflow.objects.filter(owner=admin, slug="plain").exists()
    capsys.readouterr()
    call_command("workflows", "apply", str(tmp_path), "--prune")
    # then
    out = capsys.readouterr().out
    assert "- plain: delete" in out and out.splitlines()[-1] == "applied: 1 delete, 1 unchanged"
    assert sorted(Workflow.objects.filter(owner=admin).values_list("slug", flat=True)) == [
        "hello"]
    assert Workflow.objects.filter(owner=other, slug="plain").exists()


def test_prune_never_loses_the_history_of_a_workflow_that_ran(admin, tmp_path):
    # given: "plain" has an execution; its file is gone
    execution = make_execution(owner=admin)
    ran = execution.workflow
    call_command("workflows", "export", str(tmp_path))
    (tmp_path / f"{ran.slug}.json").unlink()
    before = _state(admin)
    # when
    try:
        call_command("workflows", "apply", str(tmp_path), "--prune")
        refused = None
    except CommandError as error:
        refused = error
    # then: the run is kept either way. Today the workflows service cannot delete a workflow
    # with history, so apply refuses whole; once it can, the workflow goes and its run stays.
    assert Execution.objects.filter(pk=execution.pk).exists()
    if refused is not None:
        assert "would fail" in str(refused) and _state(admin) == before
    else:
        assert not Workflow.objects.filter(pk=ran.pk, owner=admin).exists()


def test_apply_creates_callees_before_their_callers(tmp_path):
    # given: a caller whose file sorts before its callee's
    owner = make_user(username="admin")
    caller = load_example("subworkflow-caller")
    callee_slug = next(n["data"]["config"]["workflow"] for n in caller["nodes"]
                       if n["type"] == "workflow")
    callee = load_example("hello-transform")
    texts = {"a-caller.json": json.dumps(caller), f"{callee_slug}.json": json.dumps(callee)}
    # when
    result = files.workflows_apply(owner=owner, files=texts)
    # then
    assert result.applied and {c.status for c in result.workflows} == {"success"}


@pytest.mark.parametrize(("name", "text", "problem"), [
    ("x.yaml", "{}", "Name the file <slug>.json."),
    ("bad slug.json", "{}", "The file name is the workflow's slug"),
    ("x.json", "[1]", "The file must hold a JSON object."),
    ("x.json", '{"definiton": {}}', "Unknown key(s) definiton"),
    ("x.json", '{"definition": []}', "`definition` must be the workflow's JSON object."),
    ("x.json", '{"definition": {}, "name": 3}', "`name` must be text."),
])
def test_unreadable_files_are_refused_with_their_problem(name, text, problem):
    with pytest.raises(files.ApplicationError) as refused:
        files.workflow_files_parse({name: text})
    assert refused.value.code == "invalid_files"
    assert refused.value.fields[name].startswith(problem)
