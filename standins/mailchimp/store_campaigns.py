"""Campaigns (create, content, test, send), recorded activity and reports."""

from . import checklist, errors, util
from .model import Activity, Campaign

CAMPAIGN_TYPES = ("regular", "plaintext", "absplit", "rss", "variate")
SETTINGS_DEFAULTS = {
    "subject_line": "", "preview_text": "", "title": "", "from_name": "", "reply_to": "",
    "use_conversation": False, "to_name": "", "folder_id": "", "authenticate": True,
    "auto_footer": False, "inline_css": False, "auto_tweet": False, "fb_comments": True,
    "timewarp": False, "template_id": 0, "drag_and_drop": False,
}
REPLICABLE_STATUSES = ("save", "sent")  # "Replicate a campaign in saved or send status" (API reference)
ACTIVITY_ACTIONS = ("open", "click", "bounce")
SEED_ACTIONS = ACTIVITY_ACTIONS + ("unsub",)


def _rate(part, whole):
    return round(part / whole, 4) if whole else 0


class CampaignsMixin:
    """Campaign resources; ``record_activity`` feeds reports and member activity."""

    def campaign(self, campaign_id):
        return errors.found(self.campaigns.get(campaign_id))

    def unsent_campaign(self, campaign_id):
        """The campaign, or 400 when it was sent already (a sent campaign cannot be updated)."""
        campaign = self.campaign(campaign_id)
        if campaign.status == "sent":
            raise errors.bad_request("This campaign has already been sent and cannot be updated.")
        return campaign

    def create_campaign(self, body):
        body = body if isinstance(body, dict) else {}
        if body.get("type") not in CAMPAIGN_TYPES:
            raise errors.field_error("type", f"Schema describes enum, {body.get('type')!r} found instead")
        recipients = body.get("recipients") or {}
        with self.write():
            if recipients.get("list_id"):
                self._check_recipients(recipients)
            settings = {**SETTINGS_DEFAULTS, **(body.get("settings") or {})}
            campaign = Campaign(id=self.new_hex_id(), web_id=self.new_web_id(), type=body["type"],
                                create_time=self.now(), recipients=dict(recipients), settings=settings)
            util.merge_from(campaign, body, ("tracking",))
            self.campaigns[campaign.id] = campaign
            return campaign

    def _check_recipients(self, recipients):
        audience = self.audiences.get(recipients.get("list_id"))
        if audience is None:
            raise errors.field_error("recipients.list_id", "The list_id is invalid.")
        options = recipients.get("segment_opts") or {}
        if options.get("saved_segment_id") not in (None, ""):
            if int(options["saved_segment_id"]) not in audience.segments:
                raise errors.field_error("recipients.segment_opts.saved_segment_id",
                                         "The segment does not exist.")
        elif options.get("conditions"):
            self._check_conditions(options)

    def update_campaign(self, campaign_id, body):
        body = body if isinstance(body, dict) else {}
        with self.write():
            campaign = self.unsent_campaign(campaign_id)
            if isinstance(body.get("recipients"), dict):
                recipients = {**campaign.recipients, **body["recipients"]}
                self._check_recipients(recipients)
                campaign.recipients = recipients
            util.merge_from(campaign, body, ("settings", "tracking"))
            return campaign

    def replicate_campaign(self, campaign_id):
        """``actions/replicate``: a new draft with the settings, recipients and content of a saved or sent campaign;
        its title gets " (copy 01)" (" (copy 02)" for the next), as Mailchimp names its copies."""
        with self.write():
            original = self.campaign(campaign_id)
            if original.status not in REPLICABLE_STATUSES:
                raise errors.bad_request("Only saved or sent campaigns can be replicated.")
            settings = dict(original.settings)
            base = settings.get("title") or settings.get("subject_line") or "Untitled"
            copies = sum(1 for c in self.campaigns.values() if c.settings.get("title", "").startswith(f"{base} (copy "))
            settings["title"] = f"{base} (copy {copies + 1:02d})"
            campaign = Campaign(id=self.new_hex_id(), web_id=self.new_web_id(), type=original.type,
                                create_time=self.now(), recipients=dict(original.recipients), settings=settings,
                                content=dict(original.content), tracking=dict(original.tracking))
            self.campaigns[campaign.id] = campaign
            return campaign

    def delete_campaign(self, campaign_id):
        with self.write():
            self.campaign(campaign_id)
            del self.campaigns[campaign_id]

    def set_campaign_content(self, campaign_id, body):
        body = body if isinstance(body, dict) else {}
        with self.write():
            campaign = self.unsent_campaign(campaign_id)
            html = body.get("html") or (body.get("archive") or {}).get("archive_content") or ""
            if body.get("template"):
                html = "\n".join(str(v) for v in (body["template"].get("sections") or {}).values())
            campaign.content = {"html": html, "plain_text": body.get("plain_text", ""),
                                "url": body.get("url", "")}
            return campaign

    def campaign_content_document(self, campaign):
        return {
            "plain_text": campaign.content.get("plain_text", ""),
            "html": campaign.content.get("html", ""),
            "archive_html": campaign.content.get("html", ""),
            "_links": [self.link("self", f"/campaigns/{campaign.id}/content")],
        }

    def recipients_of(self, campaign):
        """Subscribed members of the campaign's list that match its segment options."""
        audience = self.audience(campaign.recipients.get("list_id"))
        options = campaign.recipients.get("segment_opts") or {}
        if options.get("saved_segment_id") not in (None, ""):
            segment = self.segment(audience.id, options["saved_segment_id"])
            candidates = [audience.members[h] for h in self.segment_member_ids(audience, segment)]
        elif options.get("conditions"):
            candidates = self.members_matching(audience, options)
        else:
            candidates = list(audience.members.values())
        return [m for m in candidates if m.status == "subscribed"]

    def _checklist_items(self, campaign):
        """The send checklist's items (:func:`.checklist.checklist_items`) for what the store knows of ``campaign``."""
        if self.audiences.get(campaign.recipients.get("list_id")) is None:
            return checklist.checklist_items(campaign, None)
        try:
            count = len(self.recipients_of(campaign))
        except errors.ApiError:  # its saved segment was deleted: nobody to send to
            count = 0
        return checklist.checklist_items(campaign, count)

    def send_checklist_document(self, campaign_id):
        """``GET /campaigns/{id}/send-checklist``."""
        with self._lock:
            items = self._checklist_items(self.campaign(campaign_id))
            return {"is_ready": checklist.is_ready(items), "items": items,
                    "_links": [self.link("self", f"/campaigns/{campaign_id}/send-checklist")]}

    def _check_sendable(self, campaign, checks=None):
        """400 as Mailchimp answers a campaign sent already, or one whose checklist has an error (of ``checks``)."""
        if campaign.status == "sent":
            raise errors.bad_request("Cannot send a campaign that has already been sent.")
        if not checklist.is_ready(self._checklist_items(campaign), checks):
            raise errors.bad_request("Your Campaign is not ready to send.")

    def send_test_email(self, campaign_id, body):
        body = body if isinstance(body, dict) else {}
        emails = body.get("test_emails")
        if not isinstance(emails, list) or not emails:
            raise errors.field_error("test_emails", "This value should not be blank.")
        if body.get("send_type") not in ("html", "plaintext"):
            raise errors.field_error("send_type", "Schema describes enum")
        with self._lock:
            self._check_sendable(self.campaign(campaign_id), checklist.TEST_SEND_CHECKS)
            self.test_emails_sent.append((campaign_id, list(emails)))

    def send_campaign(self, campaign_id):
        """``actions/send``: freeze recipients, mark sent, fire ``campaign`` webhooks."""
        with self.write():
            campaign = self.campaign(campaign_id)
            self._check_sendable(campaign)
            campaign.sent_to = [m.id for m in self.recipients_of(campaign)]
            campaign.status = "sent"
            campaign.send_time = self.now()
            audience = self.audience(campaign.recipients["list_id"])
            self._fire(audience, "campaign", None, [
                ("data[id]", campaign.id), ("data[subject]", campaign.settings.get("subject_line", "")),
                ("data[status]", "sent"), ("data[reason]", ""), ("data[list_id]", audience.id)])

    def schedule_campaign(self, campaign_id, body):
        """``actions/schedule``: a future time on the quarter-hour, like Mailchimp; the campaign waits as ``schedule``."""
        body = body if isinstance(body, dict) else {}
        if not body.get("schedule_time"):
            raise errors.field_error("schedule_time", "This value should not be blank.")
        when = util.parse_iso(body["schedule_time"], "schedule_time")
        if when.minute % 15 or when.second or when.microsecond:
            raise errors.invalid_resource(detail=(
                "This campaign cannot be scheduled: the schedule time must be on the quarter-hour "
                "(:00, :15, :30, :45)."))
        if when <= self.now():
            raise errors.invalid_resource(detail="This campaign cannot be scheduled in the past.")
        with self.write():
            campaign = self.campaign(campaign_id)
            self._check_sendable(campaign)
            campaign.status = "schedule"
            campaign.send_time = when

    def unschedule_campaign(self, campaign_id):
        with self.write():
            campaign = self.campaign(campaign_id)
            if campaign.status != "schedule":
                raise errors.bad_request("This campaign is not scheduled.")
            campaign.status = "save"
            campaign.send_time = None

    def campaign_document(self, campaign):
        audience = self.audiences.get(campaign.recipients.get("list_id"))
        recipients = dict(campaign.recipients)
        if audience is not None:
            recipients.update({
                "list_is_active": True,
                "list_name": audience.name,
                "segment_text": "",
                "recipient_count": (len(campaign.sent_to) if campaign.status == "sent"
                                    else len(self.recipients_of(campaign))),
            })
        document = {
            "id": campaign.id,
            "web_id": campaign.web_id,
            "parent_campaign_id": "",
            "type": campaign.type,
            "create_time": util.iso(campaign.create_time),
            "archive_url": f"http://eepurl.com/{campaign.id[:6]}",
            "long_archive_url": f"https://us6.campaign-archive.com/?u=0&id={campaign.id}",
            "status": campaign.status,
            "emails_sent": len(campaign.sent_to),
            "send_time": util.iso(campaign.send_time) if campaign.send_time else "",
            "content_type": "html",
            "needs_block_refresh": False,
            "resendable": False,
            "recipients": recipients,
            "settings": dict(campaign.settings),
            "tracking": dict(campaign.tracking),
            "delivery_status": {"enabled": False},
            "_links": [self.link("self", f"/campaigns/{campaign.id}")],
        }
        if campaign.status == "sent":
            report = self.report_document(campaign)
            document["report_summary"] = {
                "opens": report["opens"]["opens_total"],
                "unique_opens": report["opens"]["unique_opens"],
                "open_rate": report["opens"]["open_rate"],
                "clicks": report["clicks"]["clicks_total"],
                "subscriber_clicks": report["clicks"]["unique_subscriber_clicks"],
                "click_rate": report["clicks"]["click_rate"],
            }
        return document

    def campaigns_collection(self, query):
        with self._lock:
            campaigns = list(self.campaigns.values())
            campaigns = util.matching(campaigns, query, "status", "type")
            if query.get("list_id"):
                campaigns = [c for c in campaigns if c.recipients.get("list_id") == query["list_id"]]
            return self.page_document("campaigns", campaigns, query, self.campaign_document, "/campaigns")

    def seed_campaign(self, list_id, settings, send_time, sent_to=None, activity=(), campaign_id=None,
                      campaign_type="regular", html="", web_id=None):
        """Put a campaign sent at ``send_time`` in place directly, with its activity: no readiness check, no webhooks.

        ``sent_to``: the addresses it went to, members of the list whatever their status now
        (the list as it was when sending); ``None``: every subscribed member. ``activity``:
        dicts ``{email, action (open|click|bounce|unsub), timestamp (aware), url, type, ip}``
        of recipients, not before ``send_time``. ``send_time=None`` leaves a draft.
        Raises :class:`ValueError` on an event that could not have happened.
        """
        with self.write():
            audience = self.audience(list_id)
            if sent_to is None:
                recipients = [m for m in audience.members.values() if m.status == "subscribed"]
            else:
                recipients = [self._seeded_member(audience, email, "sent_to") for email in sent_to]
            campaign = Campaign(
                id=campaign_id or self.new_hex_id(), web_id=web_id or self.new_web_id(), type=campaign_type,
                create_time=send_time or self.now(), recipients={"list_id": audience.id},
                settings={**SETTINGS_DEFAULTS, **settings}, content={"html": html, "plain_text": "", "url": ""})
            if send_time is not None:
                campaign.status, campaign.send_time = "sent", send_time
                campaign.sent_to = [m.id for m in recipients]
            received = set(campaign.sent_to)
            campaign.activity = sorted((self._seeded_activity(audience, campaign, received, event)
                                        for event in activity), key=lambda event: event.timestamp)
            self.campaigns[campaign.id] = campaign
            return campaign

    def _seeded_member(self, audience, email, where):
        member = self.find_member(audience, email)
        if member is None:
            raise ValueError(f"{where}: {email} is not a member of list {audience.id}")
        return member

    def _seeded_activity(self, audience, campaign, received, event):
        member = self._seeded_member(audience, event["email"], f"activity of campaign {campaign.id}")
        action, moment = event["action"], event["timestamp"]
        if action not in SEED_ACTIONS:
            raise ValueError(f"activity of campaign {campaign.id}: unknown action {action!r}")
        if member.id not in received:
            raise ValueError(f"activity of campaign {campaign.id}: {event['email']} did not receive it")
        if moment < campaign.send_time or moment > self.now():
            raise ValueError(f"activity of campaign {campaign.id}: {util.iso(moment)} is before the sending "
                             "or in the future")
        return Activity(member.id, member.email_address, action, moment, url=event.get("url") or "",
                        ip=event.get("ip") or "",
                        type=(event.get("type") or "hard") if action == "bounce" else "")

    # -- activity and reports --------------------------------------------------

    def record_activity(self, campaign_id, email, action, url="", ip="", bounce_type="hard"):
        """Record an open/click/bounce of ``email`` for a sent campaign."""
        if action not in ACTIVITY_ACTIONS:
            raise errors.field_error("action", f"action must be one of {', '.join(ACTIVITY_ACTIONS)}")
        with self.write():
            campaign = self.campaign(campaign_id)
            audience = self.audience(campaign.recipients.get("list_id"))
            member = self.member(audience, email)
            if member.id not in campaign.sent_to:
                raise errors.bad_request(f"{email} did not receive campaign {campaign_id}.")
            activity = Activity(member.id, member.email_address, action, self.now(), url=url or "",
                                ip=ip or "", type=bounce_type if action == "bounce" else "")
            campaign.activity.append(activity)
            return activity

    @staticmethod
    def average_rate(campaigns, action):
        """Mean per campaign of the share of recipients who opened (or clicked), in percent (list stats)."""
        rates = [len({a.subscriber_hash for a in c.activity if a.action == action}) / len(c.sent_to)
                 for c in campaigns if c.sent_to]
        return round(100 * sum(rates) / len(rates), 2) if rates else 0

    def report_document(self, campaign):
        audience = self.audiences.get(campaign.recipients.get("list_id"))
        sent = len(campaign.sent_to)

        def of(action):
            return [a for a in campaign.activity if a.action == action]

        opens, clicks, bounces = of("open"), of("click"), of("bounce")
        unsubs = of("unsub")
        unique_clickers = {a.subscriber_hash for a in clicks}
        return {
            "id": campaign.id,
            "campaign_title": campaign.settings.get("title", ""),
            "type": campaign.type,
            "list_id": campaign.recipients.get("list_id", ""),
            "list_is_active": audience is not None,
            "list_name": audience.name if audience else "",
            "subject_line": campaign.settings.get("subject_line", ""),
            "preview_text": campaign.settings.get("preview_text", ""),
            "emails_sent": sent,
            "abuse_reports": 0,
            "unsubscribed": len({a.subscriber_hash for a in unsubs}),
            "send_time": util.iso(campaign.send_time) if campaign.send_time else "",
            "bounces": {
                "hard_bounces": sum(1 for a in bounces if a.type == "hard"),
                "soft_bounces": sum(1 for a in bounces if a.type == "soft"),
                "syntax_errors": 0,
            },
            "forwards": {"forwards_count": 0, "forwards_opens": 0},
            "opens": {
                "opens_total": len(opens),
                "proxy_excluded_opens": len(opens),
                "unique_opens": len({a.subscriber_hash for a in opens}),
                "proxy_excluded_unique_opens": len({a.subscriber_hash for a in opens}),
                "open_rate": _rate(len({a.subscriber_hash for a in opens}), sent),
                "proxy_excluded_open_rate": _rate(len({a.subscriber_hash for a in opens}), sent),
                "last_open": util.iso(opens[-1].timestamp) if opens else "",
            },
            "clicks": {
                "clicks_total": len(clicks),
                "unique_clicks": len({(a.subscriber_hash, a.url) for a in clicks}),
                "unique_subscriber_clicks": len(unique_clickers),
                "click_rate": _rate(len(unique_clickers), sent),
                "last_click": util.iso(clicks[-1].timestamp) if clicks else "",
            },
            "list_stats": {"sub_rate": 0, "unsub_rate": 0, "open_rate": 0, "click_rate": 0},
            "_links": [self.link("self", f"/reports/{campaign.id}")],
        }

    def reports_collection(self, query):
        with self._lock:
            sent = [c for c in self.campaigns.values() if c.status == "sent"]
            return self.page_document("reports", sent, query, self.report_document, "/reports")

    def sent_campaign(self, campaign_id):
        campaign = self.campaign(campaign_id)
        if campaign.status != "sent":
            raise errors.not_found()
        return campaign

    @staticmethod
    def _events_by_member(campaign, since=None):
        """Subscriber hash -> its opens, clicks and bounces (from ``since``), in time order."""
        events = {}
        for event in campaign.activity:
            if event.action in ACTIVITY_ACTIONS and (since is None or event.timestamp >= since):
                events.setdefault(event.subscriber_hash, []).append(event)
        return events

    def _email_activity(self, campaign, subscriber_hash, email, since=None, events=None):
        if events is None:
            events = self._events_by_member(campaign, since).get(subscriber_hash, [])
        activity = []
        for event in events:
            entry = {"action": event.action, "timestamp": util.iso(event.timestamp), "ip": event.ip}
            if event.action == "click":
                entry["url"] = event.url
            if event.action == "bounce":
                entry["type"] = event.type
            activity.append(entry)
        return {
            "campaign_id": campaign.id,
            "list_id": campaign.recipients.get("list_id", ""),
            "list_is_active": True,
            "email_id": subscriber_hash,
            "email_address": email,
            "activity": activity,
            "_links": [self.link("self", f"/reports/{campaign.id}/email-activity/{subscriber_hash}")],
        }

    def email_activity_collection(self, campaign_id, query):
        with self._lock:
            campaign = self.sent_campaign(campaign_id)
            audience = self.audiences.get(campaign.recipients.get("list_id"))
            since = util.parse_iso(query["since"], "since") if query.get("since") else None
            events = self._events_by_member(campaign, since)
            hashes = [h for h in campaign.sent_to if since is None or h in events]
            emails = []
            for subscriber_hash in util.page(hashes, query):
                member = audience.members.get(subscriber_hash) if audience else None
                email = member.email_address if member else ""
                emails.append(self._email_activity(campaign, subscriber_hash, email,
                                                   events=events.get(subscriber_hash, [])))
            return {
                "emails": emails,
                "campaign_id": campaign.id,
                "total_items": len(hashes),
                "_links": [self.link("self", f"/reports/{campaign.id}/email-activity")],
            }

    def member_email_activity(self, campaign_id, key, query):
        with self._lock:
            campaign = self.sent_campaign(campaign_id)
            audience = self.audience(campaign.recipients.get("list_id"))
            member = self.member(audience, key)
            if member.id not in campaign.sent_to:
                raise errors.not_found()
            since = util.parse_iso(query["since"], "since") if query.get("since") else None
            return self._email_activity(campaign, member.id, member.email_address, since)

    def _report_member(self, campaign, audience, subscriber_hash):
        """The fields every row of a member-level report has (``email_id`` … ``list_is_active``)."""
        member = audience.members.get(subscriber_hash) if audience else None
        return member, {
            "email_id": subscriber_hash,
            "email_address": member.email_address if member else "",
            "merge_fields": dict(member.merge_fields) if member else {},
            "vip": bool(member.vip) if member else False,
            "campaign_id": campaign.id,
            "list_id": campaign.recipients.get("list_id", ""),
            "list_is_active": audience is not None,
        }

    def sent_to_collection(self, campaign_id, query):
        """``GET /reports/{id}/sent-to``: every recipient with the delivery (sent, hard or soft bounce) and opens."""
        with self._lock:
            campaign = self.sent_campaign(campaign_id)
            audience = self.audiences.get(campaign.recipients.get("list_id"))
            events = self._events_by_member(campaign)
            rows = []
            for subscriber_hash in util.page(campaign.sent_to, query):
                _member, row = self._report_member(campaign, audience, subscriber_hash)
                mine = events.get(subscriber_hash, [])
                bounces = [event.type for event in mine if event.action == "bounce"]
                opens = [event for event in mine if event.action == "open"]
                rows.append({
                    **row,
                    "status": ("hard" if "hard" in bounces else "soft") if bounces else "sent",
                    "open_count": len(opens),
                    "last_open": util.iso(opens[-1].timestamp) if opens else "",
                    "absplit_group": "",
                    "gmt_offset": 0,
                    "_links": [self.link("self", f"/reports/{campaign.id}/sent-to/{subscriber_hash}")],
                })
            return {
                "sent_to": rows,
                "campaign_id": campaign.id,
                "total_items": len(campaign.sent_to),
                "_links": [self.link("self", f"/reports/{campaign.id}/sent-to")],
            }

    def unsubscribed_collection(self, campaign_id, query):
        """``GET /reports/{id}/unsubscribed``: the recipients who unsubscribed through the campaign, when and why."""
        with self._lock:
            campaign = self.sent_campaign(campaign_id)
            audience = self.audiences.get(campaign.recipients.get("list_id"))
            unsubs = {}
            for event in campaign.activity:
                if event.action == "unsub":
                    unsubs.setdefault(event.subscriber_hash, event)
            rows = []
            for subscriber_hash, event in util.page(list(unsubs.items()), query):
                member, row = self._report_member(campaign, audience, subscriber_hash)
                rows.append({**row, "email_address": row["email_address"] or event.email_address,
                             "timestamp": util.iso(event.timestamp),
                             "reason": (member.unsubscribe_reason if member else "") or "",
                             "_links": [self.link("self", f"/reports/{campaign.id}/unsubscribed/{subscriber_hash}")]})
            return {
                "unsubscribes": rows,
                "campaign_id": campaign.id,
                "total_items": len(unsubs),
                "_links": [self.link("self", f"/reports/{campaign.id}/unsubscribed")],
            }
