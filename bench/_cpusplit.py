import time, psutil, collections
import common
from django.conf import settings
from apps.executions.services import execution_start
from apps.workflows import services as ws
import engine_bench as eb
user = common.bench_user(max_concurrent=10000)
five = ws.workflow_create(owner=user, definition=eb.transform_chain(5), slug="five")
ids = [execution_start(workflow=five, owner=user, inputs={}).pk for _ in range(400)]
def snap():
    out = collections.Counter()
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            c = p.cpu_times(); cmd = " ".join(p.info["cmdline"] or [])
            kind = "postgres" if "postgres" in (p.info["name"] or "") else "redis" if "redis" in (p.info["name"] or "") else "celery" if "celery" in cmd else "other"
            out[kind] += c.user + c.system
        except Exception: pass
    return out
a = snap(); t = time.time()
engine = common.start_worker("config", "engine", ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE])
eb.wait_all(ids)
b = snap(); el = time.time() - t
print({k: round((b[k] - a[k]) * 1000 / 2000, 2) for k in b}, "ms CPU per step; wall", el)
common.stop(engine)
