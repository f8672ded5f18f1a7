"""Run the whole platform locally: Redis (found or private), daphne, a Celery worker, Flower.

Ctrl-C stops everything it started, and nothing is left behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from honcho.manager import Manager
from honcho.printer import Printer

from apps.common import stack


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Flower (and a private Redis when needed)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--port", type=int, default=int(os.environ.get("WEB_PORT", "8000")))
        parser.add_argument("--flower-port", type=int,
                            default=int(os.environ.get("FLOWER_PORT", "5555")))
        parser.add_argument("--no-prepare", action="store_true",
                            help="skip migrations, the first login and loading examples")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        ports = stack.StackPorts(web=options["port"], flower=options["flower_port"])
        lock = stack.SingleInstanceLock(Path(settings.VAR_DIR) / "runstack.lock")
        try:
            lock.acquire(f"web http://127.0.0.1:{ports.web}/")
        except stack.StackError as exc:
            raise CommandError(str(exc)) from None
        redis_proc: subprocess.Popen[bytes] | None = None
        try:
            for name, port in (("web", ports.web), ("Flower", ports.flower)):
                if stack.port_in_use(port):
                    flag = "--port" if name == "web" else "--flower-port"
                    raise CommandError(f"port {port} for {name} is taken by another program; "
                                       f"choose another with {flag}")
            env = dict(os.environ)
            redis_url = settings.REDIS_URL
            if stack.redis_reachable(redis_url):
                self.stdout.write(f"Using Redis at {stack.check_url(redis_url)}")
            else:
                redis_proc, redis_url = self._start_private_redis()
            env["REDIS_URL"] = redis_url
            env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE",
                                                                    "config.settings.dev"))
            env["FLOWER_URL"] = f"http://127.0.0.1:{ports.flower}/"
            if not options["no_prepare"]:
                prepared = subprocess.run([sys.executable, "manage.py", "prepare",
                                           "--web-url", f"http://127.0.0.1:{ports.web}/"],
                                          env=env, cwd=settings.BASE_DIR, check=False)
                if prepared.returncode != 0:
                    raise CommandError("preparing the database failed (see above)")
            self._supervise(ports, env)
        finally:
            if redis_proc is not None:
                redis_proc.terminate()
                try:
                    redis_proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    redis_proc.kill()
            left = stack.kill_leftovers(os.getpid())
            if left:
                self.stderr.write(f"stopped {left} process(es) that outlived shutdown")
            lock.release()

    def _start_private_redis(self) -> tuple[subprocess.Popen[bytes], str]:
        port = stack.free_port()
        command = stack.private_redis_command(Path(settings.VAR_DIR), port)
        self.stdout.write(f"No Redis at REDIS_URL; starting a private one on 127.0.0.1:{port}")
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
        url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while not stack.redis_reachable(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise CommandError(f"the private Redis did not start ({' '.join(command)})")
            time.sleep(0.05)
        return proc, url

    def _supervise(self, ports: stack.StackPorts, env: dict[str, str]) -> None:
        # The metrics of processes of an earlier run would be summed with these.
        stack.empty_directory(Path(settings.METRICS_DIR))
        manager = Manager(Printer(sys.stdout))
        commands = stack.process_commands(ports=ports, var_dir=Path(settings.VAR_DIR))
        for name, command in commands.items():
            manager.add_process(name, command, env=env, cwd=str(settings.BASE_DIR))
        self.stdout.write(
            f"Web app  http://127.0.0.1:{ports.web}/\n"
            f"Admin    http://127.0.0.1:{ports.web}/admin/\n"
            f"Flower   http://127.0.0.1:{ports.flower}/\n"
            "Press Ctrl-C to stop everything."
        )
        self.stdout.flush()
        manager.loop()
