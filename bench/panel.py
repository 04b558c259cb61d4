"""The customer's Mailchimp panel, timed: run inside ``odoo-bin shell`` by ``bench/run --panel`` (``env`` is Odoo's).

One customer with two addresses in its email field and a contact with its own,
``BENCH_AUDIENCES`` audiences (the first address a member of each, having got
``BENCH_PANEL_CAMPAIGNS`` campaigns with opens and clicks). Prints one JSON
object: the panel's answer time for the first address, cold (nothing cached:
Mailchimp is read, one member call per audience and one activity call per
membership) and cached (the panel read again within five minutes), medians of
several rounds, and the stand-in requests of one cold answer; then cold again
with every stand-in answer delayed by ``BENCH_PANEL_LATENCY`` seconds (default
0.2, a round trip to Mailchimp's data centre), which is what a user waits for.
"""
import json
import os
import statistics
import time

import requests
from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials

ROOT = os.environ["BENCH_STANDIN_URL"]
AUDIENCES = int(os.environ.get("BENCH_AUDIENCES") or 4)
CAMPAIGNS = int(os.environ.get("BENCH_PANEL_CAMPAIGNS") or 10)
LATENCY = float(os.environ.get("BENCH_PANEL_LATENCY") or 0.2)
COLD_ROUNDS, CACHED_ROUNDS = 5, 50
OFFICE, SALES, CONTACT = "office@bench-panel.com", "sales@bench-panel.com", "jan@bench-panel.com"


def list_body(name):
    return {"name": name, "permission_reminder": "You are a customer.", "email_type_option": False,
            "contact": {"company": "Bench", "address1": "Ul. Prosta 1", "city": "Warszawa", "country": "PL"},
            "campaign_defaults": {"from_name": "Bench", "from_email": "news@bench-panel.com", "subject": "",
                                  "language": "pl"}}


def prepare(env):
    account = env["mailchimp.account"]._for_company(create=True)
    account.write({"report_email": "bench@acme-example.com"})
    account._connect(Credentials.from_api_key(os.environ["BENCH_STANDIN_KEY"], base_url=f"{ROOT}/3.0"))
    client = account._client()
    list_ids = [client.create_list(list_body(f"Bench audience {n + 1}"))["id"] for n in range(AUDIENCES)]
    for list_id in list_ids:
        for email in (OFFICE, SALES):
            client.upsert_member(list_id, email, {"email_address": email, "status_if_new": "subscribed"})
    for n in range(CAMPAIGNS):
        campaign = client.request("POST", "campaigns", json_body={
            "type": "regular", "recipients": {"list_id": list_ids[n % AUDIENCES]},
            "settings": {"subject_line": f"News {n}", "title": f"News {n}", "from_name": "Bench",
                         "reply_to": "news@bench-panel.com"}})
        client.request("PUT", f"campaigns/{campaign['id']}/content", json_body={"html": "<p>News</p>"
            "<p><a href='*|UNSUB|*'>Unsubscribe</a> *|LIST:ADDRESSLINE|*</p>"})
        client.request("POST", f"campaigns/{campaign['id']}/actions/send")
        for action in ("open", "click")[: 1 + n % 2]:
            requests.post(f"{ROOT}/_standin/campaigns/{campaign['id']}/activity",
                          json={"email": OFFICE, "action": action}, timeout=10).raise_for_status()
    env["mailchimp.audience"].action_refresh_audiences()
    company = env["res.partner"].create({"name": "Bench Panel", "is_company": True, "email": f"{OFFICE}; {SALES}"})
    env["res.partner"].create({"name": "Jan Bench", "parent_id": company.id, "email": CONTACT})
    env.cr.commit()
    return company


def standin_requests():
    return requests.get(f"{ROOT}/_standin/requests", timeout=10).json()["total_items"]


def timed(call):
    started = time.perf_counter()
    answer = call()
    return (time.perf_counter() - started) * 1000, answer


def cold_rounds(env, company):
    """Median milliseconds of a panel read with nothing cached, and the stand-in requests of one."""
    cache = env["mailchimp.panel.cache"].sudo()
    cold, cold_requests = [], None
    for _round in range(COLD_ROUNDS):
        cache.search([]).unlink()
        env.invalidate_all()
        before = standin_requests()
        elapsed, answer = timed(lambda: company.mailchimp_panel(OFFICE))
        cold_requests = standin_requests() - before
        cold.append(elapsed)
        assert answer["panel"]["in_any_audience"] and not answer["stale"], answer
    return statistics.median(cold), cold_requests, answer


def run(env):
    company = prepare(env)
    cold, cold_requests, answer = cold_rounds(env, company)
    cached, before = [], standin_requests()
    for _round in range(CACHED_ROUNDS):
        env.invalidate_all()
        elapsed, answer = timed(lambda: company.mailchimp_panel(OFFICE))
        cached.append(elapsed)
    cached_requests = standin_requests() - before
    requests.post(f"{ROOT}/_standin/faults", json={"delay": LATENCY, "times": 1_000_000}, timeout=10).raise_for_status()
    cold_latency, _requests, _answer = cold_rounds(env, company)
    requests.delete(f"{ROOT}/_standin/faults", timeout=10)
    env.cr.commit()
    return {
        "panel_audiences": AUDIENCES,
        "panel_campaigns_shown": len(answer["panel"]["campaigns"]),
        "panel_cold_ms": round(cold, 1),
        "panel_cold_requests": cold_requests,
        "panel_cached_ms": round(statistics.median(cached), 2),
        "panel_cached_requests": cached_requests,
        "panel_latency_s": LATENCY,
        "panel_cold_with_latency_ms": round(cold_latency, 1),
    }


print(json.dumps(run(env)))  # noqa: F821 - ``env`` is odoo-bin shell's
