"""Celery task names: the only place they are spelled."""

RUN_STEP = "worker.run_step"
FINISH_DELAY = "worker.finish_delay"
SWEEP = "worker.sweep"
RETENTION = "worker.purge_old_executions"
FORWARD_LOGS = "worker.forward_logs"
