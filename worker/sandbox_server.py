"""Fork server for python steps; runs inside the sandbox, stdlib only, no project imports but
its neighbour sandbox_report.py (what a run reports about the user's code).

Started once per worker pool process (inside bubblewrap when available). It reads one JSON
request per line on stdin, hands each to a child of its own and reports on stdout, one JSON
message per line: {"type": "started", "pid"}, then the child's "log" and "result" messages,
then {"type": "exit", "code", "signal"}. Forking a warm interpreter keeps a step's overhead in
milliseconds, and the child for the next request is forked as soon as the last step's
leftovers are gone, while the worker commits, so no step waits for its fork. A child knows
nothing until its request arrives on a pipe of its own; it drops privileges and sets its
limits before touching user code.
"""

import contextlib
import cProfile
import io
import json
import logging
import os
import resource
import shutil
import signal
import sys
import threading
import time

# Beside this file (bound into the sandbox with it): the reports on the user's code. Off the
# path again at once: a step's imports see nothing of this directory.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox_report as report  # noqa: E402

sys.path.pop(0)

# Each server runs its steps under its own uid, so RLIMIT_NPROC counts only its own
# processes and everything a step left behind can be killed by uid after it ends.
STEP_UID = 100_000 + os.getpid()
_OUT = sys.stdout.buffer  # rebound in each child to a private copy of the channel
_LOCK = threading.Lock()
IN_BWRAP = "--bwrap" in sys.argv
# A step's own packages: its lock's environment, read-only, after the standard library (no
# .pth file of it runs: that would be package code running here, before the privilege drop).
PACKAGES = sys.argv[sys.argv.index("--packages") + 1] if "--packages" in sys.argv else None


def send(message):
    data = (json.dumps(message, default=repr) + "\n").encode()
    with _LOCK:
        _OUT.write(data)
        _OUT.flush()


class LineStream(io.TextIOBase):
    """A text stream that turns every written line into a log message."""

    def __init__(self, level):
        self.level = level
        self.buffer_text = ""

    def writable(self):
        return True

    def write(self, text):
        self.buffer_text += text
        while "\n" in self.buffer_text:
            line, self.buffer_text = self.buffer_text.split("\n", 1)
            send({"type": "log", "level": self.level, "message": line, "at": time.time()})
        return len(text)

    def flush(self):
        if self.buffer_text:
            send({"type": "log", "level": self.level, "message": self.buffer_text,
                  "at": time.time()})
            self.buffer_text = ""


class MessageHandler(logging.Handler):
    LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "warning", "ERROR": "error",
              "CRITICAL": "error"}

    def emit(self, record):
        try:
            message = self.format(record)
        except Exception:  # a broken format string in user logging must not kill the step
            message = str(record.msg)
        send({"type": "log", "level": self.LEVELS.get(record.levelname, "info"),
              "message": message, "at": record.created})


class Context:
    """What `run(inputs, ctx)` receives inside the sandbox."""

    def __init__(self, request):
        self.execution_id = request.get("execution_id")
        self.step_id = request.get("step_id")
        self.attempt = request.get("attempt", 1)
        self.log = logging.getLogger(f"step.{self.step_id}")


def _pump(fd, level, ready):
    stream = LineStream(level)
    with os.fdopen(fd, "r", errors="replace") as reader:
        ready.release()  # from here it waits in read(), running no Python until a line comes
        for line in reader:
            stream.write(line)
    stream.flush()


def _limits(request):
    limits = request.get("limits", {})
    memory = int(limits.get("memory_mb", 512)) * 1024 * 1024
    # Address space, not RSS: generous headroom for the interpreter's mappings; the worker's
    # psutil monitor enforces the RSS limit itself.
    resource.setrlimit(resource.RLIMIT_AS, (memory + 256 * 1024 * 1024,) * 2)
    cpu = int(limits.get("cpu_seconds", 300)) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    fsize = int(limits.get("file_mb", 64)) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    nproc = int(limits.get("processes", 16))
    if os.getuid() == 0:
        os.setgroups([])
        os.setgid(STEP_UID)
        # RLIMIT_NPROC is ignored for root: drop to an unprivileged uid so it counts.
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        os.setuid(STEP_UID)
        _prctl(1, signal.SIGKILL)  # the uid change cleared it: die with the server
    else:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def child(request):
    global _OUT
    os.setsid()
    _OUT = os.fdopen(os.dup(1), "wb")
    send({"type": "started", "pid": os.getpid()})
    if request.get("isolate_network") and not IN_BWRAP:
        try:
            os.unshare(os.CLONE_NEWNET)  # a fresh namespace with no usable interface
        except (OSError, AttributeError):
            send({"type": "log", "level": "warning", "at": time.time(),
                  "message": "network isolation is unavailable on this worker"})
    try:
        _limits(request)
    except (OSError, ValueError) as exc:
        send({"type": "result", "ok": False, "error": {
            "type": "sandbox_error", "message": f"could not apply limits: {exc}"}})
        return
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    os.close(out_w)
    os.close(err_w)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    ready = [threading.Lock(), threading.Lock()]
    for lock, (fd, level) in zip(ready, ((out_r, "info"), (err_r, "error")), strict=True):
        lock.acquire()
        threading.Thread(target=_pump, args=(fd, level, lock), daemon=True).start()
    sys.stdout = LineStream("info")
    sys.stderr = LineStream("error")
    root = logging.getLogger()
    root.handlers = [MessageHandler()]
    root.setLevel(logging.DEBUG)
    filename = f"<node {request.get('step_id')}>"
    debug = bool(request.get("debug"))
    profiler = cProfile.Profile() if debug else None
    state = {}
    try:
        code = compile(request["code"], filename, "exec")
        namespace = {"__name__": "__node__", "__builtins__": __builtins__}
        exec(code, namespace)  # noqa: S102 - this process exists to run user code, sandboxed
        run = namespace.get("run")
        if not callable(run):
            raise TypeError("the code defines no run(inputs, ctx) function")
        if debug:
            def tracer(frame, event, arg):
                if event == "return" and frame.f_code is run.__code__:
                    state["variables"] = report.variables(frame.f_locals, (Context,))
            # The pumps wait in read() before profiling starts: a pump thread still starting
            # up while cProfile records garbled its call stack (the profile lost `run` in
            # about one debug run in three). Only debug mode waits for them.
            for lock in ready:
                lock.acquire()
            sys.setprofile(tracer)
            profiler.enable()
        result = run(request.get("inputs", {}), Context(request))
        if debug:
            profiler.disable()
            sys.setprofile(None)
        json.dumps(result)
        message = {"type": "result", "ok": True, "output": result}
    except MemoryError:
        message = {"type": "result", "ok": False, "error": {
            "type": "resource_limit", "message": "the step ran out of memory (MemoryError)"}}
    except BaseException as exc:  # everything the user code throws is the step's failure
        if debug and profiler is not None:
            profiler.disable()
            sys.setprofile(None)
        tb = exc.__traceback__
        frames = report.frames(tb, filename, request.get("code", ""))
        own = report.innermost_own_frame(tb, filename) if debug else None
        if own is not None:
            state["variables"] = report.variables(own.f_locals, (Context,))
        kind = "code_error"
        text = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, TypeError) and "JSON serializable" in str(exc):
            kind, text = "output_error", f"the output is not JSON: {exc}"
        elif isinstance(exc, OSError) and getattr(exc, "errno", 0) == 11:
            kind, text = "resource_limit", "process limit reached (cannot start more processes)"
        elif isinstance(exc, OSError) and getattr(exc, "errno", 0) == 27:
            kind, text = "resource_limit", "file size limit reached (a file grew too large)"
        message = {"type": "result", "ok": False, "error": {
            "type": kind, "message": text[:4000], "exception": type(exc).__name__,
            "frames": frames,
            "traceback": report.user_traceback(filename, frames, exc)[-8000:],
        }}
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    if debug:
        message["debug"] = {"variables": state.get("variables", {}),
                            "profile": report.profile_rows(profiler, filename,
                                                     request.get("step_id"))}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    message["usage"] = {"max_rss_mb": usage.ru_maxrss / 1024,
                        "cpu_s": usage.ru_utime + usage.ru_stime}
    send(message)


def _prctl(option, value):
    try:
        import ctypes  # noqa: PLC0415 - stdlib, loaded once per process

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _become_subreaper():
    """Orphans of a step (killed fork-bomb processes) become our children, so we reap them
    instead of leaving zombies that keep counting against the step uid's process limit.
    And die with our parent (the worker), so no sandbox outlives the worker."""
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _reap_zombies():
    """Reap every exited child; True while some children are still alive."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


# Without bubblewrap the step's uid may not be able to read the interpreter's directory
# (e.g. Python under a private /root): modules loaded here, before the fork, still work.
PRELOAD = ("base64", "collections", "csv", "datetime", "decimal", "functools", "hashlib",
           "itertools", "math", "random", "re", "socket", "statistics", "string",
           "textwrap", "urllib.parse", "uuid", "zoneinfo")


def _preload():
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _fork_spare():
    """A child forked ahead, waiting for its request on a pipe; (pid, the pipe's write end).
    It exits without running anything if the pipe closes first (the server stopped)."""
    inbox, outbox = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(outbox)
            with os.fdopen(inbox, "rb") as pipe:
                raw = pipe.readline()
            if raw:
                child(json.loads(raw))
        finally:
            os._exit(0)
    os.close(inbox)
    return pid, outbox


def _list_packages():
    """Read the environment's directories once here, so each step's child finds its packages
    without listing them again (import machinery caches only; no package code runs)."""
    import importlib.machinery

    folders = [PACKAGES] + [os.path.join(PACKAGES, name) for name in os.listdir(PACKAGES)
                            if os.path.isdir(os.path.join(PACKAGES, name))]
    for folder in folders:
        importlib.machinery.PathFinder.find_spec("_runtime_engine_nothing_", [folder])


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if PACKAGES:
        sys.path.append(PACKAGES)
        _list_packages()
    _become_subreaper()
    if not IN_BWRAP:
        _preload()
    spare = _fork_spare()
    for raw in sys.stdin.buffer:
        try:
            json.loads(raw)
        except ValueError:
            continue
        pid, outbox = spare
        # A child that died waiting is reported below as an exit with no result.
        with contextlib.suppress(OSError):
            os.write(outbox, raw if raw.endswith(b"\n") else raw + b"\n")
        os.close(outbox)
        _, status = os.waitpid(pid, 0)
        _reap_step_leftovers()  # no other child is alive now: the next one is forked below
        send({"type": "exit", "code": os.waitstatus_to_exitcode(status)})
        spare = _fork_spare()


def _reap_step_leftovers():
    """Kill every process the step left (fork bombs, daemons) and empty the sandbox /tmp."""
    if os.getuid() == 0:
        reaper = os.fork()
        if reaper == 0:
            try:
                os.setgid(STEP_UID)
                os.setuid(STEP_UID)
                os.kill(-1, signal.SIGKILL)  # as the step uid: all of its processes, no others
            except OSError:
                pass
            os._exit(0)
        os.waitpid(reaper, 0)
    deadline = time.monotonic() + 2
    while _reap_zombies() and time.monotonic() < deadline:
        time.sleep(0.01)
    if IN_BWRAP:
        for name in os.listdir("/tmp"):
            path = os.path.join("/tmp", name)
            try:
                if os.lstat(path).st_uid == 0:
                    continue  # ours (e.g. the parents of a bound checkout), not the step's
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
            except OSError:
                pass


if __name__ == "__main__":
    main()
