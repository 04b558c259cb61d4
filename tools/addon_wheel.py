"""PEP 517 build backend of this add-on: whool, building from a staged copy named after the add-on.

whool (the OCA build backend) makes ``odoo-addon-<folder name>`` from ``__manifest__.py`` and ships
every file under git; it has no option to leave files out, and a clone is often not called
``mailchimp_sync`` (e.g. ``main``). So the wheel and the sdist are built by whool's own hooks from a
temporary copy, ``<tmp>/mailchimp_sync``, holding:

* the files git lists (tracked, or untracked and not ignored), or every file when building from an
  sdist (no git there), less what ``[tool.mailchimp_sync.wheel] exclude`` names, for a wheel;
* a ``PKG-INFO`` with whool's metadata computed for the checkout (version from the manifest and the
  git history, as whool does), under the add-on's name; whool reads it instead of computing again.

``pip wheel . -C with-tests=true`` keeps ``with-tests-keeps`` (the tests and the stand-ins they import)
in the wheel, for running the Odoo tests from an installed wheel. An editable install is whool's own
(it links the checkout, so the clone's folder must be called ``mailchimp_sync``).
"""
import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from manifestoo_core.metadata import metadata_from_addon_dir
from whool import buildapi as whool

try:
    import tomllib
except ImportError:  # Python < 3.11: whool depends on tomli there
    import tomli as tomllib

build_editable = whool.build_editable
prepare_metadata_for_build_editable = whool.prepare_metadata_for_build_editable

TRUE = {"1", "true", "yes", "on"}


def options(source):
    with open(source / "pyproject.toml", "rb") as f:
        return tomllib.load(f).get("tool", {})


def excluded(source, config_settings):
    """The top-level names (folders or files) of the add-on that the wheel leaves out."""
    wheel = options(source).get("mailchimp_sync", {}).get("wheel", {})
    names = set(wheel.get("exclude", []))
    if str((config_settings or {}).get("with-tests", "")).lower() in TRUE:
        names -= set(wheel.get("with-tests-keeps", []))
    return names


def source_files(source):
    """The add-on's files, relative to ``source``: git's list, or every file of an unpacked sdist."""
    if (source / "PKG-INFO").exists():
        return [str(path.relative_to(source)) for path in source.rglob("*") if path.is_file()]
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=source, capture_output=True, check=True)
    return [name for name in out.stdout.decode().split("\0") if name and (source / name).is_file()]


def metadata(source, addon_name, tmp):
    """whool's metadata of the checkout, computed through a link named after the add-on."""
    if (source / "PKG-INFO").exists():
        return (source / "PKG-INFO").read_text(encoding="utf-8")
    link = Path(tmp) / "link" / addon_name
    link.parent.mkdir()
    link.symlink_to(source, target_is_directory=True)
    return metadata_from_addon_dir(link, options(source).get("whool", {})).as_string()


@contextlib.contextmanager
def staged(leave_out=()):
    """Work in ``<tmp>/<addon>``: the add-on's files (less ``leave_out``) and its PKG-INFO."""
    source = Path.cwd()
    addon_name = options(source)["mailchimp_sync"]["wheel"]["addon-name"]
    with tempfile.TemporaryDirectory(prefix="addon-wheel-") as tmp:
        stage = Path(tmp) / "stage" / addon_name
        for name in source_files(source):
            if name.split("/", 1)[0] in leave_out:
                continue
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, stage / name)
        (stage / "PKG-INFO").write_text(metadata(source, addon_name, tmp), encoding="utf-8")
        os.chdir(stage)
        try:
            yield
        finally:
            os.chdir(source)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with staged(excluded(Path.cwd(), config_settings)):
        return whool.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = os.path.abspath(sdist_directory)
    with staged():
        return whool.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = os.path.abspath(metadata_directory)
    with staged(excluded(Path.cwd(), config_settings)):
        return whool.prepare_metadata_for_build_wheel(metadata_directory, config_settings)
