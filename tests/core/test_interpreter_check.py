"""tools/run and tools/test check the Python that runs Odoo before they start anything, and name what it lacks."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import devenv  # noqa: E402

MISSING = "mcs-no-such-package-for-odoo"


@pytest.fixture
def fake_odoo(tmp_path):
    """An Odoo 18 source tree as find_odoo() sees it, requiring an importable package and a missing one."""
    (tmp_path / "odoo").mkdir()
    (tmp_path / "odoo" / "release.py").write_text("version_info = (18, 0, 0, 'final', 0, '')\nversion = '18.0'\n",
                                                  encoding="utf-8")
    (tmp_path / "odoo-bin").write_text("#!/usr/bin/env python3\n", encoding="utf-8")
    (tmp_path / "requirements.txt").write_text(
        f"pytest\n{MISSING}==1.0 ; python_version >= '3.10'\n"
        "mcs-windows-only==1.0 ; sys_platform == 'win32'\n", encoding="utf-8")
    return tmp_path


def odoo_at(path, monkeypatch):
    monkeypatch.setenv("ODOO_PATH", str(path))
    monkeypatch.delenv("ODOO_PYTHON", raising=False)
    return devenv.find_odoo()


def test_a_missing_requirement_is_named_with_the_command_that_installs_it(fake_odoo, monkeypatch):
    with pytest.raises(devenv.DevEnvError) as raised:
        devenv.check_interpreter(odoo_at(fake_odoo, monkeypatch))
    message = str(raised.value)
    assert f"cannot import {MISSING.replace('-', '_')}:" in message
    assert "windows" not in message  # the colon above: pytest (importable) is not listed either
    assert f"tools/odoo_deps.py {fake_odoo}" in message
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence


def test_an_interpreter_with_everything_passes(fake_odoo, monkeypatch):
    (fake_odoo / "requirements.txt").write_text("pytest\n", encoding="utf-8")
    devenv.check_interpreter(odoo_at(fake_odoo, monkeypatch))


def test_an_old_python_is_named(fake_odoo, monkeypatch, tmp_path_factory):
    (fake_odoo / "requirements.txt").write_text("pytest\n", encoding="utf-8")
    old_python = tmp_path_factory.mktemp("bin") / "python3.9"
    old_python.write_text('#!/bin/sh\necho \'{"version": [3, 9, 2], "missing": []}\'\n', encoding="utf-8")
    old_python.chmod(0o755)
    with pytest.raises(devenv.DevEnvError, match=r"is Python 3\.9\.2 and Odoo 18 needs 3\.10 or newer"):
        devenv.check_interpreter(odoo_at(fake_odoo, monkeypatch), probe_python=str(old_python))


@pytest.mark.parametrize("command", [["tools/run"], ["tools/test", "--odoo"]])
def test_the_tools_stop_before_starting_anything(fake_odoo, command):
    env = {**os.environ, "ODOO_PATH": str(fake_odoo)}
    env.pop("ODOO_PYTHON", None)
    proc = subprocess.run([sys.executable, *command], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 2
    assert f"cannot import {MISSING.replace('-', '_')}" in proc.stderr
    assert "PostgreSQL" not in proc.stdout  # no cluster was started
