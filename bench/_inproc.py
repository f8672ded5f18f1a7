import sys, time, cProfile, pstats
import common
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from apps.executions.services import execution_start
from apps.workflows import services as ws
from worker import dispatch, runner
import engine_bench as eb
sent = []
dispatch.enqueue_step = lambda eid, sid, timeout_s, countdown=None, step_type=None, artifact=None: sent.append((str(eid), sid, step_type, artifact))
user = common.bench_user(max_concurrent=10000)
wf = ws.workflow_create(owner=user, definition=eb.transform_chain(200), slug="chain")
def run_chain():
    sent.clear()
    ex = execution_start(workflow=wf, owner=user, inputs={})
    n = 0
    while sent:
        args = sent.pop(0); runner.run_step(*args); n += 1
    return n
run_chain()
t = time.perf_counter(); n = run_chain(); print("per step ms", (time.perf_counter() - t) * 1000 / n)
with CaptureQueriesContext(connection) as q:
    sent.clear(); ex = execution_start(workflow=wf, owner=user, inputs={})
    for _ in range(3):
        args = sent.pop(0); start = len(q.captured_queries); runner.run_step(*args)
    for x in q.captured_queries[start:]: print(x["time"], x["sql"][:300])
if len(sys.argv) > 1:
    cProfile.run("run_chain()", "/tmp/inproc.prof")
    pstats.Stats("/tmp/inproc.prof").sort_stats("cumulative").print_stats(45)
