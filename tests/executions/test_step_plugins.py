"""A step type is a module on each side plus one registry line: registering a small extra
type ("shout") is enough for it to be validated, checked, compiled, run by the worker's
runner through the engine, and refused when misconfigured; nothing else is edited."""

from __future__ import annotations

import pytest

from apps.executions.models import StepRun
from compiler import compile_definition
from compiler import steps as compiler_steps
from compiler.ir import Step
from compiler.steps import StepCheck, StepType
from tests.executions.helpers import start
from worker import runner
from worker import steps as worker_steps
from worker.steps import StepError, StepRunner


def _check(c: StepCheck) -> None:
    if c.step.config.get("text") == "":
        c.error("syntax_error", "shout needs something to shout",
                field=f"{c.where}.config.text", suggestion="Give it some text.")


def _body(step: Step, _code_const: str) -> list[str]:
    return [f"    text = ctx.render(STEPS[{step.id!r}]['config']['text'])",
            "    return ctx.execute('shout', {'text': text})"]


def _shout(_ctx, payload):  # type: ignore[no-untyped-def]
    if not isinstance(payload["text"], str):
        raise StepError("input_validation", "shout takes text")
    return payload["text"].upper() + "!"


SHOUT = StepType(name="shout", body=_body, check=_check, config_schema={
    "type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}})


@pytest.fixture
def shout_registered(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(compiler_steps.REGISTRY, "shout", SHOUT)
    monkeypatch.setitem(worker_steps.RUNNERS, "shout", StepRunner(run=_shout))


def definition(text: object = "{{ steps.name.output }}") -> dict:
    return {"name": "shouting", "nodes": [
        {"id": "name", "type": "transform", "data": {"config": {"value": "hello ada"}}},
        {"id": "loud", "type": "shout", "data": {"config": {"text": text}}}],
        "edges": [{"source": "name", "target": "loud"}], "output": "{{ steps.loud.output }}"}


def test_an_unregistered_type_is_an_unknown_step_type():
    result = compile_definition(definition())
    assert result.status == "error"
    assert any("unknown step type 'shout'" in issue.message for issue in result.issues)


def test_a_registered_type_is_validated_checked_and_compiled(shout_registered):
    ok = compile_definition(definition())
    assert ok.status == "success", [i.message for i in ok.issues]
    assert "ctx.execute('shout'" in ok.artifacts.generated_code
    missing = compile_definition(definition() | {"nodes": [
        definition()["nodes"][0], {"id": "loud", "type": "shout", "data": {"config": {}}}]})
    assert any("'text' is a required property" in i.message for i in missing.issues)
    empty = compile_definition(definition(text=""))
    assert [i.message for i in empty.issues if i.node_id == "loud"] == [
        "Invalid workflow structure detected: shout needs something to shout"]


@pytest.mark.django_db  # the test's transaction: no worker process sees these rows
@pytest.mark.usefixtures("steps_in_the_test_transaction")
def test_a_registered_type_runs_through_the_engine(shout_registered, user):
    # given
    execution = start(user, definition())
    # when: what the worker does for each message, in order
    for step_id in ("name", "loud"):
        step = StepRun.objects.get(execution=execution, step_id=step_id)
        assert step.status == "queued", step_id
        assert runner.run_step(str(execution.pk), step_id, step.step_type,
                               execution.code_sha256) == "succeeded"
    # then
    execution.refresh_from_db()
    assert execution.status == "succeeded", execution.error
    assert execution.output == "HELLO ADA!"
    loud = StepRun.objects.get(execution=execution, step_id="loud")
    assert loud.step_type == "shout" and loud.attempt_rows.get().status == "succeeded"
