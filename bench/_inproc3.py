import time, sys
sys.path.insert(0, "/tmp")
import _inproc
from _inproc import sent, user, ws, eb, runner, execution_start
from wrap import wrapper, tot
from django.db import connection
five = ws.workflow_create(owner=user, definition=eb.transform_chain(5), slug="five")
sent.clear()
with connection.execute_wrapper(wrapper):
    t = time.perf_counter()
    for _ in range(100): execution_start(workflow=five, owner=user, inputs={})
    el = time.perf_counter() - t
    print(f"start {el*10:.2f} ms each, execute {tot[0]*10:.2f} ms, {tot[1]/100:.1f} statements")
    tot[:] = [0, 0]; n = 0
    t = time.perf_counter()
    while sent:
        runner.run_step(*sent.pop(0)); n += 1
    el = time.perf_counter() - t
    print(f"{n} steps {el*1000/n:.2f} ms each, execute {tot[0]*1000/n:.2f} ms, {tot[1]/n:.1f} statements")
