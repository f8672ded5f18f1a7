import sys, time
sys.path.insert(0, "/tmp")
import _inproc  # runs once, prints per step
from wrap import wrapper, tot
from django.db import connection
with connection.execute_wrapper(wrapper):
    t = time.perf_counter(); n = _inproc.run_chain(); el = time.perf_counter() - t
print(f"per step {el*1000/n:.2f} ms, in execute {tot[0]*1000/n:.2f} ms, {tot[1]/n:.1f} statements/step")
