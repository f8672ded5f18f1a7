"""What a step type tells the compiler: the schema of its config, its own checks, the body
of the function generated for it, and what its output looks like to steps that read it.

Pure Python, no Django: a step type's worker side (how it runs, how the sweeper treats it)
lives in `worker/steps/`, registered there under the same name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from compiler import references
from compiler.result import error, warning

if TYPE_CHECKING:
    from collections.abc import Mapping

    from compiler.context import CompileContext
    from compiler.ir import Checked, Step


@dataclass
class StepCheck:
    """One step under check: where it is, what is known around it, and how to report."""

    step: Step
    out: Checked
    ctx: CompileContext
    props: dict[str, Any]  # the workflow's input_schema properties
    where: str  # the step's data path, e.g. "nodes.3.data"
    registry: Mapping[str, references.OutputShape]  # every type: the outputs this step reads

    def error(self, code: str, message: str, *, field: str | None = None,
              line: int | None = None, suggestion: str | None = None) -> None:
        self.out.issues.append(error(code, message, node_id=self.step.id, field=field,
                                     line=line, suggestion=suggestion))

    def warning(self, code: str, message: str, *, field: str | None = None,
                suggestion: str | None = None) -> None:
        self.out.issues.append(warning(code, message, node_id=self.step.id, field=field,
                                       suggestion=suggestion))

    def expect_type(self, value: Any, expected: str, field: str,
                    props: dict[str, Any] | None = None) -> None:
        """A type_mismatch when `value` (a literal or a reference) cannot be `expected`."""
        references.check_expected_type(value, expected, self.step, field, self.out,
                                       self.props if props is None else props, self.registry)


def _no_check(_check: StepCheck) -> None:
    return None


def _unknown_output(_step: Step, _path: tuple[str, ...]) -> tuple[str | None, str]:
    return None, ""


FieldProblem = tuple[str, list[str], int]


def _any_field(_step: Step, _path: tuple[str, ...]) -> FieldProblem | None:
    return None


@dataclass(frozen=True)
class StepType:
    """One registry entry (compiler/steps/__init__.py) per `node.type`."""

    name: str
    # JSON Schema of `data.config` (published as `$defs/<name>_config`).
    config_schema: dict[str, Any]
    # The generated function's body: given the step and the name of the string constant
    # holding its embedded code (when `code_key` is set), the lines under `def step_…(ctx):`.
    # `STEPS[id]` in those lines is the step's entry in the plan.
    body: Callable[[Step, str], list[str]]
    check: Callable[[StepCheck], None] = _no_check
    # The config key holding user code, embedded verbatim and source-mapped, and left out of
    # the plan and of expression scanning.
    code_key: str | None = None
    # Out-edge handles that pick a branch by the step's boolean output.
    branches: tuple[str, ...] = ()
    # Static type of `steps.<id>.output[.<field>]` when knowable: (type, what is meant).
    output_type: Callable[[Step, tuple[str, ...]], tuple[str | None, str]] = _unknown_output
    # A field the output cannot have, given the path after `output` (e.g. ("body",) or
    # ("data", "comment")): (why, the names it has there, which part of the path is wrong)
    # or None when it may.
    field_problem: Callable[[Step, tuple[str, ...]], FieldProblem | None] = _any_field
