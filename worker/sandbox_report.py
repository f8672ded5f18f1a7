"""What a python step's run reports about the user's own code: its traceback mapped to the
node's lines, and in debug mode its variables and its profile. Stdlib only: the sandbox
server (worker/sandbox_server.py) loads it from beside itself, inside the sandbox."""

import pstats
import sys
import traceback

MAX_REPR = 500


def frames(tb, filename, code):
    lines = code.splitlines()
    frames = []
    for frame in traceback.extract_tb(tb):
        if frame.filename == filename:
            text = lines[frame.lineno - 1].strip() if 0 < (frame.lineno or 0) <= len(lines) else ""
            frames.append({"line": frame.lineno, "function": frame.name, "code": text})
    return frames


def user_traceback(filename, frames, exc):
    """A traceback of the user's own frames only, with their code lines."""
    out = ["Traceback (most recent call last):"]
    for frame in frames:
        out.append(f'  File "{filename}", line {frame["line"]}, in {frame["function"]}')
        if frame["code"]:
            out.append(f"    {frame['code']}")
    out.extend(line.rstrip("\n") for line in traceback.format_exception_only(exc))
    return "\n".join(out)


def variables(names, hidden):
    """The step's own variables as {name: {type, value}}: a value's repr cut to MAX_REPR;
    not instances of `hidden` (the step's ctx), modules, dunder names or names no code can
    write (a generator's ".0"), which are the sandbox's and the interpreter's."""
    out = {}
    for name, value in list(names.items())[:50]:
        if (name.startswith("__") or not name.isidentifier()
                or isinstance(value, (*hidden, type(sys)))):
            continue
        try:
            text = repr(value)
        except Exception as exc:  # a user __repr__ may raise
            text = f"<unrepresentable: {type(exc).__name__}>"
        out[name] = {"type": type(value).__name__, "value": text[:MAX_REPR]}
    return out


def innermost_own_frame(tb, filename):
    """The innermost frame of the node's own code in a traceback (not a library's)."""
    frame = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            frame = tb.tb_frame
        tb = tb.tb_next
    return frame


def profile_rows(profiler, filename, node):
    """The node's own functions, slowest (cumulative time) first, each located by node and
    line: the library and built-in functions they call count in their cumulative time, and
    are not listed (their interpreter paths say nothing about the builder's code)."""
    if profiler is None:
        return []
    rows = []
    for (file, line, name), (_cc, nc, tt, ct, _) in pstats.Stats(profiler).stats.items():
        if file != filename:
            continue
        rows.append({"function": name, "node": node, "line": line, "calls": nc,
                     "total_s": round(tt, 6), "cumulative_s": round(ct, 6)})
    rows.sort(key=lambda r: r["cumulative_s"], reverse=True)
    return rows[:25]
