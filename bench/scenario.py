"""Benchmark body, run inside ``odoo-bin shell`` by ``bench/run`` (``env`` is Odoo's).

Creates N customers, syncs them to an in-process Mailchimp stand-in, then runs
a no-change resync and a 1 %-change resync, and prints one JSON object.
"""
import json
import os
import resource
import time

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials
from odoo.addons.mailchimp_sync.standins.mailchimp import StandinServer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CREATE_CHUNK = 2000


def main(env, partner_count):
    with StandinServer() as standin:
        audience = _prepare_audience(env, standin)
        partners = _create_customers(env, audience, partner_count)
        initial = _measure(env, standin, audience)
        noop = _measure(env, standin, audience)
        changed = partners[: max(1, partner_count // 100)]
        for partner in changed:
            partner.name = f"{partner.name} Jr"
        env.cr.commit()
        delta = _measure(env, standin, audience)
    figures = {
        "partners": partner_count,
        "initial_api_calls": initial["api_calls"],
        "initial_write_calls": initial["write_calls"],
        "initial_seconds": initial["seconds"],
        "initial_sql_queries": initial["sql_queries"],
        "initial_created": initial["created"],
        "noop_write_calls": noop["write_calls"],
        "noop_seconds": noop["seconds"],
        "noop_sql_queries": noop["sql_queries"],
        "delta_partners": len(changed),
        "delta_write_calls": delta["write_calls"],
        "delta_seconds": delta["seconds"],
        "delta_updated": delta["updated"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures))
    return figures


def _prepare_audience(env, standin):
    account = env["mailchimp.account"]._for_company()
    account.write({"report_email": "bench@acme-example.com", "report_policy": "always"})
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


def _create_customers(env, audience, count):
    tag = env["res.partner.category"].search([("name", "=", "Bench customers")])
    country = env.ref("base.pl")
    Partner = env["res.partner"].with_context(tracking_disable=True, mail_create_nolog=True)
    partners = Partner.browse()
    for start in range(0, count, CREATE_CHUNK):
        partners |= Partner.create([{
            "name": f"Customer {n} Bench", "email": f"customer{n}@bench-example.com",
            "phone": f"500 {n % 1000:03d} {n // 1000 % 1000:03d}", "country_id": country.id,
            "category_id": [(6, 0, tag.ids)], "mailchimp_subscribe": True,
        } for n in range(start, min(start + CREATE_CHUNK, count))])
        env.cr.commit()
    return partners


def _measure(env, standin, audience):
    requests_before = len(standin.request_log)
    queries_before = env.cr.sql_log_count
    started = time.perf_counter()
    run = audience._sync_members(trigger="manual")
    seconds = round(time.perf_counter() - started, 2)
    requests = standin.request_log[requests_before:]
    if run.state != "done":
        raise RuntimeError(f"bench run {run.state}: {run.message}")
    return {
        "api_calls": len(requests),
        "write_calls": sum(1 for request in requests if request.method in WRITE_METHODS),
        "seconds": seconds,
        "sql_queries": env.cr.sql_log_count - queries_before,
        "created": run.created_count,
        "updated": run.updated_count,
    }


main(env, int(os.environ.get("BENCH_PARTNERS", "10000")))  # noqa: F821 (env comes from odoo shell)
