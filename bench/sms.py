"""Audience → SerwerSMS group benchmark body, run inside ``odoo-bin shell`` by ``bench/run --sms`` (``env`` is Odoo's).

N subscribed members with a mobile number are put in the Mailchimp stand-in;
then "Start sync" and the scheduled job copy them into a new SerwerSMS group,
as in production: Mailchimp read page by page, contacts imported in chunks,
the group listed once to learn the contacts' ids. Figures, as one JSON object:
seconds, gateway calls (per action), Mailchimp calls, SQL queries and the peak
RSS of the sync alone (the kernel's counter reset before it, as in
``scenario.py``). Both stand-ins run in their own processes (bench/run), so
their memory and CPU are not counted.
"""
import collections
import gc
import json
import os
import time
import urllib.request

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials
from odoo.addons.mailchimp_sync.mailchimp_sync.serwersms import SmsCredentials


def peak_rss_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        return next(round(int(line.split()[1]) / 1024, 1) for line in status if line.startswith("VmHWM:"))


def logged_requests(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)["requests"]


def prepare(env, members):
    account = env["mailchimp.account"]._for_company(create=True)
    account.write({"report_email": "bench@acme-example.com"})
    account._connect(Credentials.from_api_key(os.environ["BENCH_STANDIN_KEY"],
                                              base_url=os.environ["BENCH_STANDIN_URL"] + "/3.0"))
    env["mailchimp.sms.account"]._for_company(create=True)._connect(
        SmsCredentials.from_token(os.environ["BENCH_SMS_TOKEN"], base_url=os.environ["BENCH_SMS_URL"]))
    env.company.country_id = env.ref("base.pl")
    client = account._client()
    list_id = client.get_lists()[0]["id"]
    for start in range(0, members, 500):
        client.batch_subscribe(list_id, [
            {"email_address": f"sms{n}@bench-example.com", "status_if_new": "subscribed",
             "merge_fields": {"FNAME": f"Reader {n}", "PHONE": f"+48 {500000000 + n}"}}
            for n in range(start, min(start + 500, members))])
    env["mailchimp.audience"].action_refresh_audiences()
    env.cr.commit()
    return env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])


def bench_sync(env, audience):
    mailchimp_before = len(logged_requests(os.environ["BENCH_STANDIN_URL"] + "/_standin/requests"))
    gateway_before = len(logged_requests(os.environ["BENCH_SMS_URL"] + "/_standin/requests"))
    env.invalidate_all()
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")
    queries_before = env.cr.sql_log_count
    started = time.monotonic()
    audience.action_sms_start_sync()
    env.cr.commit()
    env["mailchimp.sms.group"]._cron_run()
    seconds = time.monotonic() - started
    group = audience.sms_group_ids[:1]
    calls = collections.Counter(call["action"] for call in
                                logged_requests(os.environ["BENCH_SMS_URL"] + "/_standin/requests")[gateway_before:])
    return {"sms_members": group.members_total, "sms_state": group.state, "sms_imported": group.imported_count,
            "sms_seconds": round(seconds, 1), "sms_gateway_calls": sum(calls.values()),
            "sms_gateway_calls_by_action": dict(calls),
            "sms_mailchimp_calls": len(logged_requests(os.environ["BENCH_STANDIN_URL"] + "/_standin/requests"))
            - mailchimp_before,
            "sms_sql_queries": env.cr.sql_log_count - queries_before, "sms_peak_rss_mb": peak_rss_mb()}


def main(env):
    audience = prepare(env, int(os.environ.get("BENCH_MEMBERS", "10000")))
    print(json.dumps(bench_sync(env, audience)))


main(env)  # noqa: F821 - env is odoo-bin shell's
