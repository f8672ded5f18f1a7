import sys, cProfile, pstats
arg = sys.argv[1:]; sys.argv[1:] = []
import _inproc
from _inproc import sent, user, ws, eb, runner, execution_start
five = ws.workflow_create(owner=user, definition=eb.transform_chain(5), slug="five")
sent.clear()
for _ in range(100): execution_start(workflow=five, owner=user, inputs={})
def drain():
    while sent: runner.run_step(*sent.pop(0))
cProfile.run("drain()", "/tmp/five.prof")
p = pstats.Stats("/tmp/five.prof")
p.sort_stats(arg[0] if arg else "cumulative").print_stats(60)
