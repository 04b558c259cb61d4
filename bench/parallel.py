#!/usr/bin/env python3
"""Parallel sync benchmark: several audiences synced at once by Odoo's cron workers.

    ODOO_PATH=/path/to/odoo18 bench/parallel.py [--audiences 4] [--customers 25000] [--threads 1 2]
                                                [--latency SECONDS] [--log DIR]

Starts a throwaway PostgreSQL cluster and the Mailchimp stand-in in its own
process, installs the module without demo data and prepares (in ``odoo-bin
shell``) A audiences with a mapped tag each and N customers per tag, and leaves
active only the sync's cron jobs (its first lane and the others): Odoo's own jobs
and the add-on's other ones (the weekly audit among them) are all due at the
first start and would take a cron worker during the measurement. Then, for
each number of cron threads, runs Odoo in prefork mode as in production
(``--workers 2 --max-cron-threads T``, with ``--no-http``: no request is served
meanwhile, and without it Odoo's master starts its longpolling process, which
restarts about once a second where gevent cannot start, e.g. without
``zope.interface``, at half a CPU second each, counted with Odoo's CPU) with the
scheduled sync due at once, waits until every audience's run has ended, and
stops Odoo. Before each measurement Odoo forgets its members, their dirty marks
and the audiences' schema fingerprints (a full initial sync again; the stand-in
keeps the members of the previous measurement, so it answers "updated" instead
of "new": its work is not counted, it runs in its own process).

Prints one JSON object with, per thread count: wall seconds from the first run's
start to the last run's end, CPU seconds of all Odoo's processes meanwhile (from
a cron worker's first run on; Odoo's start left out), and of PostgreSQL's and the
stand-in's, the 1-minute load average before Odoo started, the runs (state,
customers pushed, peak batch calls at once) and, from the stand-in, the most
connections at once per API key and those refused with 429 (the limit is 10).

The same file is the ``odoo-bin shell`` body of the prepare phase (``BENCH_PARALLEL_PHASE``).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(os.environ.get("BENCH_DIR") or __file__).resolve()  # odoo-bin shell has no __file__
BENCH_DIR = BENCH_DIR if BENCH_DIR.is_dir() else BENCH_DIR.parent
REPO_ROOT = BENCH_DIR.parent
POLL_SECONDS = 0.5


# ====================================================================== inside odoo-bin shell

def prepare(env):
    """A audiences (one list each, one group, a tag mapped to it) and N customers per tag, box ticked."""
    sys.path.insert(0, str(BENCH_DIR))
    import scenario  # noqa: PLC0415 - bench/scenario.py: the customers, as the sync bench makes them
    from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials  # noqa: PLC0415

    count, per_audience = int(os.environ["BENCH_AUDIENCES"]), int(os.environ["BENCH_CUSTOMERS"])
    account = env["mailchimp.account"]._for_company(create=True)
    account.write({"report_email": "bench@acme-example.com", "report_policy": "failures"})
    account._connect(Credentials.from_api_key(os.environ["BENCH_STANDIN_KEY"],
                                              base_url=os.environ["BENCH_STANDIN_URL"] + "/3.0"))
    client = account._client()
    interests = []
    for number in range(count):
        list_id = client.get_lists()[0]["id"] if number == 0 else client.create_list({
            "name": f"Bench audience {number}", "permission_reminder": "You are a customer of ours.",
            "email_type_option": False,
            "contact": {"company": "Bench", "address1": "Ul. Prosta 1", "city": "Warszawa", "country": "PL"},
            "campaign_defaults": {"from_name": "Bench", "from_email": "news@bench-example.com", "subject": "",
                                  "language": "pl"}})["id"]
        category = client.create_interest_category(list_id, {"title": "Bench groups", "type": "checkboxes"})
        interests.append((list_id, client.create_interest(list_id, category["id"], {"name": "Bench customers"})))
    env["mailchimp.audience"].action_refresh_audiences()
    tags = []
    for number, (list_id, interest) in enumerate(interests):
        audience = env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
        audience._refresh_schema(client)
        tags.append(env["res.partner.category"].create({
            "name": "Bench customers" if number == 0 else f"Bench customers {number}",
            "mailchimp_interest_id": env["mailchimp.interest"].search([("mailchimp_id", "=", interest["id"])]).id,
        }))
    env.cr.commit()
    scenario._create_customers(env, count * per_audience, "sql")
    env.cr.execute("""
        UPDATE res_partner_res_partner_category_rel SET category_id = (%s::int[])[partner_id %% %s + 1]
         WHERE category_id = %s
    """, ([tag.id for tag in tags], count, tags[0].id))
    lanes = [env.ref("mailchimp_sync.ir_cron_mailchimp_sync").id,
             *(lane.id for lane in env["mailchimp.audience"]._sync_lanes())]
    # only the sync's lanes: Odoo's own jobs and the add-on's others (the weekly audit, the pull, ...), all due at
    # the first start, would otherwise take a cron worker during the measurement
    env.cr.execute("UPDATE ir_cron SET active = false WHERE id != ALL(%s)", (lanes,))
    env.cr.commit()
    return {"sync_cron_id": lanes[0],
            "tag_sizes": [env["res.partner"].search_count([("category_id", "=", tag.id)]) for tag in tags]}


# ====================================================================== the driver

def main():
    sys.path.insert(0, str(REPO_ROOT / "tools"))
    sys.path.insert(0, str(REPO_ROOT))
    import devenv  # noqa: PLC0415
    import psycopg2  # noqa: PLC0415
    import requests  # noqa: PLC0415

    bench_run = _load_bench_run()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audiences", type=int, default=4, help="audiences (default 4)")
    parser.add_argument("--customers", type=int, default=25000, help="customers per audience (default 25000)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="cron threads to measure (1 2)")
    parser.add_argument("--max-minutes", type=float, default=30, help="give up on a measurement after this long")
    parser.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                        help="the stand-in answers each batch-subscribe call after this delay (default 0), so that "
                             "calls overlap as over the internet")
    parser.add_argument("--log", metavar="DIR",
                        help="keep Odoo's log of each measurement (info level: each cron job's start and end, "
                             "each run's) in DIR/odoo-<threads>.log")
    options = parser.parse_args()
    odoo = devenv.find_odoo()
    if odoo is None:
        devenv.say("No Odoo 18 found: point bench/parallel.py at one with ODOO_PATH=/path/to/odoo18")
        return 1
    results = {"audiences": options.audiences, "customers_per_audience": options.customers,
               "latency": options.latency}
    with tempfile.TemporaryDirectory(prefix="mcs-parallel-") as tmp, \
            devenv.PostgresCluster() as cluster, devenv.addons_link() as link_dir:
        tmp = Path(tmp)
        config = devenv.write_empty_config(tmp / "odoo.conf")
        port = devenv.free_port()

        def odoo_args(*extra, subcommand=None):
            return [*devenv.odoo_base_args(odoo, cluster, db="mcs_parallel", link_dir=link_dir,
                                           data_dir=tmp / "data", http_port=port, config_file=config,
                                           subcommand=subcommand), *extra]

        say("installing the module")
        install = subprocess.run(odoo_args("-i", devenv.MODULE, "--without-demo=all", "--stop-after-init",
                                           "--log-level=warn"),
                                 capture_output=True, text=True, check=False, env=devenv.browser_env())
        if install.returncode:
            sys.stderr.write(install.stdout[-4000:] + install.stderr[-4000:])
            return install.returncode
        standin, standin_env = bench_run.start_standin(tmp)
        server = None
        try:
            env = devenv.browser_env({**os.environ, **standin_env, "BENCH_AUDIENCES": str(options.audiences),
                                      "BENCH_CUSTOMERS": str(options.customers), "BENCH_DIR": str(BENCH_DIR),
                                      "BENCH_PARALLEL_PHASE": "prepare"})
            say(f"preparing {options.audiences} audiences x {options.customers} customers")
            with open(BENCH_DIR / "parallel.py", encoding="utf-8") as body:
                done = subprocess.run(odoo_args("--log-level=warn", subcommand="shell"), stdin=body,
                                      stdout=subprocess.PIPE, text=True, check=False, env=env)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            if done.returncode or not lines:
                raise devenv.DevEnvError(f"the prepare phase failed:\n{done.stdout[-3000:]}")
            prepared = json.loads(lines[-1])
            results["tag_sizes"] = prepared["tag_sizes"]
            db = psycopg2.connect(host="127.0.0.1", port=cluster.port, user=cluster.db_user,
                                  password=cluster.db_password, dbname="mcs_parallel")
            db.autocommit = True
            standin_url = standin_env["BENCH_STANDIN_URL"]
            key = standin_env["BENCH_STANDIN_KEY"].partition("-")[0]
            for threads in options.threads:
                with db.cursor() as cr:  # an initial sync again, due now
                    cr.execute("DELETE FROM mailchimp_sync_run_line")
                    cr.execute("DELETE FROM mailchimp_member")
                    cr.execute("DELETE FROM mailchimp_sync_mark")
                    cr.execute("UPDATE mailchimp_audience SET sync_schema_hash = NULL")  # a full run: read everyone
                    cr.execute("SELECT COALESCE(max(id), 0) FROM mailchimp_sync_run")
                    marker = cr.fetchone()[0]
                    cr.execute("UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' - interval '1 minute' "
                               "WHERE id = %s", (prepared["sync_cron_id"],))
                requests.delete(f"{standin_url}/_standin/connections", timeout=10)
                requests.delete(f"{standin_url}/_standin/faults", timeout=10)
                if options.latency:
                    requests.post(f"{standin_url}/_standin/faults", timeout=10, json={
                        "delay": options.latency, "times": None, "method": "POST", "path_contains": "/lists/"})
                say(f"syncing on {threads} cron thread(s)")
                load_before = round(os.getloadavg()[0], 2)
                log = Path(options.log or tmp) / f"odoo-{threads}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                server = devenv.spawn(odoo_args("--workers", "2", "--no-http", "--max-cron-threads", str(threads),
                                                "--limit-time-real", "3600", "--limit-time-cpu", "3600",
                                                "--log-level=info" if options.log else "--log-level=warn",
                                                subcommand="server"), logfile=log, env=env)
                deadline = time.monotonic() + options.max_minutes * 60
                _wait_for_runs(db, marker, 0, deadline)  # Odoo has started and a cron worker took a run
                others = {"postgresql": cluster._postmaster_pid(), "standin": standin.pid}  # noqa: SLF001
                cpu_before = _tree_cpu_seconds(server.pid)
                others_before = {name: _tree_cpu_seconds(pid) for name, pid in others.items()}
                runs = _wait_for_runs(db, marker, options.audiences, deadline)
                cpu = _tree_cpu_seconds(server.pid) - cpu_before
                others_cpu = {name: round(_tree_cpu_seconds(pid) - others_before[name], 1)
                              for name, pid in others.items()}
                devenv.stop_process(server, "Odoo")
                server = None
                counted = requests.get(f"{standin_url}/_standin/connections", timeout=10).json()
                results[f"cron_threads_{threads}"] = {
                    "wall_seconds": _wall_seconds(runs), "odoo_cpu_seconds": round(cpu, 1),
                    "postgresql_cpu_seconds": others_cpu["postgresql"], "standin_cpu_seconds": others_cpu["standin"],
                    "loadavg_before": load_before,
                    "runs": runs, "runs_overlapping_max": _most_at_once(runs),
                    "standin_max_connections_per_key": counted["peak"].get(key, 0),
                    "standin_refused_429": counted["refused"].get(key, 0)}
            db.close()
        finally:
            devenv.stop_process(server, "Odoo")
            devenv.stop_process(standin, "the Mailchimp stand-in")
    print(json.dumps(results))
    return 0


def _load_bench_run():
    import importlib.machinery  # noqa: PLC0415
    import importlib.util  # noqa: PLC0415

    loader = importlib.machinery.SourceFileLoader("bench_run", str(BENCH_DIR / "run"))
    spec = importlib.util.spec_from_loader("bench_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _wait_for_runs(db, marker, count, deadline):
    """The runs started after ``marker``, once ``count`` of them have ended (or at the deadline)."""
    while True:
        with db.cursor() as cr:
            cr.execute("""SELECT r.id, a.name, r.state, COALESCE(r.created_count, 0) + COALESCE(r.updated_count, 0),
                                 r.max_in_flight,
                                 r.date_start, r.date_end
                            FROM mailchimp_sync_run r JOIN mailchimp_audience a ON a.id = r.audience_id
                           WHERE r.id > %s ORDER BY r.id""", (marker,))
            rows = cr.fetchall()
        ended = [row for row in rows if row[2] != "running"]
        if (len(ended) >= count and rows) or time.monotonic() > deadline:
            return [{"audience": name, "state": state, "pushed": pushed, "batch_calls_at_once": in_flight,
                     "start": start.isoformat(), "end": end.isoformat() if end else None}
                    for _id, name, state, pushed, in_flight, start, end in rows]
        time.sleep(POLL_SECONDS)


def _wall_seconds(runs):
    """From the first run's start to the last run's end (Odoo's start left out)."""
    ends = [run["end"] for run in runs if run["end"]]
    if not runs or not ends:
        return None
    return (max(map(_moment, ends)) - min(_moment(run["start"]) for run in runs)).total_seconds()


def _moment(text):
    from datetime import datetime  # noqa: PLC0415

    return datetime.fromisoformat(text)


def _most_at_once(runs):
    """The most runs that were under way at the same second."""
    edges = sorted([(run["start"], 1) for run in runs] + [(run["end"], -1) for run in runs if run["end"]],
                   key=lambda edge: (edge[0], edge[1]))
    most = current = 0
    for _moment, step in edges:
        current += step
        most = max(most, current)
    return most


def _tree_cpu_seconds(pid):
    """CPU seconds (user + system) of a process, its live children and the children it reaped."""
    ticks = os.sysconf("SC_CLK_TCK")

    def stat(process):
        try:
            with open(f"/proc/{process}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0, []
        return int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14]), _children(process)

    total, todo = 0, [pid]
    while todo:
        used, children = stat(todo.pop())
        total += used
        todo += children
    return total / ticks


def _children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text(encoding="ascii").split()]
        except OSError:
            continue
    return found


def say(message):
    print(f"parallel: {message}", file=sys.stderr, flush=True)


if os.environ.get("BENCH_PARALLEL_PHASE") == "prepare":
    print(json.dumps(prepare(env)))  # noqa: F821 - env is odoo-bin shell's
elif __name__ == "__main__":
    sys.exit(main())
