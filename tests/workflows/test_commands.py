"""compile_workflow prints compiler-style lines and exits non-zero on errors; load_examples."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.workflows.models import Workflow
from tests.conftest import EXAMPLES, example_names
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_compile_workflow_prints_issue_lines_and_fails(capsys):
    path = EXAMPLES / "broken" / "syntax_error.json"
    with pytest.raises(SystemExit) as exited:
        call_command("compile_workflow", str(path))
    assert exited.value.code == 1
    out = capsys.readouterr().out
    assert f"{path}: node 'compute' line 2: error[syntax_error]: " in out
    assert "— suggestion: " in out


def test_compile_workflow_show_code_prints_the_artifact(capsys):
    call_command("compile_workflow", str(EXAMPLES / "hello-transform.json"), "--show-code")
    out = capsys.readouterr().out
    assert "def step_0_greet(ctx):" in out and ": success (0 error(s)" in out


def test_compile_workflow_checks_dependencies_for_an_owner(capsys):
    make_user(username="admin")
    with pytest.raises(SystemExit):
        call_command("compile_workflow", str(EXAMPLES / "broken" / "missing_dependency.json"),
                     "--owner", "admin")
    assert "error[missing_dependency]" in capsys.readouterr().out


def test_load_examples_creates_every_example_compiled_cleanly():
    owner = make_user(username="admin")
    call_command("load_examples", owner="admin")
    call_command("load_examples", owner="admin")  # idempotent: updates, no duplicates
    workflows = Workflow.objects.filter(owner=owner)
    assert sorted(w.slug for w in workflows) == example_names()
    assert {w.latest_compilation.status for w in workflows} == {"success"}
