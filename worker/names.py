"""Celery task names: the only place they are spelled."""

RUN_STEP = "worker.run_step"
WAKE_STEP = "worker.wake_step"
ADMIT = "worker.admit_executions"
SWEEP = "worker.sweep"
FIRE_SCHEDULES = "worker.fire_schedules"
RETENTION = "worker.purge_old_executions"
FORWARD_LOGS = "worker.forward_logs"
