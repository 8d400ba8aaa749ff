"""gunicorn in the production configuration (gunicorn.conf.py), started and stopped by a program.

One launcher for bench/run (bench/harness.py), bench/faults (bench/faults.py) and the
multi-process tests (tests/multiprocess): start gunicorn on 127.0.0.1 with an environment of
the caller's, wait until /healthz answers 200, stop it by its pid (the signal, 20 s, then
SIGKILL to its process group). No Django here: the server runs in its own processes.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CONFIG = ROOT / "gunicorn.conf.py"
# Variables of the caller's shell that would change the server's settings: dropped, so that the
# server runs the production configuration plus only what the caller sets.
CALLER_PREFIXES = ("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "AXES_")
CALLER_NAMES = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "WEB_CONCURRENCY")


class ServerError(RuntimeError):
    """gunicorn exited, did not answer in time, or its port was taken."""


def free_port():
    """A port on HOST that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(**settings):
    """This process's environment less the variables that configure the app, plus production
    settings (DEBUG off, a fresh SECRET_KEY, plain HTTP on HOST) and `settings` (the database,
    the cache and whatever else the caller chooses), as strings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(CALLER_PREFIXES) and k not in CALLER_NAMES
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="aipdash.settings",
    )
    env.update({k: str(v) for k, v in settings.items()})
    return env


class Gunicorn:
    """One gunicorn master (and its workers) on HOST.

    env: the whole environment of the server (see production_env); GUNICORN_BIND is added.
    port: a fixed port (refused if something listens there), or a free one when None.
    log: the server's log file. gunicorn writes its own log there (GUNICORN_ERRORLOG), or, with
        capture_output, everything the processes print (Django's log on stderr included).
    pidfile: where the master writes its pid (GUNICORN_PIDFILE), for a shell trap's clean-up.
    start_timeout: seconds for /healthz to answer 200; probe_timeout: seconds for one probe.
    name: a label for the messages ("gunicorn a").
    stop_signal: SIGTERM lets requests finish (graceful_timeout); SIGINT stops at once.
    """

    def __init__(
        self,
        env,
        *,
        log,
        port=None,
        name="",
        capture_output=False,
        pidfile=None,
        cwd=ROOT,
        executable=None,
        start_timeout=60,
        probe_timeout=2,
        stop_signal=signal.SIGTERM,
        preexec_fn=None,
    ):
        self.fixed_port = port is not None
        self.port = port if port is not None else free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.name = name
        self.label = f"gunicorn {name}" if name else "gunicorn"
        self.log = Path(log)
        self.capture_output = capture_output
        self.env = dict(env, GUNICORN_BIND=f"{HOST}:{self.port}")
        if not capture_output:
            self.env["GUNICORN_ERRORLOG"] = str(self.log)
        if pidfile:
            self.env["GUNICORN_PIDFILE"] = str(pidfile)
        self.cwd = cwd
        self.executable = executable or Path(sys.executable).parent / "gunicorn"
        self.start_timeout = start_timeout
        self.probe_timeout = probe_timeout
        self.stop_signal = stop_signal
        self.preexec_fn = preexec_fn
        self.process = None
        self._output = None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def start(self, *, wait=True):
        """Start the master; with wait, return once /healthz answers 200 (else ServerError)."""
        if self.fixed_port and self.answers_on_port():
            raise ServerError(f"port {self.port} is in use: stop that server or use another port")
        if self.capture_output:
            self._output = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own server)
            [self.executable, "-c", CONFIG],
            cwd=self.cwd,
            env=self.env,
            stdout=self._output,
            stderr=subprocess.STDOUT if self._output else None,
            start_new_session=True,  # its own process group: SIGKILL reaches the workers too
            preexec_fn=self.preexec_fn,
        )
        if wait:
            self.wait()

    def wait(self):
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"{self.label} exited ({self.process.returncode}); {self.log}:\n{self.tail()}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.healthz() == 200:
                    return
            time.sleep(0.2)
        raise ServerError(
            f"{self.label} did not answer /healthz in {self.start_timeout} s; {self.log}:\n"
            f"{self.tail()}"
        )

    def healthz(self):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.probe_timeout)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def answers_on_port(self):
        probe = socket.socket()
        probe.settimeout(1)
        try:
            probe.connect((HOST, self.port))
        except OSError:
            return False
        finally:
            probe.close()
        return True

    def stop(self):
        """Stop the master by its pid (stop_signal; after 20 s, SIGKILL to its process group)."""
        if self.running:
            self.process.send_signal(self.stop_signal)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
        if self._output:
            self._output.close()
            self._output = None

    def workers(self):
        """The pids of the master's children (its workers), [] when it is gone."""
        if not self.process:
            return []
        pid = self.process.pid
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def tail(self, chars=3000):
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"
