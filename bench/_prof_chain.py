import sys, time, subprocess, os
import common
from django.conf import settings
from apps.executions.services import execution_start
from apps.workflows import services as ws
import engine_bench as eb
user = common.bench_user(max_concurrent=10000)
engine = common.start_worker("config", "engine", ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE])
import psutil
kids = [p.pid for p in psutil.Process(engine.pid).children()]
wf = ws.workflow_create(owner=user, definition=eb.transform_chain(200), slug="chain")
ex = execution_start(workflow=wf, owner=user, inputs={}); eb.wait_all([ex.pk])
spies = [subprocess.Popen(["/work/main/.venv/bin/py-spy", "record", "-p", str(pid), "-o", f"/tmp/prof/{pid}.txt", "-f", "raw", "-r", "200"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in kids + [engine.pid]]
time.sleep(2)
per = []
for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 3):
    ex = execution_start(workflow=wf, owner=user, inputs={}); eb.wait_all([ex.pk]); ex.refresh_from_db()
    per.append((ex.finished_at - ex.started_at).total_seconds() * 1000 / 200)
print("per step ms", per)
for s in spies: s.send_signal(2)
for s in spies: s.wait()
common.stop(engine)
