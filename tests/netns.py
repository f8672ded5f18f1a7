"""Hosts on one machine, for the tests and the soak across hosts (docs/scaling.md, "Proved
on one machine"): each host is a network namespace with one veth link to the root namespace,
where this machine's PostgreSQL and Redis run (the services host). A host reaches them at its
link's far address (its gateway), which the root namespace forwards to the loopback ports named
(nftables DNAT, route_localnet), so the services keep listening on loopback only and see their
clients come from 127.0.0.1. A host has no default route: it reaches the exposed ports and
nothing else, and only the root namespace (the test) reaches it.

A partition is a drop-everything nftables table inside the host's own namespace (packets are
lost, not refused: TCP on both sides waits, as across a real cut cable); healing deletes it.
Everything created here carries the run's process id, goes in close() even when the test
fails, and is removed at the next run's start if a killed run left it behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

SUBNET = "10.231"  # a /16 of private space no route on this machine leads to
PREFIX = "re-"  # namespaces re-<pid>-<host>; links and the nftables table say the pid too


def unavailable() -> str | None:
    """Why hosts cannot be made here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root (CI runs as root)"
    missing = [tool for tool in ("ip", "nft") if shutil.which(tool) is None]
    if missing:
        return f"needs {' and '.join(missing)} (Debian's iproute2 and nftables; .ci/run installs them)"
    return None


def _run(*argv: str, stdin: str | None = None) -> str:
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip()}")
    return done.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers() -> None:
    """Namespaces and tables of runs whose process is gone (a run killed before close())."""
    for line in _run("ip", "netns", "list").splitlines():
        name = line.split()[0] if line.split() else ""
        pid = name.split("-")[1] if name.startswith(PREFIX) and name.count("-") >= 2 else ""
        if pid.isdigit() and not _alive(int(pid)):
            _run("ip", "netns", "delete", name)
    for line in _run("nft", "list", "tables").splitlines():
        table = line.split()[-1]
        pid = table.removeprefix("re_")
        if table.startswith("re_") and pid.isdigit() and not _alive(int(pid)):
            _run("nft", "delete", "table", "ip", table)


class Host:
    """One namespace and its link. Commands run in it with `command(argv)`."""

    def __init__(self, network: Network, index: int, name: str) -> None:
        self.name = name
        self.index = index
        self.ns = f"{PREFIX}{network.pid}-{name}"
        self.outer = f"re{network.pid}h{index}"[:15]  # the link's end in the root namespace
        self.gateway = f"{SUBNET}.{index}.1"  # where this host finds the services
        self.address = f"{SUBNET}.{index}.2"  # where the root namespace finds this host
        self.partitioned = False

    def create(self) -> None:
        inner = f"{self.outer}i"[:15]
        _run("ip", "netns", "add", self.ns)
        _run("ip", "link", "add", self.outer, "type", "veth", "peer", "name", inner)
        _run("ip", "link", "set", inner, "netns", self.ns)
        _run("ip", "addr", "add", f"{self.gateway}/30", "dev", self.outer)
        _run("ip", "link", "set", self.outer, "up")
        Path(f"/proc/sys/net/ipv4/conf/{self.outer}/route_localnet").write_text("1")
        for argv in (["ip", "addr", "add", f"{self.address}/30", "dev", inner],
                     ["ip", "link", "set", inner, "up"], ["ip", "link", "set", "lo", "up"]):
            _run("ip", "netns", "exec", self.ns, *argv)

    def command(self, argv: list[str]) -> list[str]:
        """argv run on this host: in its namespace, under its own host name (a UTS namespace),
        so a worker's name and the lease owner it writes say which host it is."""
        return ["ip", "netns", "exec", self.ns, "unshare", "--uts", "--", "sh", "-c",
                'hostname "$0" && exec "$@"', self.name, *argv]

    def url(self, url: str) -> str:
        """A service URL as this host must spell it: the loopback host becomes its gateway."""
        parts = urlsplit(url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            return url
        netloc = parts.netloc.replace(parts.hostname, self.gateway, 1)
        return parts._replace(netloc=netloc).geturl()

    def partition(self) -> None:
        """Cut the host off: every packet in or out of its link is dropped."""
        _run("ip", "netns", "exec", self.ns, "nft", "-f", "-", stdin=(
            "table inet cut {\n"
            " chain in { type filter hook input priority 0; policy drop; iifname \"lo\" accept; }\n"
            " chain out { type filter hook output priority 0; policy drop; oifname \"lo\" accept; }\n"
            "}\n"))
        self.partitioned = True

    def heal(self) -> None:
        _run("ip", "netns", "exec", self.ns, "nft", "delete", "table", "inet", "cut")
        self.partitioned = False

    def pids(self) -> list[int]:
        return [int(p) for p in _run("ip", "netns", "pids", self.ns).split()]

    def kill(self) -> None:
        """The host dies: every process in it, at once, with nothing to clean up after."""
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def delete(self) -> None:
        self.kill()
        with contextlib.suppress(RuntimeError):
            _run("ip", "netns", "delete", self.ns)  # takes the link with it


class Network:
    """Hosts linked to the root namespace, each reaching the loopback `ports` at its gateway."""

    def __init__(self, ports: list[int]) -> None:
        reason = unavailable()
        if reason:
            raise RuntimeError(reason)
        remove_leftovers()
        self.pid = os.getpid()
        self.table = f"re_{self.pid}"
        self.hosts: list[Host] = []
        used = _run("ip", "-4", "addr")
        self.free = [i for i in range(1, 255) if f" {SUBNET}.{i}." not in used]
        _run("nft", "-f", "-", stdin=(
            f"table ip {self.table} {{\n"
            "  set ports { type inet_service; }\n"
            "  chain pre { type nat hook prerouting priority dstnat; }\n"
            # Forwarded to loopback, the reply must go back to loopback too: the source
            # becomes 127.0.0.1 (and the services see a local client).
            "  chain local { type nat hook input priority 100;\n"
            f"    ip saddr {SUBNET}.0.0/16 ip daddr 127.0.0.1 snat to 127.0.0.1; }}\n"
            "}\n"))
        for port in ports:
            self.expose(port)

    def expose(self, port: int) -> None:
        """Let every host reach the loopback port `port` at its gateway."""
        _run("nft", "add", "element", "ip", self.table, "ports", f"{{ {port} }}")

    def host(self, name: str) -> Host:
        host = Host(self, self.free.pop(0), name)
        self.hosts.append(host)
        host.create()
        _run("nft", "add", "rule", "ip", self.table, "pre", "iifname", host.outer, "ip",
             "daddr", host.gateway, "tcp", "dport", "@ports", "dnat", "to", "127.0.0.1")
        return host

    def close(self) -> None:
        for host in self.hosts:
            host.delete()
        with contextlib.suppress(RuntimeError):
            _run("nft", "delete", "table", "ip", self.table)

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
