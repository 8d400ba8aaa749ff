"""The pre-commit hooks (.pre-commit-config.yaml) find nothing to change: django-upgrade's
rewrites for the Django of the hook are all made. `make lint` runs ruff's hooks; django-upgrade
has no check mode (it rewrites files), so this runs it, as the hook does, on a copy of the
tracked Python files."""

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _hook_arguments(hook_id: str) -> list[str]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == hook_id]
    return shlex.split(hook["entry"])[1:]  # the program is .venv's; its options as written


def test_django_upgrade_finds_nothing_to_rewrite(tmp_path):
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    tracked = subprocess.run(
        [git, "ls-files", "*.py"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    for name in tracked:
        copy = tmp_path / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, copy)

    done = subprocess.run(
        [sys.executable, "-m", "django_upgrade", *_hook_arguments("django-upgrade"), *tracked],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert len(tracked) > 100
    assert "--target-version" in _hook_arguments("django-upgrade")
    assert done.returncode == 0, done.stdout + done.stderr  # "Rewriting <file>" for each
