"""Execution history: the ExecutionContext and StepResult of docs/execution.md, events and logs.

The database is the source of truth for what ran; Redis only carries messages.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Priority(models.IntegerChoices):
    """How urgent a run is: admission takes the lowest number first, then start order, and
    its steps' broker messages overtake those of lower priorities (worker/dispatch.py).
    The label is the name the API, the forms and the triggers use."""

    HIGH = 0, "high"
    NORMAL = 1, "normal"
    LOW = 2, "low"

    @classmethod
    def named(cls, name: str | None) -> Priority:
        """"high" → HIGH; None or "" → NORMAL. Callers validate the name first."""
        return {label: cls(value) for value, label in cls.choices}.get(name or "normal",
                                                                       cls.NORMAL)


class Execution(models.Model):
    """One run of one compiled revision of a workflow (docs/execution.md: ExecutionContext)."""

    ENCRYPTED_FIELDS = ("encrypted_secret_inputs",)  # re-encrypted by manage.py rotate_secret_key

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        PAUSED = "paused"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    class Trigger(models.TextChoices):
        MANUAL = "manual"
        API = "api"
        SCHEDULED = "scheduled"
        WEBHOOK = "webhook"
        WORKFLOW = "workflow"  # a child run started by a `workflow` step
        MCP = "mcp"  # a tool call of an MCP client (apps/mcp_server/)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="executions")
    workflow = models.ForeignKey("workflows.Workflow", on_delete=models.CASCADE,
                                 related_name="executions")
    compilation = models.ForeignKey("workflows.Compilation", on_delete=models.PROTECT,
                                    related_name="executions")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    parent_step_id = models.CharField(max_length=200, blank=True, default="")
    # The artifact's hash, copied at start: workers find the loaded module without reading
    # the compilation row (which holds the whole generated code).
    code_sha256 = models.CharField(max_length=64, blank=True, default="", editable=False)
    rerun_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="reruns")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.MANUAL)
    environment = models.CharField(max_length=64, default="default")
    # Inputs as shown (secrets masked); the real secret values live encrypted beside them.
    inputs = models.JSONField(default=dict, blank=True)
    encrypted_secret_inputs = models.TextField(blank=True, default="", editable=False)
    current_step = models.CharField(max_length=200, blank=True, default="")
    output = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True, default="")
    # The workflow's concurrency key for this run (its `concurrency.key` rendered over the
    # inputs at start), and why it waits while queued ("2 of 2 running for …").
    concurrency_key = models.CharField(max_length=200, blank=True, default="")
    waiting_reason = models.CharField(max_length=300, blank=True, default="")
    # Queued because its own workflow's (or key's) limit is reached, not the owner's cap:
    # such runs do not hold back other workflows' starts (engine/admission.py).
    waiting_on_limit = models.BooleanField(default=False)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices,
                                                default=Priority.NORMAL)
    # What started it, beyond the trigger: {"schedule": {id, name, fire_time}} or
    # {"hook": {id}} (metadata.schedule / metadata.hook of the ExecutionContext).
    source = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    # Counters that hand out per-execution sequence numbers for events and log lines.
    last_event_seq = models.PositiveBigIntegerField(default=0)
    last_log_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The history list: always by owner, newest first, optionally by status/workflow.
            models.Index(fields=["owner", "-created_at"], name="exec_owner_created"),
            models.Index(fields=["owner", "status", "-created_at"], name="exec_owner_status"),
            models.Index(fields=["owner", "workflow", "-created_at"], name="exec_owner_wf"),
            models.Index(fields=["owner", "-started_at"], name="exec_owner_started"),
            models.Index(fields=["status", "created_at"], name="exec_status_queue"),
            # Admission's order: an owner's queued runs by priority, then start order.
            models.Index(fields=["owner", "priority", "created_at"], name="exec_admission",
                         condition=Q(status="queued")),
        ]

    def __str__(self) -> str:
        return f"{self.workflow} · {self.status} · {self.id}"

    @property
    def version(self) -> int:
        return self.compilation.revision


TERMINAL_EXECUTION = frozenset(
    {Execution.Status.SUCCEEDED, Execution.Status.FAILED, Execution.Status.CANCELLED}
)


class StepRun(models.Model):
    """The StepResult of one step in one execution; attempts are kept in StepAttempt."""

    class Status(models.TextChoices):
        PENDING = "pending"
        QUEUED = "queued"
        RUNNING = "running"
        RETRYING = "retrying"
        WAITING = "waiting"  # an approval step: waits for a person, holding no worker
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        SKIPPED = "skipped"
        CANCELLED = "cancelled"

    # Indexes on this table are kept few and partial: a step's row is rewritten several
    # times while it runs, and every index is written again each time its status changes.
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="steps",
                                  db_index=False)  # uniq_step_per_exec leads with it
    step_id = models.CharField(max_length=200)
    step_type = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    inputs = models.JSONField(null=True, blank=True)
    output = models.JSONField(null=True, blank=True)
    output_truncated = models.BooleanField(default=False)
    error = models.JSONField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    debug = models.JSONField(default=dict, blank=True)  # variable state and profile
    overrides = models.JSONField(default=dict, blank=True)  # limits/inputs set by a retry
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    # The lease: only the holder of lease_token may commit this step's result.
    lease_token = models.CharField(max_length=64, blank=True, default="")
    lease_owner = models.CharField(max_length=200, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # A delay step, or a retry waiting out its backoff: the sweeper enqueues it when due.
    wake_at = models.DateTimeField(null=True, blank=True)
    # How often the worker running this step vanished; bounded to stop poison loops.
    lost_count = models.PositiveIntegerField(default=0)
    # Failures that differ only in ids, numbers and paths share this (errors.error_signature).
    error_signature = models.CharField(max_length=40, blank=True, default="")
    # A `workflow` step waits for this child execution instead of holding a worker.
    child_execution = models.ForeignKey(Execution, null=True, blank=True, db_index=False,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["execution", "id"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "step_id"], name="uniq_step_per_exec")
        ]
        indexes = [
            # What the sweeper looks for: only steps still in flight.
            models.Index(fields=["status", "heartbeat_at"], name="step_sweep_live",
                         condition=Q(status__in=["queued", "running", "retrying"])),
            models.Index(fields=["error_signature"], name="step_error_sig",
                         condition=~Q(error_signature="")),
            models.Index(fields=["child_execution"], name="step_child",
                         condition=Q(child_execution__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.step_id}: {self.status}"


TERMINAL_STEP = frozenset(
    {
        StepRun.Status.SUCCEEDED,
        StepRun.Status.FAILED,
        StepRun.Status.SKIPPED,
        StepRun.Status.CANCELLED,
    }
)


class StepAttempt(models.Model):
    """One attempt at a step: its own timing, outcome, worker and resource usage."""

    step_run = models.ForeignKey(StepRun, on_delete=models.CASCADE, related_name="attempt_rows",
                                 db_index=False)  # uniq_attempt_number leads with it
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=StepRun.Status.choices)
    worker = models.CharField(max_length=200, blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.FloatField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    # The revision of the workflow this attempt ran: a retry may run a fixed revision
    # (services/controls.py, step_retry with `revision`). Null for attempts made before
    # revisions were recorded.
    compilation = models.ForeignKey("workflows.Compilation", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    db_index=False)

    class Meta:
        ordering = ["step_run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["step_run", "number"], name="uniq_attempt_number")
        ]

    def __str__(self) -> str:
        return f"{self.step_run.step_id} #{self.number}: {self.status}"


class ExecutionEvent(models.Model):
    """A ProgressEvent (docs/events.md), append-only, numbered per execution by `seq`."""

    # No database constraint: on PostgreSQL this table is partitioned (migration 0013), and
    # a constraint would check every partition for each execution deleted. Deleting an
    # execution still deletes its events (Django's cascade; retention deletes them first).
    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="events",
                                  db_index=False, db_constraint=False)  # uniq_event_seq leads
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=32)
    step_id = models.CharField(max_length=200, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField()
    duration_ms = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["execution", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["execution", "seq"], name="uniq_event_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"


class LogLine(models.Model):
    """One line a step logged, numbered per execution by `seq`; searchable and filterable."""

    class Level(models.TextChoices):
        DEBUG = "debug"
        INFO = "info"
        WARNING = "warning"
        ERROR = "error"

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="log_lines",
                                  db_index=False, db_constraint=False)  # as ExecutionEvent's
    seq = models.PositiveBigIntegerField()
    step_id = models.CharField(max_length=200, blank=True, default="")
    attempt = models.PositiveIntegerField(default=1)
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.INFO)
    message = models.TextField()
    timestamp = models.DateTimeField()

    class Meta:
        ordering = ["execution", "seq"]
        constraints = [models.UniqueConstraint(fields=["execution", "seq"], name="uniq_log_seq")]
        indexes = [
            models.Index(fields=["execution", "step_id", "seq"], name="log_step"),
            models.Index(fields=["execution", "level", "seq"], name="log_level"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.level} {self.message[:60]}"


def _input_file_path(instance: InputFile, filename: str) -> str:
    return f"inputs/{instance.owner_id}/{instance.id}"


class InputFile(models.Model):
    """A file given as a workflow input (`"format": "file"`): uploaded once, stored under
    MEDIA_ROOT, handed to steps by reference ({file_id, name, size, content_type, sha256})."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="input_files")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=200, blank=True, default="")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=_input_file_path, max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="inputfile_owner")]

    def __str__(self) -> str:
        return self.name

    def as_reference(self) -> dict[str, object]:
        return {"file_id": str(self.id), "name": self.name, "size": self.size,
                "content_type": self.content_type, "sha256": self.sha256}
