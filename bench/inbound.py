"""Mailchimp → Odoo benchmark body, run inside ``odoo-bin shell`` by ``bench/run --inbound`` (``env`` is Odoo's).

Three figures, printed as one JSON object:

* webhook events applied per second by one Odoo worker: N deliveries (new
  subscribers, then unsubscribes of half of them) go through the same code as
  the controller after its checks (store, parse, apply, commit each), in this
  process, HTTP left out;
* the cost of one delivery applied alone, by kind (a new customer's subscribe,
  a profile update, an email change, an unsubscribe, a cleaned address): SQL
  queries and CPU milliseconds of the Odoo process per delivery, each fired
  just before it arrives, first in an audience without groups linked to tags
  (``webhook_kind_<kind>_...``), then again once a group is linked to the tag
  new subscribers get, so that the customers are eligible and their item's hash
  is stored (``webhook_mapped_<kind>_...``). The first delivery of each kind is
  counted apart (``..._first_...``): it may read what the worker then keeps
  (the audience's schema, read again once its groups changed). With
  ``BENCH_LOG_SQL=1`` the queries of one delivery of each kind go to stderr;
  with ``bench/run --profile DIR`` each kind's cProfile goes to DIR and the
  Python function calls per delivery are printed (``..._python_calls``, first
  delivery included): they do not move with the machine's load as CPU time does
  (the profiler's own cost makes that run's CPU figures meaningless). Before each
  kind, the CPU milliseconds of a fixed pure-Python workload are measured
  (``webhook_<prefix>_reference_cpu_ms``, their mean): how fast the machine ran
  Python then; the host's load can slow a whole run's CPU figures by half or
  more, so runs compare at equal reference. With ``BENCH_KIND_ROUNDS=R`` the
  kinds run R times on new addresses and each kind's lowest round
  (``..._odoo_cpu_ms_best``, the mean of a round's deliveries) is printed too:
  what the code costs once the host's interference is left out, as Python's
  ``timeit`` measures;
* the import of M members of an audience (the scheduled job's page-by-page
  import): seconds, SQL queries and the peak RSS of the import alone (the
  kernel's counter reset before it, as in ``scenario.py``); the stand-in runs in
  its own process (bench/run), so its memory is not counted.
"""
import contextlib
import cProfile
import gc
import json
import logging
import os
import pstats
import sys
import time
import traceback
import urllib.parse
from collections import defaultdict
from datetime import UTC, datetime

from odoo.addons.mailchimp_sync.mailchimp_sync.credentials import Credentials


def delivery(event_type, email, list_id, n, fired_at=None, name=None, **data):
    fired_at = fired_at or f"2026-11-27 10:{n // 60 % 60:02d}:{n % 60:02d}"
    pairs = [("type", event_type), ("fired_at", fired_at),
             ("data[list_id]", list_id), ("data[email]", email), ("data[merges][EMAIL]", email),
             ("data[merges][FNAME]", name or f"Reader {n}"), ("data[merges][LNAME]", "Bench")]
    return urllib.parse.urlencode(pairs + [(f"data[{key}]", value) for key, value in data.items()]).encode()


def peak_rss_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def reset_peak_rss():
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")


def prepare(env):
    """Connect to the stand-in bench/run started in its own process (its memory is not counted)."""
    account = env["mailchimp.account"]._for_company(create=True)
    account.write({"report_email": "bench@acme-example.com"})
    account._connect(Credentials.from_api_key(os.environ["BENCH_STANDIN_KEY"],
                                              base_url=os.environ["BENCH_STANDIN_URL"] + "/3.0"))
    client = account._client()
    list_id = client.get_lists()[0]["id"]
    env["mailchimp.audience"].action_refresh_audiences()
    audience = env["mailchimp.audience"].search([("mailchimp_id", "=", list_id)])
    audience._refresh_schema(client)
    env.cr.commit()
    return audience, client, list_id


def webhook_bodies(list_id, count, prefix):
    """``count`` deliveries: new subscribers, then unsubscribes of half of them."""
    bodies = [delivery("subscribe", f"{prefix}{n}@bench-example.com", list_id, n) for n in range(count // 2)]
    bodies += [delivery("unsubscribe", f"{prefix}{n}@bench-example.com", list_id, n + count, action="unsub",
                        reason="manual") for n in range(count - count // 2)]
    return bodies


def timed_webhooks(env, label, count, work):
    """Run ``work()`` and return its figures: wall and Odoo CPU time, SQL queries, events applied per second."""
    Event = env["mailchimp.webhook.event"]
    done_before = Event.search_count([("state", "=", "done")])
    queries_before = env.cr.sql_log_count
    started, cpu_started = time.monotonic(), time.process_time()
    with profiled(label):
        work()
    seconds, cpu_seconds = time.monotonic() - started, time.process_time() - cpu_started
    return {f"{label}_events": count,
            f"{label}_applied": Event.search_count([("state", "=", "done")]) - done_before,
            f"{label}_seconds": round(seconds, 2),
            f"{label}_events_per_second": round(count / seconds, 1),
            f"{label}_odoo_cpu_ms_per_event": round(1000 * cpu_seconds / count, 1),
            f"{label}_sql_queries_per_event": round((env.cr.sql_log_count - queries_before) / count, 1)}


def bench_webhooks(env, audience, list_id, count):
    """Two figures, both through the controller's code after its checks (store and commit, then apply):

    * ``webhook_one_by_one``: each delivery arrives after the previous one was applied;
    * ``webhook_burst``: ``count`` deliveries arrive together (a bulk change in Mailchimp, or
      Mailchimp catching up after an outage): each is stored and committed as its request
      does, and one worker applies what waits, a batch per request; the two phases are
      also given apart (``..._stored_per_second``, ``..._applied_per_second``).
    """
    Event = env["mailchimp.webhook.event"]

    def one_by_one():
        for raw in webhook_bodies(list_id, count, "one"):
            Event._receive_webhook(audience, raw, own_transaction=True)  # as its request: nothing else in it
            env.cr.commit()

    phases = {}

    def burst():
        started = time.monotonic()
        for raw in webhook_bodies(list_id, count, "burst"):
            Event._store_webhook(audience, raw)
        phases["store"] = time.monotonic() - started
        started = time.monotonic()
        while Event._apply_waiting(audience):
            env.cr.commit()
        phases["apply"] = time.monotonic() - started

    figures = timed_webhooks(env, "webhook_one_by_one", count, one_by_one)
    figures |= timed_webhooks(env, "webhook_burst", count, burst)
    figures |= {"webhook_burst_stored_per_second": round(count / phases["store"], 1),
                "webhook_burst_applied_per_second": round(count / phases["apply"], 1)}
    return figures


KINDS = ("subscribe_new", "profile", "upemail", "unsubscribe", "cleaned")


def kind_body(kind, list_id, n, prefix="kind"):
    """One delivery of ``kind`` about the n-th address, fired now (so that it is later than what Odoo knows)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    email, moved = f"{prefix}{n}@bench-example.com", f"{prefix}{n}.moved@bench-example.com"
    if kind == "subscribe_new":
        return delivery("subscribe", email, list_id, n, fired_at=now)
    if kind == "profile":
        return delivery("profile", email, list_id, n, fired_at=now, name=f"Renamed {n}")
    if kind == "upemail":
        return urllib.parse.urlencode([("type", "upemail"), ("fired_at", now), ("data[list_id]", list_id),
                                       ("data[old_email]", email), ("data[new_email]", moved)]).encode()
    if kind == "unsubscribe":
        return delivery("unsubscribe", moved, list_id, n, fired_at=now, name=f"Renamed {n}", action="unsub",
                        reason="manual")
    return delivery("cleaned", email, list_id, n, fired_at=now, name=f"Reader {n}", reason="hard")


class QueryOrigin(logging.Filter):
    """Adds to each logged query where it comes from: the add-on's innermost frame and Odoo's below it."""

    def filter(self, record):
        stack = traceback.extract_stack()[:-1]
        ours = [n for n, frame in enumerate(stack) if "/mailchimp_sync/" in frame.filename
                and not frame.filename.endswith(("bench/inbound.py", "<stdin>"))]
        frames = stack[ours[-1]:ours[-1] + 2] if ours else stack[-3:-1]
        record.origin = " > ".join(f"{os.path.basename(frame.filename)}:{frame.lineno} {frame.name}"
                                   for frame in frames)
        return True


@contextlib.contextmanager
def logged_sql(title):
    """Odoo's SQL log of the block to stderr (``odoo.sql_db`` at debug level), each query with its origin."""
    logger = logging.getLogger("odoo.sql_db")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(QueryOrigin())
    handler.setFormatter(logging.Formatter("    %(message).160s\n        from %(origin)s"))
    level, propagate = logger.level, logger.propagate
    sys.stderr.write(f"\n--- SQL of one {title} delivery\n")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # Odoo's own handler logs it at its level only
    try:
        yield
    finally:
        logger.setLevel(level)
        logger.propagate = propagate
        logger.removeHandler(handler)


def bench_kinds(env, audience, list_id, count, prefix="kind", rounds=1):
    """Queries and CPU of one delivery applied alone, by kind: ``count`` new customers subscribe, the first
    half of them then change their name, their address, and unsubscribe; the second half is cleaned.
    Figures are named ``webhook_<prefix>_<kind>_...``.

    With ``rounds`` > 1 the whole sequence runs again on new addresses (profiling off): ``..._odoo_cpu_ms`` is
    then the mean of every round and ``..._odoo_cpu_ms_best`` the lowest round's mean. As Python's ``timeit``
    advises, the lowest is what the code costs and the higher ones are the host's interference; each round's
    figure is the mean of all its deliveries, never a single delivery's."""
    log_sql = bool(os.environ.get("BENCH_LOG_SQL"))
    plan = {"subscribe_new": range(count), "profile": range(count // 2), "upemail": range(count // 2),
            "unsubscribe": range(count // 2), "cleaned": range(count // 2, count)}
    figures, references = {}, []
    queries_by_kind, round_cpu_ms = defaultdict(list), defaultdict(list)
    for round_number in range(rounds):
        addresses = prefix if round_number == 0 else f"{prefix}r{round_number + 1}-"
        for kind in KINDS:
            time.sleep(1.1)  # a second later than what the previous kind wrote (Mailchimp's times are in seconds)
            references.append(reference_cpu_ms())
            with profiled(f"webhook_{prefix}_{kind}") if round_number == 0 else contextlib.nullcontext() as profile:
                costs = _apply_alone(env, audience, list_id, kind, plan[kind], addresses,
                                     log_sql and round_number == 0)
            if profile:
                figures[f"webhook_{prefix}_{kind}_python_calls"] = round(pstats.Stats(profile).total_calls / len(costs))
            (first_queries, first_cpu), (queries, cpu) = costs[0], zip(*costs[1:])
            queries_by_kind[kind].extend(queries)
            round_cpu_ms[kind].append(1000 * sum(cpu) / len(cpu))
            if round_number == 0:
                figures[f"webhook_{prefix}_{kind}_first_sql_queries"] = first_queries
                figures[f"webhook_{prefix}_{kind}_first_odoo_cpu_ms"] = round(1000 * first_cpu, 1)
    for kind in KINDS:
        figures[f"webhook_{prefix}_{kind}_sql_queries"] = round(sum(queries_by_kind[kind]) / len(queries_by_kind[kind]), 1)
        figures[f"webhook_{prefix}_{kind}_odoo_cpu_ms"] = round(sum(round_cpu_ms[kind]) / rounds, 1)
        if rounds > 1:
            figures[f"webhook_{prefix}_{kind}_odoo_cpu_ms_best"] = round(min(round_cpu_ms[kind]), 1)
    figures[f"webhook_{prefix}_reference_cpu_ms"] = round(sum(references) / len(references), 1)
    if rounds > 1:
        figures[f"webhook_{prefix}_reference_cpu_ms_best"] = round(min(references), 1)
    return figures


def reference_cpu_ms():
    """CPU milliseconds of a fixed pure-Python workload (dict, string and list work, as the ORM's), the best of
    three: how fast this machine runs Python code now. The garbage collector is held off meanwhile: the
    workload's objects would otherwise have it walk Odoo's whole heap now and then, a cost of the heap, not of
    the machine."""
    def once():
        started = time.process_time()
        table = {str(number): (number, [number]) for number in range(30_000)}
        sum(len(key) + len(value[1]) for key, value in table.items())
        return time.process_time() - started

    enabled = gc.isenabled()
    gc.disable()
    try:
        return round(1000 * min(once() for _attempt in range(3)), 1)
    finally:
        if enabled:
            gc.enable()


def _apply_alone(env, audience, list_id, kind, numbers, prefix, log_sql):
    """``[(queries, CPU seconds)]`` of each delivery of ``kind`` about these numbers, applied alone. The first
    may read what the worker keeps between deliveries (the audience's schema after a change of its groups…)."""
    Event = env["mailchimp.webhook.event"]
    costs = []
    for n in numbers:
        raw = kind_body(kind, list_id, n, prefix)
        logging_it = log_sql and n == numbers[len(numbers) // 2]
        queries_before, cpu_started = env.cr.sql_log_count, time.process_time()
        with logged_sql(f"{prefix} {kind}") if logging_it else contextlib.nullcontext():
            event = Event._receive_webhook(audience, raw, own_transaction=True)  # as its request
            env.cr.commit()
        costs.append((env.cr.sql_log_count - queries_before, time.process_time() - cpu_started))
        if event.state != "done":
            raise RuntimeError(f"{kind} delivery {n} not applied: {event.state} {event.outcome}")
    return costs


def map_a_group(env, audience, client, list_id):
    """A Mailchimp group linked to the tag new subscribers get, as a real audience has: the customers the
    deliveries create are then eligible, so each delivery also stores their item's hash (tags, groups)."""
    category = client.create_interest_category(list_id, {"title": "Bench groups", "type": "checkboxes"})
    interest = client.create_interest(list_id, category["id"], {"name": "Readers"})
    audience._refresh_schema(client)
    tag = env["res.partner.category"].create({
        "name": "Bench readers",
        "mailchimp_interest_id": env["mailchimp.interest"].search([("mailchimp_id", "=", interest["id"])]).id})
    audience.signup_tag_id = tag
    env.cr.commit()


def bench_import(env, audience, client, list_id, count):
    for start in range(0, count, 500):
        client.batch_subscribe(list_id, [
            {"email_address": f"member{n}@bench-example.com", "status_if_new": "subscribed",
             "merge_fields": {"FNAME": f"Member {n}"}} for n in range(start, min(start + 500, count))])
    audience.action_import_members()
    env.cr.commit()
    env.invalidate_all()
    reset_peak_rss()
    queries_before = env.cr.sql_log_count
    started = time.monotonic()
    audience._import_members()
    seconds = time.monotonic() - started
    return {"import_members": audience.import_offset, "import_seconds": round(seconds, 1),
            "import_sql_queries": env.cr.sql_log_count - queries_before, "import_peak_rss_mb": peak_rss_mb(),
            "import_summary": json.loads(audience.import_summary or "{}")}


@contextlib.contextmanager
def profiled(name):
    """cProfile of the block into ``$BENCH_PROFILE/<name>.prof`` when bench/run --profile DIR was given; yields the
    profile (None without --profile)."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        yield None
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield profile
    finally:
        profile.disable()
        profile.dump_stats(os.path.join(folder, f"{name}.prof"))


def main(env):
    events = int(os.environ.get("BENCH_EVENTS", "1000"))
    members = int(os.environ.get("BENCH_MEMBERS", "10000"))
    audience, client, list_id = prepare(env)
    figures = bench_webhooks(env, audience, list_id, events)
    kind_events = int(os.environ.get("BENCH_KIND_EVENTS", "200"))
    rounds = 1 if os.environ.get("BENCH_PROFILE") else int(os.environ.get("BENCH_KIND_ROUNDS", "1"))
    figures |= bench_kinds(env, audience, list_id, kind_events, rounds=rounds)
    map_a_group(env, audience, client, list_id)
    figures |= bench_kinds(env, audience, list_id, kind_events, prefix="mapped", rounds=rounds)
    with profiled("import"):
        figures |= bench_import(env, audience, client, list_id, members)
    print(json.dumps(figures))


main(env)  # noqa: F821 - env is odoo-bin shell's
