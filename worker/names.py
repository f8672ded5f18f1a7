"""Celery task names: the only place they are spelled."""

RUN_STEP = "worker.run_step"
WAKE_STEP = "worker.wake_step"
ADMIT = "worker.admit_executions"
SWEEP = "worker.sweep"
FIRE_SCHEDULES = "worker.fire_schedules"
RETENTION = "worker.purge_old_executions"
PARTITIONS = "worker.ensure_partitions"
FORWARD_LOGS = "worker.forward_logs"
EVALUATE_ALERTS = "worker.evaluate_alerts"
SEND_ALERT = "worker.send_alert"
FINISH_COMPILATION = "worker.finish_compilation"
PRUNE_PACKAGES = "prune_package_environments"  # a broadcast control command, not a task
