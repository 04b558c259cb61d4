#!/usr/bin/env python3
"""Install the Python requirements of an Odoo 18 tree into this Python, the way that works on a fresh Python 3.11.

``pip install -r <odoo>/requirements.txt`` fails on a fresh Python 3.11 (Debian 12) without
system headers: three of its pins build from source there. This recipe installs the same list
with those three lines changed, plus what Odoo's browser tests need and the file does not name:

=================  ==========================================================================
``psycopg2``       becomes ``psycopg2-binary`` at the same version: the source package needs
                   ``libpq-dev`` and ``pg_config``; the binary wheel bundles libpq.
``python-ldap``    left out: only the ``auth_ldap`` add-on imports it, and it needs
                   ``libldap2-dev libsasl2-dev`` to build.
``cbor2==5.4.2``   becomes ``cbor2==5.6.2`` (the version Odoo pins for Python 3.12), which has
                   wheels for 3.11: 5.4.2 builds from source and needs ``pkg_resources``
                   (setuptools < 70). Only passkeys (``auth_passkey``) use it.
``websocket-client`` added: Odoo's ``HttpCase.browser_js`` (the tours) talks to Chromium through
                   it, and skips every tour with a warning when it is missing.
=================  ==========================================================================

The versions come from ``tools/odoo-constraints.txt`` (passed to pip as ``PIP_CONSTRAINT``, so
that it holds in pip's build environments too): every package, Odoo's dependencies' dependencies
included, at the version that installed together in a fresh Python 3.11 venv; its lines apply to
Python 3.11 only. It also caps ``setuptools`` below 70 for the packages built from source.

``--unchanged`` installs Odoo's ``requirements.txt`` as it is, building ``psycopg2``,
``python-ldap`` and ``cbor2==5.4.2`` from source: it needs ``build-essential python3-dev
libpq-dev libldap2-dev libsasl2-dev`` (Debian packages) and the setuptools cap above, which
cbor2 5.4.2's build needs (``pkg_resources``).

Usage: ``tools/odoo_deps.py [ODOO_PATH]`` (default ``$ODOO_PATH``, else ``../shared/odoo18``
beside the repository). ``--print`` writes the changed requirements to stdout instead of
installing them.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ODOO = REPO_ROOT.parent / "shared" / "odoo18"
CONSTRAINTS = Path(__file__).resolve().parent / "odoo-constraints.txt"

#: requirement name → what replaces its line: a new name (same version and marker), a
#: ``(name, version)`` pair, or None to leave the line out.
REPLACEMENTS = {
    "psycopg2": "psycopg2-binary",
    "python-ldap": None,
    "cbor2": ("cbor2", "5.6.2"),
}
EXTRA = ["websocket-client"]

REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<pin>==\s*[^;#\s]+)?(?P<rest>.*)$")


def recipe(requirements_text):
    """The lines of Odoo's ``requirements.txt`` with :data:`REPLACEMENTS` applied, then :data:`EXTRA`."""
    lines = []
    for line in requirements_text.splitlines():
        match = REQUIREMENT.match(line.strip())
        if not match or match["name"].lower() not in REPLACEMENTS:
            lines.append(line)
            continue
        replacement = REPLACEMENTS[match["name"].lower()]
        if replacement is None:
            continue
        name, pin = (replacement, match["pin"] or "") if isinstance(replacement, str) else (
            replacement[0], f"=={replacement[1]}")
        lines.append(f"{name}{pin}{match['rest']}")
    return "\n".join([*lines, *EXTRA]) + "\n"


def constraints(text, unchanged=False):
    """``tools/odoo-constraints.txt``; for ``--unchanged``, without the pins of what :data:`REPLACEMENTS`
    changes (Odoo's own pins of cbor2 and psycopg2 hold then)."""
    if not unchanged:
        return text
    changed = set(REPLACEMENTS)
    changed |= {value if isinstance(value, str) else value[0] for value in REPLACEMENTS.values() if value}
    kept = [line for line in text.splitlines()
            if not (REQUIREMENT.match(line.strip()) and REQUIREMENT.match(line.strip())["name"].lower() in changed)]
    return "\n".join(kept) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("odoo_path", nargs="?", default=os.environ.get("ODOO_PATH") or str(DEFAULT_ODOO))
    parser.add_argument("--print", action="store_true", help="print the changed requirements, install nothing")
    parser.add_argument("--unchanged", action="store_true",
                        help="Odoo's requirements as they are (builds psycopg2, python-ldap, cbor2: system headers)")
    args = parser.parse_args(argv)
    requirements = Path(args.odoo_path) / "requirements.txt"
    if not requirements.is_file():
        sys.exit(f"tools/odoo_deps.py: no Odoo requirements.txt at {requirements}")
    original = requirements.read_text(encoding="utf-8")
    text = original if args.unchanged else recipe(original)
    if args.print:
        sys.stdout.write(text)
        return 0
    with tempfile.NamedTemporaryFile("w", suffix="-odoo-requirements.txt", encoding="utf-8") as fixed, \
            tempfile.NamedTemporaryFile("w", suffix="-odoo-constraints.txt", encoding="utf-8") as pins:
        fixed.write(text)
        fixed.flush()
        pins.write(constraints(CONSTRAINTS.read_text(encoding="utf-8"), args.unchanged))
        pins.flush()
        env = {**os.environ, "PIP_CONSTRAINT": pins.name}
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", fixed.name]
        changes = "as it is" if args.unchanged else "with tools/odoo_deps.py's changes"
        print(f"== PIP_CONSTRAINT={CONSTRAINTS.relative_to(REPO_ROOT)} {' '.join(cmd[:-1])} <{requirements} {changes}>",
              flush=True)
        return subprocess.run(cmd, check=False, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
