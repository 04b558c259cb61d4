"""Campaign import benchmark (#9): run inside ``odoo-bin shell`` by ``bench/run --campaigns`` (``env`` is Odoo's).

``bench/run`` starts the stand-in in its own process with :func:`standin_lists`:
one audience of R subscribed readers and N campaigns sent to all of them over
the last 60 days, with opens, clicks and bounces (about 1.1 events per
recipient). Half of the readers are customers in Odoo, so the import links
their activity. Two imports are timed, each printed as seconds (wall and CPU), SQL queries
and the peak RSS of the import alone (the kernel's counter reset before it,
with ``scenario.py``'s helper):

* the first, which reads every campaign, report and email-activity page;
* the incremental one right after, which adds nothing: campaigns sent more
  than 30 days ago are frozen, the others ask only for the activity ``since``
  the last import.

Importable without Odoo (``bench/run`` imports :func:`standin_lists`); the
benchmark itself runs only as ``odoo-bin shell``'s ``__main__``.
"""
import cProfile
import json
import os
import random
import sys
import time

URLS = ("https://acme-example.com/offer", "https://acme-example.com/new", "https://acme-example.com/stores")
LIST_ID = "b3nch00001"
SPAN_DAYS = 60


def reader(n):
    return f"reader{n}@bench-example.com"


def standin_lists(campaigns, recipients, seed=9):
    """The stand-in seed's ``lists``: R subscribed readers, N campaigns sent to all, with their activity."""
    rng = random.Random(seed)
    sent = []
    for number in range(campaigns):
        days_ago = 1 + (SPAN_DAYS - 1) * (campaigns - 1 - number) // max(campaigns - 1, 1)
        sent.append({"id": f"c{number:09d}", "title": f"Bench campaign {number}",
                     "subject_line": f"News number {number}", "send_time": f"D-{days_ago} 08:00",
                     "activity": [event for n in range(recipients) for event in _reader_activity(rng, reader(n))]})
    return [{"id": LIST_ID, "name": "Bench audience",
             "members": [{"email_address": reader(n)} for n in range(recipients)], "campaigns": sent}]


def _reader_activity(rng, email):
    """One reader's events for one campaign, within 15 hours of sending: 2 % bounce, 45 % open, 30 % of those click."""
    if rng.random() < 0.02:
        return [{"email": email, "action": "bounce", "minutes_after_send": 1,
                 "type": "hard" if rng.random() < 0.25 else "soft"}]
    if rng.random() >= 0.45:
        return []
    minutes = sorted(rng.randint(2, 900) for _ in range(rng.randint(1, 3)))
    events = [{"email": email, "action": "open", "minutes_after_send": minute} for minute in minutes]
    if rng.random() < 0.3:
        events += [{"email": email, "action": "click", "minutes_after_send": minutes[0] + 1 + extra,
                    "url": rng.choice(URLS)} for extra in range(rng.randint(1, 2))]
    return events


# ---------------------------------------------------------------- inside odoo-bin shell

def _connect(env, recipients):
    """The company's account on the stand-in bench/run started; the bench audience; half the readers as customers."""
    from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials

    account = env["mailchimp.account"]._for_company(create=True)
    account.write({"report_email": "bench@acme-example.com"})
    account._connect(Credentials.from_api_key(os.environ["BENCH_STANDIN_KEY"],
                                              base_url=os.environ["BENCH_STANDIN_URL"] + "/3.0"))
    env["mailchimp.audience"].action_refresh_audiences()
    env["res.partner"].create([{"name": f"Reader {n}", "email": reader(n)} for n in range(0, recipients, 2)])
    return env["mailchimp.audience"].search([("mailchimp_id", "=", LIST_ID)])


def _timed_import(env, audience, label):
    from scenario import (  # bench/ is on the path (main)
        _cpu_seconds,
        _settle_and_reset_peak,
        _status_mb,
    )

    baseline = _settle_and_reset_peak(env)
    profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    queries_before, cpu_before = env.cr.sql_log_count, _cpu_seconds()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    counts = audience._import_campaigns()
    env.cr.commit()
    if profiler:
        profiler.disable()
        profiler.dump_stats(os.path.join(os.environ["BENCH_PROFILE"], f"campaigns-{label}.prof"))
    return {f"{label}_seconds": round(time.perf_counter() - started, 1),
            f"{label}_cpu_seconds": round(_cpu_seconds() - cpu_before, 1),
            f"{label}_sql_queries": env.cr.sql_log_count - queries_before,
            f"{label}_peak_rss_mb": _status_mb("VmHWM"), f"{label}_baseline_rss_mb": baseline,
            f"{label}_new_campaigns": counts["new"], f"{label}_reports": counts["reports"],
            f"{label}_activity_added": counts["activity"]}


def main(env):
    sys.path.insert(0, os.environ["BENCH_DIR"])
    campaigns, recipients = int(os.environ["BENCH_CAMPAIGNS"]), int(os.environ["BENCH_RECIPIENTS"])
    audience = _connect(env, recipients)
    figures = {"campaigns": campaigns, "recipients": recipients}
    figures |= _timed_import(env, audience, "import")
    figures |= _timed_import(env, audience, "incremental")
    activity = env["mailchimp.campaign.activity"]
    figures |= {"activity_rows": activity.search_count([]),
                "activity_linked": activity.search_count([("partner_id", "!=", False)])}
    print(json.dumps(figures))


if __name__ == "__main__":
    main(env)  # noqa: F821 - env is odoo-bin shell's
