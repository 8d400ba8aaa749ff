"""The production kit in deploy/ (docs/operations.md, "Production") stays true to the code.

- The example environment lists exactly the variables the app (settings, logs, gunicorn.conf.py)
  and the deploy scripts read, each with its comment; the lines commented out give the very
  defaults the code has; filled in, it passes `check --deploy`.
- The systemd units run files, commands and a WSGI application that exist, carry their
  hardening, pass `systemd-analyze verify`, and the web unit's command line, with the example
  environment, starts gunicorn, tells systemd it is ready (Type=notify) and answers /healthz.
- Every management command docs/operations.md names exists.
"""

import ast
import importlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import get_commands

from bench.server import HOST, free_port

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "aipdash.env.example"
UNITS = DEPLOY / "systemd"
SCRIPTS = [DEPLOY / "backup", DEPLOY / "manage"]
OPERATIONS = ROOT / "docs" / "operations.md"
# Where the units expect the checkout; here, this one.
CHECKOUT = "/srv/aipdash"
# The Python that runs in production: the packages, and the two files at the root.
APP_SOURCES = [
    *(
        path
        for package in ("aipdash", "api", "partners", "projects")
        for path in (ROOT / package).rglob("*.py")
    ),
    ROOT / "manage.py",
    ROOT / "gunicorn.conf.py",
]

VARIABLE_LINE = re.compile(r"#?([A-Z][A-Z0-9_]*)=(.*)")


# --- The example environment -------------------------------------------------------------------


def example_lines():
    """(name, value, set) for each variable line of the example; set: not commented out."""
    lines = []
    for line in EXAMPLE.read_text().splitlines():
        if match := VARIABLE_LINE.fullmatch(line):
            name, value = match.groups()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            lines.append((name, value, not line.startswith("#")))
    return lines


def example_env(*, defaults=False):
    """The example as an environment: the lines set, plus those commented out with defaults;
    SECRET_KEY filled in (the example leaves it empty)."""
    env = {name: value for name, value, is_set in example_lines() if is_set or defaults}
    return {**env, "SECRET_KEY": secrets.token_urlsafe(50)}


def python_reads(path):
    """The variables a Python file reads from the environment (django-environ's `env.X("NAME")`,
    os.environ.get / [] / getenv), by its syntax tree. A read by a name the tree can't resolve
    fails: the test must learn it rather than miss it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names, helpers = set(), set()  # helpers: functions whose first parameter is a variable name

    def variable_name(node, function):
        argument = node.args[0] if node.args else None
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return argument.value
        if (
            isinstance(argument, ast.Name)
            and function is not None
            and function.args.args
            and function.args.args[0].arg == argument.id
        ):
            helpers.add(function.name)
            return None
        raise AssertionError(f"{path}:{node.lineno}: an environment read the test can't name")

    def visit(node, function=None):
        if isinstance(node, ast.FunctionDef):
            function = node
        if isinstance(node, ast.Call):
            func = node.func
            reads = isinstance(func, ast.Attribute) and (
                (isinstance(func.value, ast.Name) and func.value.id == "env")
                or ast.unparse(func) in ("os.environ.get", "os.getenv")
            )
            if reads and (name := variable_name(node, function)):
                names.add(name)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(node.slice.value)
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree)
    for node in ast.walk(tree):  # calls of the helpers found, such as throttle_rate("NAME", ...)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in helpers
        ):
            names.add(node.args[0].value)
    return names


def shell_reads(path):
    """The variables a deploy script reads: its upper-case ones (its own are lower case)."""
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", path.read_text()))


def test_the_example_lists_every_variable_read_and_nothing_else():
    read = set().union(*map(python_reads, APP_SOURCES), *map(shell_reads, SCRIPTS))
    assert {"SECRET_KEY", "API_THROTTLE_RATE", "LOG_FORMAT", "GUNICORN_BIND"} <= read
    listed = [name for name, _, _ in example_lines()]
    assert len(listed) == len(set(listed)), "a variable listed twice"
    assert not read - set(listed), f"read but not in {EXAMPLE.name}"
    assert not set(listed) - read, f"in {EXAMPLE.name} but read nowhere"


def test_each_variable_has_its_comment_and_no_secret():
    lines = EXAMPLE.read_text().splitlines()
    for number, line in enumerate(lines):
        if VARIABLE_LINE.fullmatch(line):
            above = lines[number - 1]
            assert above.startswith("# ") and not VARIABLE_LINE.fullmatch(above[1:].strip()), (
                f"{line!r} has no comment line above it"
            )
    values = {name: value for name, value, _ in example_lines()}
    assert values["SECRET_KEY"] == "", "the example must not carry a key anyone could deploy"
    assert values["DEBUG"] == "false"


def test_every_variable_is_in_the_operations_table():
    text = OPERATIONS.read_text()
    missing = [name for name, _, _ in example_lines() if f"| `{name}` |" not in text]
    assert not missing, f"not in docs/operations.md's table: {missing}"


def clean_env(env):
    """Only the example's variables (and PATH): nothing of the test suite's own settings."""
    return {"PATH": os.environ["PATH"], **env}


def run(args, env, **kwargs):
    return subprocess.run(
        args, cwd=ROOT, env=clean_env(env), capture_output=True, text=True, timeout=120, **kwargs
    )


def test_the_example_filled_in_passes_check_deploy():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        example_env(),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_example_without_a_key_refuses_to_start():
    result = run([sys.executable, "manage.py", "check"], {**example_env(), "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# Every setting Django ends with, and gunicorn's configuration, as text (without the addresses
# of objects, which differ between processes).
CONFIGURATION = """
import json, os, re, runpy
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aipdash.settings")
import django
django.setup()
from django.conf import settings
text = lambda value: re.sub(r" at 0x[0-9a-f]+", "", repr(value))
django_settings = {name: text(getattr(settings, name)) for name in dir(settings) if name.isupper()}
gunicorn = {k: text(v) for k, v in runpy.run_path("gunicorn.conf.py").items() if k[0] != "_"}
print(json.dumps({"django": django_settings, "gunicorn": gunicorn}))
"""


def test_the_lines_commented_out_are_the_defaults():
    key = secrets.token_urlsafe(50)
    configurations = [
        json.loads(
            run(
                [sys.executable, "-c", CONFIGURATION],
                {**example_env(defaults=d), "SECRET_KEY": key},
                check=True,
            ).stdout
        )
        for d in (False, True)
    ]
    plain, with_defaults = configurations
    differ = [
        f"{part}.{name}"
        for part in plain
        for name in plain[part].keys() | with_defaults[part].keys()
        if plain[part].get(name) != with_defaults[part].get(name)
    ]
    assert not differ, f"a commented-out line is not the default: {differ}"
    # deploy/backup's defaults are what the example sets.
    backup = (DEPLOY / "backup").read_text()
    for name, value, _ in example_lines():
        if name.startswith("BACKUP_"):
            assert f"${{{name}:-{value}}}" in backup


# --- The systemd units ---------------------------------------------------------------------------


def unit(path):
    """A unit file as {section: [(key, value)...]} (keys may repeat, as ExecStart= does)."""
    sections, current = {}, None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            key, _, value = line.partition("=")
            current.append((key, value))
    return sections


def values(unit_file, section, key):
    return [v for k, v in unit_file.get(section, []) if k == key]


SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))


def local(path):
    """A path of the units (under /srv/aipdash) in this checkout."""
    return ROOT / Path(path).relative_to(CHECKOUT)


def test_the_kit_has_the_web_worker_release_and_scheduled_units():
    assert {path.name for path in SERVICES} == {
        "aipdash-web.service",
        "aipdash-worker.service",
        "aipdash-release.service",
        "aipdash-prune-share-links.service",
        "aipdash-backup.service",
    }
    started = {values(unit(path), "Timer", "Unit")[0] for path in TIMERS}
    assert started == {"aipdash-prune-share-links.service", "aipdash-backup.service"}
    for path in TIMERS:
        timer = unit(path)
        assert values(timer, "Timer", "OnCalendar") and values(timer, "Timer", "Persistent")


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.name)
def test_each_service_runs_hardened_with_the_environment_file(path):
    service = dict(unit(path)["Service"])
    assert service["User"] == "aipdash"
    assert service["EnvironmentFile"] == "/etc/aipdash/aipdash.env"
    assert service["WorkingDirectory"] == CHECKOUT
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[key] == value, key


def code(markdown):
    """The code of a Markdown text: its fenced blocks and `inline` spans."""
    return re.findall(r"```.*?```|`[^`\n]+`", markdown, flags=re.DOTALL)


def test_every_command_the_kit_and_the_docs_name_exists():
    commands = set(get_commands())
    texts = [path.read_text() for path in (*SERVICES, *SCRIPTS)] + code(OPERATIONS.read_text())
    named = set()
    for text in texts:
        named |= set(
            re.findall(r"(?:manage\.py|deploy/manage)\s+(?:--\S+\s+\S+\s+)*([a-z_]+)", text)
        )
    assert {"migrate", "collectstatic", "prune_share_links", "export_portfolio"} <= named
    assert {"createsuperuser", "import_portfolio", "axes_reset"} <= named  # (from the docs)
    assert not named - commands, f"no such management command: {named - commands}"
    for path in SERVICES:
        for line in values(unit(path), "Service", "ExecStart"):
            program = local(line.split()[0])
            assert program.is_file() and os.access(program, os.X_OK), line


def test_the_web_unit_runs_gunicorn_on_the_wsgi_application():
    web = unit(UNITS / "aipdash-web.service")
    service = dict(web["Service"])
    assert service["Type"] == "notify" and service["Restart"] == "on-failure"
    program, *args = service["ExecStart"].split()
    assert program.endswith("/.venv/bin/gunicorn")
    assert local(args[args.index("--config") + 1]).is_file()
    module, _, name = args[-1].partition(":")
    assert callable(getattr(importlib.import_module(module), name))


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="no systemd-analyze here")
def test_the_units_pass_systemd_analyze_verify(tmp_path):
    # The units as they would be with this checkout at /srv/aipdash: their programs exist.
    for path in (*SERVICES, *TIMERS):
        (tmp_path / path.name).write_text(path.read_text().replace(CHECKOUT, str(ROOT)))
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *sorted(map(str, tmp_path.iterdir()))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # Warnings (an unknown key, a missing program) go to stderr without failing the run.
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_web_unit_starts_tells_systemd_and_answers_healthz(tmp_path):
    command = dict(unit(UNITS / "aipdash-web.service")["Service"])["ExecStart"]
    port = free_port()
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify_address = f"aipdash-kit-{os.getpid()}-{port}"
    notify.bind("\0" + notify_address)  # an abstract socket, as systemd's NOTIFY_SOCKET may be
    notify.settimeout(60)
    env = clean_env(
        {
            **example_env(),
            # A database and cache of this test's own; the rest as in the example.
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "REDIS_URL": "",
            "GUNICORN_BIND": f"{HOST}:{port}",
            "WEB_CONCURRENCY": "1",
            "NOTIFY_SOCKET": "@" + notify_address,
            # The release unit's collectstatic writes the manifest the example's storage reads;
            # a clean checkout has none, and the 400 page's {% static %} would fail on it.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        }
    )
    log = (tmp_path / "web.log").open("wb")
    server = subprocess.Popen(  # the unit's own command line
        command.replace(CHECKOUT, str(ROOT)).split(),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert notify.recv(4096).startswith(b"READY=1")

        def healthz(host):
            request = urllib.request.Request(
                f"http://{HOST}:{port}/healthz", headers={"Host": host}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as error:
                return error.code, None

        deadline = time.monotonic() + 30
        while (answer := healthz("aip.example.com"))[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert answer == (200, answer[1]) and answer[1]["status"] == "ok"
        # Plain HTTP from the probe is not redirected; a Host outside ALLOWED_HOSTS is refused
        # (docs/operations.md: the load balancer's probe must send an allowed one).
        assert healthz(f"{HOST}:{port}")[0] == 400
    finally:
        notify.close()
        server.terminate()
        server.wait(timeout=30)
        log.close()
    lines = (tmp_path / "web.log").read_text().splitlines()
    assert lines and all(json.loads(line)["level"] for line in lines)
