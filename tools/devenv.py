"""Shared plumbing for ``tools/test`` and ``tools/run``.

Nothing in here installs or downloads Odoo.  It only:

* finds an Odoo 18 (``ODOO_PATH`` source tree, or an importable ``odoo`` package),
* starts a private PostgreSQL cluster on 127.0.0.1 (as the ``postgres`` system
  user when we are root, because PostgreSQL refuses to run as root),
* builds an addons path in which this repository is visible as ``mailchimp_sync``
  (the clone itself may be called anything, e.g. ``main``),
* starts/stops child processes so that everything started is also stopped
  (also on Ctrl-C / SIGTERM).

Environment variables understood here:

``ODOO_PATH``      Odoo 18 source tree (the folder containing ``odoo-bin``).
``ODOO_PYTHON``    Python interpreter to run Odoo with (default: the one running us).
``MCS_ADDON_DIR``  Use another folder as the ``mailchimp_sync`` addon (tooling tests).
``PG_BINDIR``      Folder with PostgreSQL binaries (default: ``pg_config --bindir``,
                   then the newest ``/usr/lib/postgresql/*/bin``).
``PG_OS_USER``     System user to run PostgreSQL as when we are root (default ``postgres``).
"""
import ast
import contextlib
import glob
import hashlib
import importlib.util
import json
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULE = "mailchimp_sync"
ODOO_MAJOR = 18
DEVENV = REPO_ROOT / ".devenv"  # git-ignored scratch folder (logs, reused dev cluster)
ODOO_DB_USER = "odoo"


class DevEnvError(Exception):
    """A problem the user can fix; the message is printed as-is, without traceback."""


def say(msg=""):
    try:
        print(msg, flush=True)
    except BrokenPipeError:  # e.g. `tools/test | head`: keep going (and cleaning up) silently
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def show_path(path):
    """A path for messages: relative when below the current folder, else absolute."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def addon_dir():
    """The folder that is installed as the ``mailchimp_sync`` addon."""
    path = Path(os.environ.get("MCS_ADDON_DIR") or REPO_ROOT).resolve()
    if not (path / "__manifest__.py").is_file():
        raise DevEnvError(f"{path} is not an Odoo addon (no __manifest__.py)")
    return path


# --------------------------------------------------------------------------- Odoo

@dataclass
class Odoo:
    python: str
    command: list  # argv prefix that starts odoo-bin
    addons_paths: list  # Odoo's own addons folders
    version: str
    location: str  # for messages
    pythonpath: str = None  # folder to put on PYTHONPATH to import odoo (a source tree), or None

    def argv(self, *args):
        return [*self.command, *args]


def _release_info(odoo_pkg_dir):
    """Read odoo/release.py without importing odoo (which needs all of Odoo's deps)."""
    ns = {"__name__": "odoo_release_probe"}
    try:
        code = (Path(odoo_pkg_dir) / "release.py").read_text(encoding="utf-8")
        exec(compile(code, "release.py", "exec"), ns)  # noqa: S102 - plain constants
        return tuple(ns["version_info"]), ns.get("version", "?")
    except (OSError, KeyError, SyntaxError, ValueError, TypeError):
        return None, None


def find_odoo():
    """Return an :class:`Odoo`, or None when no Odoo 18 is available.

    Raises DevEnvError when ODOO_PATH is set but is not an Odoo 18 tree (a typo
    should not silently turn into "Odoo tests skipped").
    """
    python = os.environ.get("ODOO_PYTHON") or sys.executable
    odoo_path = os.environ.get("ODOO_PATH")
    if odoo_path:
        root = Path(odoo_path).expanduser().resolve()
        version_info, version = _release_info(root / "odoo")
        if not (root / "odoo-bin").is_file() or not version_info:
            raise DevEnvError(f"ODOO_PATH={odoo_path} is not an Odoo source tree (no odoo-bin / odoo/release.py)")
        if version_info[0] != ODOO_MAJOR:
            raise DevEnvError(f"ODOO_PATH={odoo_path} is Odoo {version}, this module needs Odoo {ODOO_MAJOR}")
        return Odoo(python, [python, str(root / "odoo-bin")],
                    [root / "odoo" / "addons", root / "addons"], version, str(root), str(root))

    # An importable `odoo` package (pip install -e of a source tree, distro package...).
    # find_spec() on a top-level package does not execute it.
    if python == sys.executable:
        spec = importlib.util.find_spec("odoo")
        locations = list(spec.submodule_search_locations or []) if spec else []
    else:
        probe = subprocess.run(
            [python, "-c", "import importlib.util as u; s = u.find_spec('odoo'); "
                           "print('\\n'.join(s.submodule_search_locations or []) if s else '')"],
            capture_output=True, text=True, check=False)
        locations = probe.stdout.split()
    for loc in locations:
        pkg = Path(loc).resolve()
        version_info, version = _release_info(pkg)
        if not version_info or version_info[0] != ODOO_MAJOR:
            continue
        paths = [pkg / "addons"]
        if (pkg.parent / "addons").is_dir() and (pkg.parent / "odoo-bin").is_file():
            paths.append(pkg.parent / "addons")  # a source tree that is on sys.path
        return Odoo(python, [python, "-m", "odoo"], paths, version, str(pkg))
    return None


#: Odoo's requirement (distribution name, lower case) → the module it installs, where they differ
IMPORT_NAMES = {
    "babel": "babel", "jinja2": "jinja2", "libsass": "sass", "lxml-html-clean": "lxml_html_clean",
    "markupsafe": "markupsafe", "pillow": "PIL", "psycopg2-binary": "psycopg2", "pyopenssl": "OpenSSL",
    "pyserial": "serial", "python-dateutil": "dateutil", "python-ldap": "ldap", "python-stdnum": "stdnum",
    "pypdf2": "PyPDF2", "pyusb": "usb", "werkzeug": "werkzeug", "xlsxwriter": "xlsxwriter",
    "websocket-client": "websocket",
}
MIN_PYTHON = (3, 10)  # odoo/release.py MIN_PY_VERSION of Odoo 18

# Runs in the interpreter that will run Odoo: its version, and the requirements whose marker applies to it
# and which it can import neither as a module nor find as an installed distribution.
INTERPRETER_PROBE = """
import importlib.metadata, importlib.util, json, sys
try:
    from packaging.markers import Marker
except ImportError:
    from pip._vendor.packaging.markers import Marker
missing = []
for dist, module, marker in json.loads(sys.argv[1]):
    if marker and not Marker(marker).evaluate():
        continue
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        try:
            importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            missing.append(module)
print(json.dumps({"version": list(sys.version_info[:3]), "missing": sorted(set(missing))}))
"""


def odoo_requirements(odoo):
    """``(distribution, module, marker)`` of what Odoo needs, as tools/odoo_deps.py installs it, and the add-on's
    external dependencies; empty without a requirements.txt (an installed ``odoo`` package: pip checked it)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import odoo_deps  # a tool beside this one, needed only here

    requirements = Path(odoo.location) / "requirements.txt"
    lines = odoo_deps.recipe(requirements.read_text(encoding="utf-8")).splitlines() if requirements.is_file() else []
    lines = [line for line in lines if line.strip() not in odoo_deps.EXTRA]  # the tours' extra: optional
    manifest = ast.literal_eval((addon_dir() / "__manifest__.py").read_text(encoding="utf-8"))
    lines += manifest.get("external_dependencies", {}).get("python", [])
    found = []
    for line in lines:
        match = odoo_deps.REQUIREMENT.match(line.split("#", 1)[0].strip())
        if not match:
            continue
        dist = match["name"].lower()
        marker = match["rest"].split(";", 1)[1].strip() if ";" in match["rest"] else ""
        found.append((dist, IMPORT_NAMES.get(dist, dist.replace("-", "_")), marker))
    return found


def check_interpreter(odoo, probe_python=None):
    """Raise DevEnvError naming, in one sentence, what the interpreter that runs Odoo lacks (an old Python,
    modules Odoo or the add-on import); nothing when it has it all. Runs before anything is started."""
    python = probe_python or odoo.python
    env = dict(os.environ)
    if odoo.pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [odoo.pythonpath, env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run([python, "-c", INTERPRETER_PROBE, json.dumps(odoo_requirements(odoo))], env=env,
                              capture_output=True, text=True, check=False, timeout=120)
    except OSError as exc:
        raise DevEnvError(f"cannot run the Python for Odoo ({python}): {exc}") from None
    if proc.returncode:
        raise DevEnvError(f"the Python for Odoo ({python}) failed to start: "
                          f"{(proc.stderr.strip().splitlines() or ['no output'])[-1]}")
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    version = tuple(answer["version"])
    problems = []
    if version < MIN_PYTHON:
        problems.append(f"is Python {'.'.join(map(str, version))} and Odoo {ODOO_MAJOR} needs "
                        f"{'.'.join(map(str, MIN_PYTHON))} or newer")
    if answer["missing"]:
        problems.append(f"cannot import {', '.join(answer['missing'])}")
    if problems:
        fix = (f"{python} tools/odoo_deps.py {odoo.location}" if Path(odoo.location, "requirements.txt").is_file()
               else f"{python} -m pip install <the missing packages>")
        fix = f"install what is missing with {fix} (README, Prerequisites)" if answer["missing"] else "use a newer one"
        raise DevEnvError(f"the Python for Odoo ({python}) {' and '.join(problems)}: {fix}, "
                          "or point ODOO_PYTHON at a Python that has it all.")


def browser_env(env=None):
    """Environment for Odoo: make sure a system Chromium (/usr/bin/chromium) is on PATH
    for HttpCase browser tests.  Without one Odoo skips those tests by itself."""
    env = dict(os.environ if env is None else env)
    path = env.get("PATH", "").split(os.pathsep)
    for extra in ("/usr/local/bin", "/usr/bin", "/bin", "/snap/bin"):
        if extra not in path:
            path.append(extra)
    env["PATH"] = os.pathsep.join(p for p in path if p)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@contextlib.contextmanager
def addons_link(parent=None):
    """Yield a folder whose child ``mailchimp_sync`` is a symlink to the addon.

    With ``parent`` the folder is kept (and the link refreshed); otherwise it is
    a temporary folder removed afterwards.
    """
    target = addon_dir()
    if parent is None:
        tmp = Path(tempfile.mkdtemp(prefix="mcs-addons-"))
        try:
            (tmp / MODULE).symlink_to(target, target_is_directory=True)
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        parent = Path(parent)
        parent.mkdir(parents=True, exist_ok=True)
        link = parent / MODULE
        if link.is_symlink() or link.exists():
            if link.is_symlink() and Path(os.readlink(link)) == target:
                yield parent
                return
            link.unlink()
        link.symlink_to(target, target_is_directory=True)
        yield parent


def addons_path_arg(odoo, link_dir):
    return ",".join(str(p) for p in [*odoo.addons_paths, link_dir])


# 2024-01-01 12:00:00,123 4242 INFO dbname odoo.modules.loading: message
LOG_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
                    r"(?P<logger>[^\s:]+): (?P<msg>.*)$")


def odoo_base_args(odoo, cluster, *, db, link_dir, data_dir, http_port, config_file, subcommand=None):
    """odoo-bin options shared by tools/test and tools/run."""
    return odoo.argv(
        *([subcommand] if subcommand else []),
        "-c", str(config_file),  # an empty config: ignore the user's ~/.odoorc
        f"--addons-path={addons_path_arg(odoo, link_dir)}",
        f"--data-dir={data_dir}",
        "-d", db, f"--db-filter=^{re.escape(db)}$",
        "--db_host", "127.0.0.1", "--db_port", str(cluster.port),
        "--db_user", cluster.db_user, "--db_password", cluster.db_password,
        "--http-interface", "127.0.0.1", "--http-port", str(http_port),
        "--log-level=info",
    )


def write_config(path, options):
    """An Odoo config file with ``options`` (name -> value) in [options]."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[options]", *(f"{key} = {value}" for key, value in options.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_empty_config(path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[options]\n", encoding="utf-8")
    return path


def spawn(cmd, *, logfile, on_line=None, cwd=None, env=None):
    """Start ``cmd`` in its own session (so a Ctrl-C reaches us first and we stop it in
    order), appending its output to ``logfile`` and passing each line to ``on_line``."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace", bufsize=1,
                            start_new_session=True)

    def pump():
        with open(logfile, "a", encoding="utf-8") as out:
            for line in proc.stdout:
                out.write(line)
                out.flush()
                if on_line:
                    on_line(line)

    proc.pump = threading.Thread(target=pump, daemon=True)
    proc.pump.start()
    return proc


@contextlib.contextmanager
def single_instance(lock_file, what):
    """Hold an exclusive lock on ``lock_file`` or fail: two tools/run in one repo would
    share (and stop) the same PostgreSQL cluster."""
    import fcntl  # noqa: PLC0415 - POSIX only, like the rest
    Path(lock_file).parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            pid = fh.read().strip() or "?"
            raise DevEnvError(f"{what} is already running in this repository (pid {pid}); stop it first") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield


# --------------------------------------------------------------------------- ports

def free_port():
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout, proc=None):
    """Wait until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        time.sleep(0.3)
    return False


# --------------------------------------------------------------------------- signals

class Interrupted(Exception):
    pass


@contextlib.contextmanager
def stop_on_signals():
    """Turn SIGTERM/SIGHUP into an exception so that ``finally`` blocks clean up
    (Ctrl-C already raises KeyboardInterrupt)."""
    def handler(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)
    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def stop_process(proc, name, timeout=20):
    """Stop a child started with start_new_session=True (SIGINT, then SIGTERM, then SIGKILL)."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
    say(f"warning: could not stop {name} (pid {proc.pid})")


# --------------------------------------------------------------------------- PostgreSQL

def pg_bindir():
    env = os.environ.get("PG_BINDIR")
    candidates = [env] if env else []
    pg_config = shutil.which("pg_config")
    if pg_config and not env:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out:
            candidates.append(out)
    if not env:
        def major(p):
            m = re.search(r"/postgresql/(\d+)/", p)
            return int(m.group(1)) if m else 0
        candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)
        initdb = shutil.which("initdb")
        if initdb:
            candidates.append(str(Path(initdb).parent))
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file():
            return Path(c)
    raise DevEnvError("PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL 15 "
                      "(e.g. apt-get install postgresql-15) or set PG_BINDIR")


class PostgresCluster:
    """A private PostgreSQL cluster listening on 127.0.0.1:<free port> only.

    ``base_dir=None``: throwaway cluster in a temp folder, deleted on stop.
    Otherwise the cluster in ``base_dir/data`` is created if needed and reused.
    Use as a context manager: it is always stopped on exit.
    """

    SUPERUSER = "postgres"  # bootstrap superuser; only reachable through the private unix socket

    def __init__(self, base_dir=None, *, fallback_dir=None, db_password=None, keep=False):
        self.throwaway = base_dir is None
        self.fallback_dir = fallback_dir
        self.keep = keep
        self.base_dir = Path(base_dir) if base_dir else None
        self.data_dir = None
        self.db_user = ODOO_DB_USER
        self.db_password = db_password or secrets.token_hex(12)
        self.port = None
        self.bindir = pg_bindir()
        self.tmp_dir = None  # throwaway base folder, or socket folder for a persistent cluster
        self._started = False
        self.as_root = os.geteuid() == 0
        self.os_user = os.environ.get("PG_OS_USER", "postgres") if self.as_root else None
        if self.as_root:
            try:
                self._pw = pwd.getpwnam(self.os_user)
            except KeyError:
                raise DevEnvError(f"running as root, but there is no '{self.os_user}' system user to run "
                                  "PostgreSQL as (PostgreSQL refuses to run as root); set PG_OS_USER") from None

    # -- helpers
    def _cmd(self, name, *args):
        argv = [str(self.bindir / name), *map(str, args)]
        if not self.as_root:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", self.os_user, "--", *argv]
        return ["su", "-s", "/bin/sh", self.os_user, "-c", shlex.join(argv)]

    def _run(self, name, *args, check=True, quiet=True):
        proc = subprocess.run(self._cmd(name, *args), cwd="/", stdin=subprocess.DEVNULL,
                              capture_output=quiet, text=True, start_new_session=True, check=False)
        if check and proc.returncode:
            raise DevEnvError(f"{name} failed (exit {proc.returncode}):\n{(proc.stdout or '') + (proc.stderr or '')}"
                              f"{self._log_tail()}")
        return proc

    def _give(self, path):
        if self.as_root:
            os.chown(path, self._pw.pw_uid, self._pw.pw_gid)

    def _reachable(self, path):
        """Can the PostgreSQL user write into ``path`` (all parents traversable)?"""
        if not self.as_root:
            return os.access(path, os.W_OK | os.X_OK)
        argv = ["test", "-w", str(path), "-a", "-x", str(path)]
        if shutil.which("runuser"):
            argv = ["runuser", "-u", self.os_user, "--", *argv]
        else:
            argv = ["su", "-s", "/bin/sh", self.os_user, "-c", shlex.join(argv)]
        return subprocess.run(argv, cwd="/", check=False).returncode == 0

    @property
    def log_file(self):
        return self.base_dir / "postgresql.log"

    def _log_tail(self, n=15):
        with contextlib.suppress(OSError, TypeError, AttributeError):
            lines = self.log_file.read_text(errors="replace").splitlines()[-n:]
            return "\n--- postgresql.log ---\n" + "\n".join(lines)
        return ""

    # -- lifecycle
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _prepare_dirs(self):
        # <base>/data is the cluster, <base>/postgresql.log its log; <tmp>/sock the private unix socket
        self.tmp_dir = Path(tempfile.mkdtemp(prefix="mcs-pg-"))
        self._give(self.tmp_dir)
        self.socket_dir = self.tmp_dir / "sock"
        self.socket_dir.mkdir()
        self._give(self.socket_dir)
        if self.throwaway:
            self.base_dir = self.tmp_dir
        else:
            self.base_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._give(self.base_dir)
            if not self._reachable(self.base_dir) and self.fallback_dir:
                say(f"note: the '{self.os_user}' user cannot reach {self.base_dir} (a parent folder is not "
                    f"traversable); using {self.fallback_dir} instead")
                with contextlib.suppress(OSError):
                    self.base_dir.rmdir()
                self.base_dir = Path(self.fallback_dir)
                self.base_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._give(self.base_dir)
            if not self._reachable(self.base_dir):
                raise DevEnvError(
                    f"the '{self.os_user or 'current'}' user cannot write {self.base_dir} (is a parent folder "
                    "not traversable?): fix the permissions, e.g. chmod o+x on the parent folders")
        self.data_dir = self.base_dir / "data"

    def start(self):
        become_subreaper()
        self._prepare_dirs()
        if not (self.data_dir / "PG_VERSION").exists():
            self._run("initdb", "-D", self.data_dir, "-U", self.SUPERUSER, "-E", "UTF8", "--locale=C",
                      "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions")
        elif self._run("pg_ctl", "-D", self.data_dir, "status", check=False).returncode == 0:
            say(f"A PostgreSQL server is still running on {self.data_dir} (left over by a killed run); stopping it.")
            self._run("pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "stop", check=False)
        self.port = free_port()
        opts = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.socket_dir}"]
        if self.throwaway:  # durability is pointless for a cluster deleted in a minute
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        # new session: a Ctrl-C in the terminal must not reach postgres before Odoo is stopped
        self._run("pg_ctl", "-D", self.data_dir, "-l", self.log_file, "-o", " ".join(opts), "-w", "-t", "60", "start")
        self._started = True
        self.psql(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{self.db_user}') THEN "
            f"CREATE ROLE {self.db_user}; END IF; END $$;"
            f"ALTER ROLE {self.db_user} WITH LOGIN CREATEDB PASSWORD '{self.db_password}';")

    def psql(self, sql, db="postgres"):
        """Run SQL as the superuser over the private socket; returns stdout (unaligned, tuples only)."""
        return self._run("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir,
                         "-p", self.port, "-U", self.SUPERUSER, "-d", db, "-c", sql).stdout.strip()

    def database_exists(self, db):
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"

    def _postmaster_pid(self):
        with contextlib.suppress(OSError, ValueError, IndexError, TypeError):
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        return None

    def stop(self):
        if self._started and not self.keep:
            pid = self._postmaster_pid()
            proc = self._run("pg_ctl", "-D", self.data_dir, "-m", "fast", "-w", "-t", "30", "stop", check=False)
            if proc.returncode:
                self._run("pg_ctl", "-D", self.data_dir, "-m", "immediate", "-w", "stop", check=False)
            self._started = False
            _wait_gone(pid)
        if self.keep and self._started:
            say(f"--keep: PostgreSQL left running on 127.0.0.1:{self.port} (socket {self.socket_dir}); "
                f"when done: {shlex.join(self._cmd('pg_ctl', '-D', self.data_dir, 'stop'))} "
                f"&& rm -rf {shlex.quote(str(self.tmp_dir))}")
            return
        if self.tmp_dir:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
            self.tmp_dir = None


def become_subreaper():
    """Linux: adopt orphaned descendants (the postmaster that pg_ctl daemonizes), so that
    we can reap it ourselves once stopped instead of leaving a zombie for init to collect."""
    with contextlib.suppress(Exception):
        import ctypes  # noqa: PLC0415
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _wait_gone(pid, timeout=10):
    """Wait until process ``pid`` has exited, reaping it if it was adopted by us."""
    deadline = time.monotonic() + timeout
    while pid and time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:  # not our child: wait until it is gone (or a zombie of someone else)
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                return
            if state in ("Z", "X"):
                return
        time.sleep(0.05)


def persistent_pg_dir():
    """Folder of the reused dev cluster: .devenv/pg in the repo."""
    return DEVENV / "pg"


def fallback_pg_dir():
    """Used when the postgres user cannot reach .devenv/pg (repo under a private home)."""
    tag = hashlib.sha1(str(REPO_ROOT).encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / f"mailchimp_sync-devenv-{tag}" / "pg"


def main_guard(fn):
    """Run ``fn`` turning DevEnvError into one message and Ctrl-C into exit 130."""
    if sys.version_info < MIN_PYTHON:
        print(f"error: {sys.executable} is Python {sys.version.split()[0]}: the tools need Python "
              f"{'.'.join(map(str, MIN_PYTHON))} or newer (Python 3.11 on Debian 12: apt-get install python3).",
              file=sys.stderr, flush=True)
        return 2
    try:
        with stop_on_signals():
            return fn()
    except DevEnvError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 2
    except (KeyboardInterrupt, Interrupted):
        print("\ninterrupted, everything stopped.", file=sys.stderr, flush=True)
        return 130
