import time
import common
from django.db import connection, transaction
from apps.executions.models import StepRun, Execution
s = StepRun.objects.order_by("-id").first()
eid = s.execution_id
def orm():
    return {r.step_id: r for r in StepRun.objects.select_related("execution").select_for_update(of=("execution",)).filter(execution_id=eid, step_id__in=["s1","s2","s3"]).order_by()}
def raw():
    ex = next(iter(Execution.objects.raw("SELECT * FROM executions_execution WHERE id = %s FOR UPDATE", [eid])))
    rows = {r.step_id: r for r in StepRun.objects.raw("SELECT * FROM executions_steprun WHERE execution_id = %s AND step_id IN (%s, %s, %s)", [eid, "s1", "s2", "s3"])}
    for r in rows.values(): r.execution = ex
    return rows
for f in (orm, raw, orm, raw):
    with transaction.atomic():
        f()
        t = time.perf_counter()
        for _ in range(300): f()
        print(f.__name__, (time.perf_counter() - t) / 300 * 1000)
