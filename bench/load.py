#!/usr/bin/env python3
"""Load benchmark: everything at once, in an Odoo with several workers, against the stand-ins.

    ODOO_PATH=/path/to/odoo18 bench/load.py [--customers 20000] [--webhooks 1000] [--campaigns 3]
                                            [--sms 50] [--panel-reads 300] [--max-minutes 9]

Starts a throwaway PostgreSQL cluster, installs the module without demo data,
prepares (in ``odoo-bin shell``) an audience of N customers with a mapped tag,
collections with a draft campaign each, and the scheduled sync and pull due at
once and every minute; then runs Odoo as in production (``--workers 4
--max-cron-threads 2``) with the Mailchimp stand-in in its own process, and
mixes, from client threads:

* webhook deliveries: people subscribing, unsubscribing and changing their
  profile *in the stand-in*, which delivers each webhook to Odoo as Mailchimp does;
* the sync of the N customers (and the next ones, every minute) and the hourly
  pull, in the cron workers, in the same tick;
* campaign sends: "Send" confirmed over JSON-RPC, sent by the journal's worker
  (the stand-in delivers the campaign webhook back while it does);
* SMS sign-ups forwarded to ``/mailchimp/sms/...``;
* panel reads (the customer's Mailchimp panel, the sync runs) over JSON-RPC.

When the clients are done and the jobs have settled (a last sync after the last
change), Odoo is stopped and the state is checked against the stand-in's. Prints
one JSON object: events applied per second, errors seen by clients, serialization
retries (lines of Odoo's log saying so), runs not ended, reports missing, and the
remote effects duplicated or missing (campaign sends counted at the stand-in,
members subscribed there against the customers eligible in Odoo, webhook and SMS
people present once).

The same file is the ``odoo-bin shell`` body of the prepare and check phases
(``BENCH_LOAD_PHASE``).
"""
import argparse
import importlib.machinery
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

BENCH_DIR = Path(os.environ.get("BENCH_DIR") or __file__).resolve()  # odoo-bin shell has no __file__
BENCH_DIR = BENCH_DIR if BENCH_DIR.is_dir() else BENCH_DIR.parent
REPO_ROOT = BENCH_DIR.parent
ADMIN_PASSWORD = "admin"
WEBHOOK_CLIENTS = 6  # people acting in Mailchimp at once (each waits for its webhook, as Mailchimp does)
KEPT_LOG = REPO_ROOT / ".devenv" / "bench-load-odoo.log"  # Odoo's log of the last load run


# ====================================================================== inside odoo-bin shell

def prepare(env):
    """The audience, N customers, collections with a checked draft campaign, the jobs due now and every minute."""
    sys.path.insert(0, str(BENCH_DIR))
    import scenario  # noqa: PLC0415 - bench/scenario.py: the audience and the customers, as the sync bench makes them

    standin = scenario.Standin(os.environ["BENCH_STANDIN_URL"], os.environ["BENCH_STANDIN_KEY"])
    audience = scenario._prepare_audience(env, standin, None)
    env["ir.config_parameter"].sudo().set_param("web.base.url", os.environ["BENCH_ODOO_URL"])
    env["ir.config_parameter"].sudo().set_param("web.base.url.freeze", "True")
    audience.account_id.write({"report_policy": "always"})
    audience.write({"accept_sms_signups": True, "create_partners": True, "campaign_from_name": "Bench",
                    "campaign_from_email": "news@bench-example.com"})
    admin = env.ref("base.user_admin")
    admin.write({"password": ADMIN_PASSWORD, "email": "admin@bench-example.com",
                 "groups_id": [(4, env.ref("mailchimp_sync.group_mailchimp_manager").id)]})
    scenario._create_customers(env, int(os.environ["BENCH_CUSTOMERS"]), "sql")
    wizards = []
    for number in range(int(os.environ["BENCH_CAMPAIGNS"])):
        partners = env["res.partner"].search(
            [("email", "in", [f"customer{number * 3 + n}@bench-example.com" for n in range(3)])])
        collection = env["mailchimp.collection"].create({
            "name": f"Bench collection {number}", "audience_id": audience.id, "partner_ids": [(6, 0, partners.ids)]})
        collection.action_sync_collection()
        env["mailchimp.collection"]._cron_sync_collections()
        action = collection.action_new_campaign()
        wizard = env[action["res_model"]].with_context(action["context"]).create(
            {"subject": f"Bench news {number}", "body_html": "<p>News</p>"
                "<p>*|LIST:ADDRESSLINE|*<br/>Unsubscribe: *|UNSUB|*</p>"})
        wizard.action_create_campaign()
        wizard.action_check()
        wizards.append(wizard.id)
        env.cr.commit()
    now = env.cr.now()
    for xmlid in ("ir_cron_mailchimp_sync", "ir_cron_mailchimp_reconcile"):  # the same tick, and again every minute
        env.ref(f"mailchimp_sync.{xmlid}").write({"nextcall": now, "interval_number": 1, "interval_type": "minutes"})
    env.cr.commit()
    return {"audience_id": audience.id, "list_id": audience.mailchimp_id, "secret": audience.sudo().webhook_secret,
            "wizard_ids": wizards}


def check(env):
    """What Odoo holds after the load: runs, reports, events, people, campaign operations, eligible customers."""
    from odoo.addons.mailchimp_sync.mailchimp_sync.sync_plan import is_eligible  # noqa: PLC0415
    from odoo.addons.mailchimp_sync.models.sync_engine import MemberItems  # noqa: PLC0415

    audience = env["mailchimp.audience"].browse(int(os.environ["BENCH_AUDIENCE_ID"]))
    runs = env["mailchimp.sync.run"].search([("audience_id", "=", audience.id)])
    reported = set(env["mail.mail"].search([("model", "=", "mailchimp.sync.run")]).mapped("res_id"))
    events = env["mailchimp.webhook.event"].search([("audience_id", "=", audience.id)])
    states = {}
    for event in events:
        states[f"{event.source}_{event.state}"] = states.get(f"{event.source}_{event.state}", 0) + 1
    env.cr.execute("""SELECT lower(email), count(*) FROM res_partner
                       WHERE email LIKE 'hook%%@bench-example.com' OR email LIKE 'sms%%@bench-example.com'
                       GROUP BY lower(email)""")
    people = dict(env.cr.fetchall())
    operations = env["mailchimp.remote.operation"].sudo().search([("kind", "=", "send")])
    items = MemberItems(audience.with_company(audience.company_id))
    env.cr.execute("""SELECT p.id FROM res_partner p WHERE p.mailchimp_subscribe OR EXISTS (
                          SELECT 1 FROM mailchimp_member m WHERE m.partner_id = p.id AND m.audience_id = %s)""",
                   (audience.id,))
    candidate_ids = [row[0] for row in env.cr.fetchall()]
    eligible = []
    for start in range(0, len(candidate_ids), 1000):
        eligible += [data.email.lower() for data in items.partner_data(candidate_ids[start:start + 1000])
                     if is_eligible(data, items.schema)]
        env.invalidate_all()
    return {
        "runs": len(runs), "runs_by_state": dict(_count(runs.mapped("state"))),
        "runs_not_ended": len(runs.filtered(lambda run: run.state == "running")),
        "runs_without_report": len([run for run in runs if run.id not in reported]),
        "run_messages": sorted({(run.message or "")[:160] for run in runs if run.state != "done"}),
        "events": len(events), "events_by_state": states,
        "event_seconds": _event_seconds(env, audience),
        "people": people,
        "send_operations": {op.campaign_id.mailchimp_id: op.state for op in operations},
        "eligible": sorted(eligible),
    }


def _count(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _event_seconds(env, audience):
    """From the first webhook event received to the last one applied."""
    env.cr.execute("""SELECT extract(epoch FROM max(write_date) - min(create_date)) FROM mailchimp_webhook_event
                       WHERE audience_id = %s AND source = 'webhook' AND state IN ('done', 'ignored')""",
                   (audience.id,))
    return float(env.cr.fetchone()[0] or 0)


if "env" in globals() and os.environ.get("BENCH_LOAD_PHASE"):  # odoo-bin shell
    _phase = {"prepare": prepare, "check": check}[os.environ["BENCH_LOAD_PHASE"]]
    print(json.dumps(_phase(env)))  # noqa: F821 - ``env`` is odoo-bin shell's
    raise SystemExit(0)


# ====================================================================== the driver

import requests  # noqa: E402 - the shell phases above need nothing of it

sys.path.insert(0, str(REPO_ROOT / "tools"))
import devenv  # noqa: E402

BENCH_RUN = importlib.machinery.SourceFileLoader("bench_run", str(BENCH_DIR / "run")).load_module()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20000, help="customers synced (default 20000)")
    parser.add_argument("--webhooks", type=int, default=1000, help="webhook deliveries (default 1000)")
    parser.add_argument("--campaigns", type=int, default=3, help="campaigns sent (default 3)")
    parser.add_argument("--sms", type=int, default=50, help="SMS sign-ups (default 50)")
    parser.add_argument("--panel-reads", type=int, default=300, help="panel reads (default 300)")
    parser.add_argument("--max-minutes", type=float, default=8,
                        help="give up waiting for the jobs this long after the load started (default 8)")
    options = parser.parse_args()
    odoo = devenv.find_odoo()
    if odoo is None:
        devenv.say("No Odoo 18 found: point bench/load.py at one with ODOO_PATH=/path/to/odoo18")
        return 1
    with tempfile.TemporaryDirectory(prefix="mcs-load-") as tmp, \
            devenv.PostgresCluster() as cluster, devenv.addons_link() as link_dir:
        tmp = Path(tmp)
        config = devenv.write_empty_config(tmp / "odoo.conf")
        port = devenv.free_port()

        def odoo_args(*extra, subcommand=None):
            return [*devenv.odoo_base_args(odoo, cluster, db="mcs_load", link_dir=link_dir, data_dir=tmp / "data",
                                           http_port=port, config_file=config, subcommand=subcommand), *extra]

        say("installing the module")
        install = subprocess.run(odoo_args("-i", devenv.MODULE, "--without-demo=all", "--stop-after-init",
                                           "--log-level=warn"),
                                 capture_output=True, text=True, check=False, env=devenv.browser_env())
        if install.returncode:
            sys.stderr.write(install.stdout[-4000:] + install.stderr[-4000:])
            return install.returncode
        standin, standin_env = BENCH_RUN.start_standin(tmp)
        server = None
        try:
            env = devenv.browser_env({**os.environ, **standin_env, "BENCH_CUSTOMERS": str(options.customers),
                                      "BENCH_CAMPAIGNS": str(options.campaigns), "BENCH_DIR": str(BENCH_DIR),
                                      "BENCH_ODOO_URL": f"http://127.0.0.1:{port}"})
            say(f"preparing {options.customers} customers and {options.campaigns} campaigns")
            prepared = shell(odoo_args, "prepare", env)
            log = tmp / "odoo.log"
            say("starting Odoo: --workers 4 --max-cron-threads 2")
            server = devenv.spawn(odoo_args("--workers", "4", "--max-cron-threads", "2", "--limit-time-real", "900",
                                            "--limit-time-cpu", "900", "--log-level=info", subcommand="server"),
                                  logfile=log, env=env)
            if not devenv.wait_for_port(port, 120, server):
                raise devenv.DevEnvError("Odoo did not start:\n" + log.read_text(errors="replace")[-3000:])
            load = Load(f"http://127.0.0.1:{port}", standin_env, prepared, options)
            figures = load.run(time.monotonic() + options.max_minutes * 60)
            devenv.stop_process(server, "Odoo")
            server = None
            checked = shell(odoo_args, "check", {**env, "BENCH_AUDIENCE_ID": str(prepared["audience_id"])})
            figures.update(load.effects(checked))
            log_text = log.read_text(encoding="utf-8", errors="replace")
            KEPT_LOG.parent.mkdir(exist_ok=True)
            KEPT_LOG.write_text(log_text, encoding="utf-8")
            figures.update(log_figures(log_text))
        finally:
            devenv.stop_process(server, "Odoo")
            devenv.stop_process(standin, "the Mailchimp stand-in")
    print(json.dumps(figures))
    return 0


def log_figures(log_text):
    """What Odoo's log says of concurrency: PostgreSQL's refusals, and the retries that followed them."""
    errors = re.findall(r"(?m)^\S+ \S+ \d+ (?:ERROR|CRITICAL) .*$", log_text)
    return {
        # each refused statement is logged once by odoo.sql_db ("bad query", then PostgreSQL's sentence)
        "serialization_failures": len(re.findall(r"(?m)^ERROR:  ?could not serialize access", log_text)),
        # the add-on's bookkeeping committed again, and Odoo's requests run again
        "serialization_retries": len(re.findall(r"serialization failure \(\w+\), retried", log_text))
        + len(re.findall(r"SERIALIZATION_FAILURE, \d+ tries left", log_text)),
        "retries_given_up": len(re.findall(r"maximum number of tries reached", log_text))
        + len(re.findall(r"stopped on (?:a )?concurrent update", log_text)),
        "odoo_log_errors": len(errors),
        "odoo_log_errors_not_serialization": len([line for line in errors if "bad query" not in line]),
        "odoo_log_error_samples": [line[:300] for line in errors[:5]],
    }


def say(message):
    print(f"load: {message}", file=sys.stderr, flush=True)


def shell(odoo_args, phase, env):
    """Run this file's ``phase`` in ``odoo-bin shell``; its JSON answer."""
    with open(BENCH_DIR / "load.py", encoding="utf-8") as body:
        done = subprocess.run(odoo_args("--log-level=warn", subcommand="shell"), stdin=body, stdout=subprocess.PIPE,
                              text=True, check=False, env={**env, "BENCH_LOAD_PHASE": phase})
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise devenv.DevEnvError(f"the {phase} phase failed:\n{done.stdout[-3000:]}")
    return json.loads(lines[-1])


class Load:
    """The clients: webhooks (through the stand-in), SMS sign-ups, panel reads, campaign sends."""

    def __init__(self, odoo_url, standin_env, prepared, options):
        self.odoo = odoo_url
        self.root = standin_env["BENCH_STANDIN_URL"]
        self.api = (self.root + "/3.0", ("bench", standin_env["BENCH_STANDIN_KEY"]))
        self.prepared = prepared
        self.options = options
        self.errors = {"webhook": [], "sms": [], "panel": [], "campaign": []}
        self.lock = threading.Lock()
        self.counts = {"webhook_actions": 0, "sms_signups": 0, "panel_reads": 0, "campaigns_confirmed": 0}
        self.hook_emails = []
        self.sms_emails = []
        self.seconds = {}

    # ------------------------------------------------------------ helpers

    def error(self, kind, what):
        with self.lock:
            self.errors[kind].append(str(what)[:300])

    def session(self):
        """A logged-in admin session (each client thread its own, as each user has)."""
        session = requests.Session()
        answer = session.post(f"{self.odoo}/web/session/authenticate", json={
            "jsonrpc": "2.0", "params": {"db": "mcs_load", "login": "admin", "password": ADMIN_PASSWORD}}, timeout=60)
        answer.raise_for_status()
        if answer.json().get("error"):
            raise RuntimeError(answer.json()["error"])
        return session

    def call(self, session, model, method, args, kwargs=None):
        answer = session.post(f"{self.odoo}/web/dataset/call_kw", timeout=120, json={
            "jsonrpc": "2.0", "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}})
        answer.raise_for_status()
        body = answer.json()
        if body.get("error"):
            raise RuntimeError(body["error"].get("data", {}).get("message") or body["error"])
        return body["result"]

    def standin_action(self, action, email, **extra):
        """A person acting in Mailchimp: the stand-in changes the member and delivers the webhook to Odoo."""
        answer = requests.post(f"{self.root}/_standin/lists/{self.prepared['list_id']}/actions/{action}",
                               json={"email": email, **extra}, timeout=120)
        return answer.status_code

    # ------------------------------------------------------------ the run

    def run(self, deadline):
        self.warm_up()
        admin = self.session()
        say("registering the webhook")
        self.call(admin, "mailchimp.audience", "action_register_webhook", [[self.prepared["audience_id"]]])
        started = time.monotonic()
        threads = [threading.Thread(target=self.webhooks, args=(part, WEBHOOK_CLIENTS), name=f"webhooks-{part}")
                   for part in range(WEBHOOK_CLIENTS)]
        threads += [threading.Thread(target=self.sms, name="sms"),
                    threading.Thread(target=self.campaigns, name="campaigns")]
        threads += [threading.Thread(target=self.panel, args=(part, 2), name=f"panel-{part}") for part in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.seconds["clients"] = round(time.monotonic() - started, 1)
        say(f"clients done in {self.seconds['clients']} s; waiting for the jobs to settle")
        self.settle(admin, deadline)
        self.seconds["total"] = round(time.monotonic() - started, 1)
        return {"customers": self.options.customers, **self.counts, "seconds": self.seconds}

    def warm_up(self, requests_at_once=8):
        """Each worker loads Odoo's registry on its first request (seconds): done before the load, as in a server
        that has been up for a while, so that Mailchimp's 10 s per delivery measures the load, not the start."""
        threads = [threading.Thread(target=requests.get, args=(f"{self.odoo}/web/login",), kwargs={"timeout": 120})
                   for _n in range(requests_at_once)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def webhooks(self, part, parts):
        """Of each 10 actions: 7 people subscribe (new to Odoo), 2 of them unsubscribe again, 1 profile change of
        a synced customer (its row the sync may be writing)."""
        count = self.options.webhooks
        subscribed = []
        started = time.monotonic()
        for number in range(part, count, parts):
            kind = number % 10
            if kind < 7 or not subscribed:
                email = f"hook{number}@bench-example.com"
                status = self.standin_action("subscribe", email, merges={"FNAME": f"Hook {number}"})
                if status == 200:
                    subscribed.append(email)
                    with self.lock:
                        self.hook_emails.append(email)
            elif kind < 9:
                status = self.standin_action("unsubscribe", subscribed.pop(0), reason="manual")
            else:
                email = f"customer{random.randrange(self.options.customers)}@bench-example.com"
                status = self.standin_action("profile", email, merges={"FNAME": f"Changed {number}"})
                if status == 404:  # not pushed by the sync yet: nothing happened in Mailchimp
                    continue
            if status != 200:
                self.error("webhook", f"the stand-in answered {status} to an action")
            with self.lock:
                self.counts["webhook_actions"] += 1
        with self.lock:
            self.seconds["webhooks"] = max(self.seconds.get("webhooks", 0), round(time.monotonic() - started, 1))

    def sms(self):
        prepared = self.prepared
        for number in range(self.options.sms):
            email = f"sms{number}@bench-example.com"
            message = quote(f"NEWS {email}", safe="")
            try:
                answer = requests.get(f"{self.odoo}/mailchimp/sms/{prepared['audience_id']}/{prepared['secret']}/"
                                      f"{message}", params={"phone": f"+48 600 {number:06d}"[:16]}, timeout=120)
                if answer.status_code != 200 or answer.text != "OK":
                    self.error("sms", f"{answer.status_code} {answer.text[:200]}")
            except requests.RequestException as problem:
                self.error("sms", problem)
            self.sms_emails.append(email)
            with self.lock:
                self.counts["sms_signups"] += 1
            time.sleep(0.5)

    def campaigns(self):
        try:
            session = self.session()
        except (requests.RequestException, RuntimeError) as problem:
            self.error("campaign", problem)
            return
        for wizard_id in self.prepared["wizard_ids"]:
            time.sleep(10)  # while the sync and the webhooks run
            try:
                self.call(session, "mailchimp.collection.campaign.wizard", "action_confirm", [[wizard_id]])
                with self.lock:
                    self.counts["campaigns_confirmed"] += 1
            except (requests.RequestException, RuntimeError) as problem:
                self.error("campaign", problem)

    def panel(self, part, parts):
        try:
            session = self.session()
        except (requests.RequestException, RuntimeError) as problem:
            self.error("panel", problem)
            return
        rng = random.Random(part)
        partner_ids = self.call(session, "res.partner", "search", [[("email", "like", "%@bench-example.com")]],
                                {"limit": 2000})
        for _read in range(part, self.options.panel_reads, parts):
            try:
                if rng.random() < 0.8:
                    self.call(session, "res.partner", "mailchimp_panel", [[rng.choice(partner_ids)]])
                else:
                    self.call(session, "mailchimp.sync.run", "search_read", [[]],
                              {"fields": ["state", "progress", "created_count"], "limit": 10})
                with self.lock:
                    self.counts["panel_reads"] += 1
            except (requests.RequestException, RuntimeError) as problem:
                self.error("panel", problem)
            time.sleep(0.2)

    def settle(self, admin, deadline):
        """Wait for the sends, then for a whole sync that started after the last change, then for the events."""
        while time.monotonic() < deadline:
            operations = self.call(admin, "mailchimp.remote.operation", "search_read",
                                   [[("kind", "=", "send"), ("state", "not in", ("done", "failed"))]], {"fields": ["id"]})
            if not operations:
                break
            time.sleep(5)
        last_change = self.call(admin, "mailchimp.webhook.event", "search_read", [[]],
                                {"fields": ["create_date"], "limit": 1, "order": "id desc"})
        since = last_change[0]["create_date"] if last_change else "1970-01-01 00:00:00"
        while time.monotonic() < deadline:
            runs = self.call(admin, "mailchimp.sync.run", "search_read",
                             [[("audience_id", "=", self.prepared["audience_id"]), ("date_start", ">", since),
                               ("state", "!=", "running")]], {"fields": ["id"], "limit": 1})
            if runs:
                break
            time.sleep(5)
        self.seconds["settled_in_time"] = time.monotonic() < deadline

    # ------------------------------------------------------------ effects, against the stand-in

    def effects(self, checked):
        subscribed = self.remote_members("subscribed")
        eligible = set(checked.pop("eligible"))
        people = checked.pop("people")
        deliveries = requests.get(f"{self.root}/_standin/webhook-deliveries", timeout=60).json()["deliveries"]
        failed_deliveries = [d for d in deliveries if d["result"] != 200]
        log = requests.get(f"{self.root}/_standin/requests", timeout=120).json()["requests"]
        sends = _count(entry["path"].split("/")[-3] for entry in log
                       if entry["method"] == "POST" and entry["path"].endswith("/actions/send"))
        confirmed = checked["send_operations"]
        webhook_events = checked["events_by_state"]
        applied = webhook_events.get("webhook_done", 0) + webhook_events.get("webhook_ignored", 0)
        wanted_people = set(self.hook_emails) | set(self.sms_emails)
        return {
            "webhook_deliveries": len(deliveries),
            "events_applied_per_second": round(applied / checked["event_seconds"], 1) if checked["event_seconds"]
            else None,
            "client_errors": len(failed_deliveries) + sum(len(errors) for errors in self.errors.values()),
            "client_errors_by_kind": {"webhook_delivery": len(failed_deliveries),
                                      **{kind: len(errors) for kind, errors in self.errors.items()}},
            "client_error_samples": [str(d["result"]) for d in failed_deliveries[:3]]
            + [error for errors in self.errors.values() for error in errors[:3]],
            "runs": checked["runs"], "runs_by_state": checked["runs_by_state"],
            "runs_not_ended": checked["runs_not_ended"], "runs_without_report": checked["runs_without_report"],
            "run_messages": checked["run_messages"],
            "events": checked["events"], "events_by_state": webhook_events,
            "events_not_applied": sum(count for state, count in webhook_events.items()
                                      if state.endswith(("_new", "_failed"))),
            "campaigns_sent_once": sum(1 for campaign in confirmed if sends.get(campaign) == 1),
            "campaign_sends_duplicated": sum(max(0, sends.get(campaign, 0) - 1) for campaign in confirmed),
            "campaign_sends_missing": sum(1 for campaign in confirmed if not sends.get(campaign)),
            "send_operations": confirmed,
            "eligible": len(eligible), "subscribed_in_mailchimp": len(subscribed),
            "members_missing": len(eligible - subscribed), "members_extra": len(subscribed - eligible),
            "members_missing_sample": sorted(eligible - subscribed)[:5],
            "members_extra_sample": sorted(subscribed - eligible)[:5],
            "people_duplicated": sum(1 for count in people.values() if count > 1),
            "people_missing": len(wanted_people - set(people)),
        }

    def remote_members(self, status):
        base, auth = self.api
        emails, offset = set(), 0
        while True:
            page = requests.get(f"{base}/lists/{self.prepared['list_id']}/members", auth=auth, timeout=120,
                                params={"status": status, "count": 1000, "offset": offset}).json()
            members = page.get("members") or []
            emails |= {member["email_address"].lower() for member in members}
            offset += len(members)
            if not members or offset >= page.get("total_items", 0):
                return emails


if __name__ == "__main__":
    try:
        sys.exit(main())
    except devenv.DevEnvError as error:
        devenv.say(f"error: {error}")
        sys.exit(2)
