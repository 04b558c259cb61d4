"""tools/odoo_deps.py: Odoo's requirements, changed where they do not install on a fresh Python 3.11."""
import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "odoo_deps.py"
spec = importlib.util.spec_from_file_location("odoo_deps", TOOL)
odoo_deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(odoo_deps)

ODOO_LINES = """\
# comment kept
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
psycopg2==2.9.5 ; python_version == '3.11'
python-ldap==3.4.0 ; sys_platform != 'win32' and python_version < '3.12' # min version
pytz  # no version pinning
requests==2.31.0 ; python_version >= '3.11' # (Noble)
"""


def test_the_three_lines_that_build_from_source_are_changed_and_the_rest_kept():
    lines = odoo_deps.recipe(ODOO_LINES).splitlines()
    assert lines == [
        "# comment kept",
        "cbor2==5.6.2 ; python_version < '3.12'",
        "cbor2==5.6.2 ; python_version >= '3.12'",
        "psycopg2-binary==2.9.5 ; python_version == '3.11'",
        "pytz  # no version pinning",
        "requests==2.31.0 ; python_version >= '3.11' # (Noble)",
        "websocket-client",
    ]


def test_the_shared_odoo_tree_gets_no_line_that_builds_from_source():
    requirements = odoo_deps.DEFAULT_ODOO / "requirements.txt"
    if not requirements.is_file():
        pytest.skip("no Odoo tree beside this clone: the recipe is checked on the sample above")
    text = odoo_deps.recipe(requirements.read_text(encoding="utf-8"))
    names = {odoo_deps.REQUIREMENT.match(line)["name"].lower()
             for line in text.splitlines() if odoo_deps.REQUIREMENT.match(line)}
    assert {"psycopg2-binary", "websocket-client", "cbor2"} <= names
    assert not {"psycopg2", "python-ldap"} & names
    assert "cbor2==5.4.2" not in text


def test_the_constraints_pin_what_the_recipe_installs_and_let_the_unchanged_file_pin_its_own():
    text = odoo_deps.CONSTRAINTS.read_text(encoding="utf-8")
    assert "setuptools<70" in text.splitlines()
    assert 'cbor2==5.6.2 ; python_version == "3.11"' in text
    unchanged = odoo_deps.constraints(text, unchanged=True)
    assert "setuptools<70" in unchanged.splitlines()
    assert not [line for line in unchanged.splitlines() if line.startswith(("cbor2", "psycopg2"))]
    assert 'lxml==4.9.3 ; python_version == "3.11"' in unchanged
