"""Benchmark body, run inside ``odoo-bin shell`` by ``bench/run`` (``env`` is Odoo's).

Connects the company's account to the Mailchimp stand-in that bench/run started
in its own process, creates N customers, then syncs them (initial run), runs a
no-change resync, a 1 %-change resync and a full audit, and prints one JSON object.

Memory: before each run everything the customer creation left behind is
released (commit, ``invalidate_all``, ``gc.collect``, ``malloc_trim``), then the
kernel's peak-RSS counter of this process is reset (``/proc/self/clear_refs``,
``5`` resets VmHWM) and read back after the run: ``sync_peak_rss_mb`` is the
peak of the Odoo process during the initial sync alone, Odoo's own baseline
(``sync_baseline_rss_mb``, what the process held when the run started) included.

API calls are counted from the stand-in's request log (``GET /_standin/requests``).
"""
import contextlib
import cProfile
import ctypes
import functools
import gc
import json
import os
import resource
import sys
import time

import requests

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ORM_CHUNK = 2000  # customers made by create() in one call (and how many are always made so)
SQL_CHUNK = 50000  # customers copied in one INSERT
# res_partner columns that differ per customer; all others are copied from an ORM-made customer
PER_CUSTOMER_SQL = {
    "name": "format('Customer %%s Bench', new.n)",
    "complete_name": "format('Customer %%s Bench', new.n)",
    "email": "format('customer%%s@bench-example.com', new.n)",
    "email_normalized": "format('customer%%s@bench-example.com', new.n)",
    "mailchimp_email_key": "format('customer%%s@bench-example.com', new.n)",
    "phone": "format('500 %%s %%s', lpad((new.n %% 1000)::text, 3, '0'), lpad((new.n / 1000 %% 1000)::text, 3, '0'))",
    "phone_sanitized": "format('+48500%%s%%s', lpad((new.n %% 1000)::text, 3, '0'), lpad((new.n / 1000 %% 1000)::text, 3, '0'))",
    "commercial_partner_id": "new.id",
}


def say(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Standin:
    """The stand-in bench/run started: its API (for the account) and its control routes."""

    def __init__(self, root_url, api_key):
        self.root_url = root_url
        self.base_url = root_url + "/3.0"
        self.api_key = api_key

    def requests(self):
        response = requests.get(f"{self.root_url}/_standin/requests", timeout=60)
        response.raise_for_status()
        return response.json()["requests"]

    def add_fault(self, **fault):
        requests.post(f"{self.root_url}/_standin/faults", json=fault, timeout=10).raise_for_status()


def main(env, partner_count, in_flight, latency, create):
    standin = Standin(os.environ["BENCH_STANDIN_URL"], os.environ["BENCH_STANDIN_KEY"])
    audience = _prepare_audience(env, standin, in_flight)
    started = time.perf_counter()
    _create_customers(env, partner_count, create)
    create_seconds = round(time.perf_counter() - started, 1)
    startup_peak = _status_mb("VmHWM")  # since the process started: Odoo, the audience, the customers
    say(f"{partner_count} customers created in {create_seconds} s")
    if latency:  # every batch subscribe (POST /3.0/lists/{id}) answers after `latency` seconds
        standin.add_fault(delay=latency, times=None, method="POST", path_contains=f"/lists/{audience.mailchimp_id}")
    initial = _measure(env, standin, audience, "initial")
    noop = _measure(env, standin, audience, "no-change")
    changed_ids = _first_customers(env, max(1, partner_count // 100))
    _rename(env, changed_ids)
    delta = _measure(env, standin, audience, "1 %-change")
    audit = _measure(env, standin, audience, "audit", audit=True)
    figures = {
        "partners": partner_count,
        "in_flight_setting": audience.account_id.max_in_flight,
        "latency_seconds": latency,
        "cold_caches": bool(os.environ.get("BENCH_COLD")),
        "create_seconds": create_seconds,
        "initial_api_calls": initial["api_calls"],
        "initial_write_calls": initial["write_calls"],
        "initial_seconds": initial["seconds"],
        "initial_cpu_seconds": initial["cpu_seconds"],
        "initial_cpu_ms_per_customer": round(1000 * initial["cpu_seconds"] / max(partner_count, 1), 3),
        "initial_sql_queries": initial["sql_queries"],
        "initial_created": initial["created"],
        "max_in_flight": initial["max_in_flight"],
        "sync_baseline_rss_mb": initial["baseline_rss_mb"],
        "sync_peak_rss_mb": initial["peak_rss_mb"],
        "noop_write_calls": noop["write_calls"],
        "noop_seconds": noop["seconds"],
        "noop_cpu_seconds": noop["cpu_seconds"],
        "noop_sql_queries": noop["sql_queries"],
        "noop_peak_rss_mb": noop["peak_rss_mb"],
        "delta_partners": len(changed_ids),
        "delta_write_calls": delta["write_calls"],
        "delta_seconds": delta["seconds"],
        "delta_cpu_seconds": delta["cpu_seconds"],
        "delta_sql_queries": delta["sql_queries"],
        "delta_updated": delta["updated"],
        "delta_peak_rss_mb": delta["peak_rss_mb"],
        "delta_read": delta["read"],
        "noop_read": noop["read"],
        "audit_write_calls": audit["write_calls"],
        "audit_seconds": audit["seconds"],
        "audit_cpu_seconds": audit["cpu_seconds"],
        "audit_sql_queries": audit["sql_queries"],
        "audit_missed": audit["missed"],
        "audit_read": audit["read"],
        "audit_peak_rss_mb": audit["peak_rss_mb"],
        "loadavg_before": initial["load"],  # 1-minute load average when the initial sync started
        "create_peak_rss_mb": startup_peak,
        # the whole process (ru_maxrss cannot say: resetting VmHWM resets it too)
        "peak_rss_mb": max(startup_peak, initial["peak_rss_mb"], noop["peak_rss_mb"], delta["peak_rss_mb"],
                           audit["peak_rss_mb"]),
    }
    print(json.dumps(figures))
    return figures


def _prepare_audience(env, standin, in_flight):
    account = env["mailchimp.account"]._for_company(create=True)
    account.write({"report_email": "bench@acme-example.com", "report_policy": "always",
                   **({"max_in_flight": in_flight} if in_flight else {})})
    account._connect(Credentials.from_api_key(standin.api_key, base_url=standin.base_url))
    client = account._client()
    list_id = client.get_lists()[0]["id"]
    category = client.create_interest_category(list_id, {"title": "Bench groups", "type": "checkboxes"})
    interest = client.create_interest(list_id, category["id"], {"name": "Bench customers"})
    env["mailchimp.audience"].action_refresh_audiences()
    audience = env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
    audience._refresh_schema(client)
    env["res.partner.category"].create({
        "name": "Bench customers",
        "mailchimp_interest_id": env["mailchimp.interest"].search([("mailchimp_id", "=", interest["id"])]).id,
    })
    env.cr.commit()
    return audience


# ------------------------------------------------------------------ customers

def _create_customers(env, count, create):
    """N customers with the bench tag and the box ticked (their ids are not kept: the run starts lean).

    The first ORM_CHUNK (all of them with ``create="orm"``) are made with
    ``create()``; the others are copied in SQL from the last of those, with the
    per-customer columns of PER_CUSTOMER_SQL, and checked: the stored computed
    fields of a sample, recomputed by the ORM, must not change.
    """
    tag = env["res.partner.category"].search([("name", "=", "Bench customers")])
    country = env.ref("base.pl")
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    orm_count = count if create == "orm" else min(count, ORM_CHUNK)
    last_id = None
    for start in range(0, orm_count, ORM_CHUNK):
        last_id = Partner.create([{
            "name": f"Customer {n} Bench", "email": f"customer{n}@bench-example.com",
            "phone": f"500 {n % 1000:03d} {n // 1000 % 1000:03d}", "country_id": country.id,
            "category_id": [(6, 0, tag.ids)], "mailchimp_subscribe": True,
        } for n in range(start, min(start + ORM_CHUNK, orm_count))]).ids[-1]
        env.cr.commit()
        env.invalidate_all()
        if start and start % 20000 == 0:
            say(f"{start} customers created")
    if orm_count == count:
        return
    copied = _copy_columns(env)
    relation = Partner._fields["category_id"]
    for start in range(orm_count, count, SQL_CHUNK):
        env.cr.execute(f"""
            WITH new AS (SELECT n, nextval('res_partner_id_seq') AS id FROM generate_series(%s, %s) AS n ORDER BY n),
                 inserted AS (
                     INSERT INTO res_partner (id, {", ".join(PER_CUSTOMER_SQL)}, {", ".join(copied)})
                     SELECT new.id, {", ".join(PER_CUSTOMER_SQL.values())}, {", ".join(f"t.{c}" for c in copied)}
                       FROM new, res_partner t WHERE t.id = %s ORDER BY new.n
                     RETURNING id)
            INSERT INTO {relation.relation} ({relation.column1}, {relation.column2})
            SELECT id, %s FROM inserted
        """, (start, min(start + SQL_CHUNK, count) - 1, last_id, tag.id))
        env.cr.commit()
        say(f"{min(start + SQL_CHUNK, count)} customers created")
    env.cr.execute("SELECT id FROM res_partner WHERE id > %s ORDER BY id LIMIT 50", (last_id,))
    _check_copies(env, [row[0] for row in env.cr.fetchall()])


def _first_customers(env, count):
    env.cr.execute("SELECT id FROM res_partner WHERE email LIKE 'customer%%@bench-example.com' ORDER BY id LIMIT %s",
                   (count,))
    return [row[0] for row in env.cr.fetchall()]


def _copy_columns(env):
    env.cr.execute("""SELECT column_name FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name = 'res_partner' ORDER BY column_name""")
    return [row[0] for row in env.cr.fetchall() if row[0] not in PER_CUSTOMER_SQL and row[0] != "id"]


def _check_copies(env, sample_ids):
    """Customers copied in SQL must be what the ORM makes: recomputing their stored fields changes nothing."""
    Partner = env["res.partner"].with_context(active_test=False)
    sample = Partner.browse(sample_ids)
    names = [name for name, field in Partner._fields.items()
             if field.store and field.column_type and name not in ("write_date", "write_uid")]
    before = sample.read(names)
    for field in Partner._fields.values():
        if field.store and field.compute:
            env.add_to_compute(field, sample)
    env.flush_all()
    env.invalidate_all()
    after = sample.read(names)
    env.cr.rollback()
    env.invalidate_all()
    differing = sorted({name for old, new in zip(before, after) for name in names if old[name] != new[name]})
    if differing:
        raise RuntimeError(f"customers copied in SQL differ from the ORM's in {differing}: "
                           "add these columns to PER_CUSTOMER_SQL in bench/scenario.py")


def _rename(env, partner_ids, chunk=2000):
    Partner = env["res.partner"].with_context(tracking_disable=True)
    for start in range(0, len(partner_ids), chunk):
        for partner in Partner.browse(partner_ids[start:start + chunk]):
            partner.name = f"{partner.name} Jr"
        env.cr.commit()
        env.invalidate_all()


# ------------------------------------------------------------------ one run, measured

def _measure(env, standin, audience, label, audit=False):
    logged_before = len(standin.requests())
    queries_before = env.cr.sql_log_count
    baseline = _settle_and_reset_peak(env)
    profile_dir = os.environ.get("BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_dir else None
    load = round(os.getloadavg()[0], 2)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    run = (audience.with_context(mailchimp_audit=True)._sync_members(trigger="audit") if audit
           else audience._sync_members(trigger="manual"))
    if profiler:
        profiler.disable()
    seconds = round(time.perf_counter() - started, 2)
    cpu_seconds = round(_cpu_seconds() - cpu_before, 2)
    if profiler:
        profiler.dump_stats(os.path.join(profile_dir, label.replace(" %", "pct") + ".prof"))
    peak = _status_mb("VmHWM")
    sql_queries = env.cr.sql_log_count - queries_before
    logged = standin.requests()[logged_before:]
    if run.state != "done":
        raise RuntimeError(f"bench run {run.state}: {run.message}")
    say(f"{label} sync: {seconds} s ({cpu_seconds} s CPU, load before {load}), "
        f"peak RSS {peak} MB (baseline {baseline} MB)")
    return {
        "api_calls": len(logged),
        "write_calls": sum(1 for request in logged if request["method"] in WRITE_METHODS),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "load": load,
        "sql_queries": sql_queries,
        "created": run.created_count,
        "updated": run.updated_count,
        "read": run.total_count,
        "missed": run.missed_count,
        "max_in_flight": run.max_in_flight,
        "baseline_rss_mb": baseline,
        "peak_rss_mb": peak,
    }


def _clear_addon_caches():
    """Empty the ``functools`` caches of the add-on's core (a freshly started worker has them empty)."""
    cleared = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("odoo.addons.mailchimp_sync.mailchimp_sync.") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            # type(), not isinstance(): a werkzeug proxy would answer for its (unbound) object
            if type(value) is functools._lru_cache_wrapper and value.__module__ == name:  # noqa: SLF001
                value.cache_clear()
                cleared.append(f"{name.rsplit('.', 1)[-1]}.{attribute}")
    return sorted(cleared)


def _settle_and_reset_peak(env):
    """Release what is not needed any more, reset VmHWM to the current RSS and return that (MB)."""
    if os.environ.get("BENCH_COLD"):
        say(f"cold run: cleared {', '.join(_clear_addon_caches()) or 'no caches'}")
    env.cr.commit()
    env.invalidate_all()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # hand freed heap back to the kernel (glibc)
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")  # Linux: reset the peak RSS (VmHWM) to the current RSS
    return _status_mb("VmRSS")


def _cpu_seconds():
    """CPU time of this process so far (all threads: the run's and the HTTP workers')."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _status_mb(key):
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {key} in /proc/self/status")


if __name__ == "__main__":  # odoo-bin shell; bench/campaigns.py imports the helpers
    main(env, int(os.environ.get("BENCH_PARTNERS", "10000")),  # noqa: F821 (env comes from odoo shell)
         int(os.environ.get("BENCH_IN_FLIGHT") or 0), float(os.environ.get("BENCH_LATENCY") or 0),
         os.environ.get("BENCH_CREATE", "sql"))
