import sys
sys.path.insert(0, "/tmp")
import _inproc
from _inproc import sent, user, ws, eb, runner, execution_start
from django.db import connection
from django.test.utils import CaptureQueriesContext
five = ws.workflow_create(owner=user, definition=eb.transform_chain(5), slug="five")
execution_start(workflow=five, owner=user, inputs={})
sent.clear()
with CaptureQueriesContext(connection) as q:
    execution_start(workflow=five, owner=user, inputs={})
for x in q.captured_queries: print(x["time"], x["sql"][:250])
print("----- steps")
with CaptureQueriesContext(connection) as q:
    while sent: runner.run_step(*sent.pop(0))
for x in q.captured_queries[-14:]: print(x["time"], x["sql"][:250])
