"""``/_standin/...`` control routes: faults, user/admin-side actions, activity, clock.

Not part of Mailchimp: JSON in, JSON out, no authentication.
"""

from . import errors
from .routing import Router

router = Router()
route = router.route

USER_SIDE_ACTIONS = {
    "subscribe": ("user_subscribe", ("merges", "interests", "source", "ip")),
    "unsubscribe": ("user_unsubscribe", ("source", "reason", "campaign_id", "action")),
    "profile": ("user_update_profile", ("merges", "interests", "source", "email_type")),
    "upemail": ("user_change_email", ("new_email", "source")),
    "cleaned": ("mark_cleaned", ("reason", "campaign_id", "source")),
}
FAULT_ARGS = ("status", "times", "retry_after", "delay", "drop", "path_contains", "method",
              "title", "detail", "probability")


class Control:
    def __init__(self, server):
        self.server = server
        self.store = server.store

    def handle(self, method, path, body):
        """Return ``(status, payload)``; raises :class:`errors.ApiError` on bad input."""
        handler, params = router.resolve(method, path)
        if not isinstance(body, dict):
            raise errors.invalid_resource(detail="The body must be a JSON object.")
        return handler(self, body, **params)

    @route("POST", "/faults")
    def add_fault(self, body):
        unknown = set(body) - set(FAULT_ARGS)
        if unknown:
            raise errors.invalid_resource(detail=f"Unknown fault arguments: {sorted(unknown)}")
        try:
            self.server.faults.add(**body)
        except (TypeError, ValueError) as problem:
            raise errors.invalid_resource(detail=str(problem)) from None
        return 200, {"faults": self.server.faults.pending}

    @route("GET", "/faults")
    def list_faults(self, body):
        return 200, {"faults": self.server.faults.pending}

    @route("DELETE", "/faults")
    def clear_faults(self, body):
        self.server.faults.clear()
        return 204, None

    @route("POST", "/lists/{list_id}/actions/{action}")
    def user_side_action(self, body, list_id, action):
        if action not in USER_SIDE_ACTIONS:
            raise errors.not_found()
        method_name, optional = USER_SIDE_ACTIONS[action]
        if not body.get("email"):
            raise errors.field_error("email", "This value should not be blank.")
        if action == "upemail" and not body.get("new_email"):
            raise errors.field_error("new_email", "This value should not be blank.")
        kwargs = {name: body[name] for name in optional if body.get(name) is not None}
        member = getattr(self.store, method_name)(list_id, body["email"], **kwargs)
        return 200, member

    @route("POST", "/campaigns/{campaign_id}/activity")
    def record_activity(self, body, campaign_id):
        if not body.get("email") or not body.get("action"):
            raise errors.field_error("email", "email and action are required.")
        activity = self.store.record_activity(
            campaign_id, body["email"], body["action"], url=body.get("url", ""),
            ip=body.get("ip", ""), bounce_type=body.get("type", "hard"))
        return 200, {"campaign_id": campaign_id, "email_address": activity.email_address,
                     "action": activity.action, "url": activity.url}

    @route("GET", "/webhook-deliveries")
    def webhook_deliveries(self, body):
        with self.store.read():
            deliveries = [d._asdict() for d in self.store.webhook_deliveries]
        return 200, {"deliveries": deliveries, "total_items": len(deliveries)}

    @route("GET", "/requests")
    def requests(self, body):
        log = [entry._asdict() for entry in list(self.server.request_log)]
        return 200, {"requests": log, "total_items": len(log)}

    @route("POST", "/clock")
    def clock(self, body):
        """``{"advance": seconds}`` moves stand-in time forward."""
        self.store.advance_clock(float(body.get("advance", 0)))
        return 200, {"now": self.store.now().isoformat()}

    @route("GET", "/connections")
    def connections(self, body):
        """Requests in flight per credential now, the most at once, and those refused (429) for the limit."""
        return 200, self.server.connections()

    @route("DELETE", "/connections")
    def reset_connections(self, body):
        """Start counting the most at once and the refused again (a benchmark's phase)."""
        self.server.connections(reset=True)
        return 204, None

    @route("GET", "/credentials")
    def credentials(self, body):
        return 200, {"api_keys": list(self.store.api_keys),
                     "oauth_tokens": list(self.store.oauth_tokens),
                     "base_url": self.server.base_url}

    @route("POST", "/credentials/revoke")
    def revoke(self, body):
        """``{"credential": key or token}``: revoked in Mailchimp; later calls get 401."""
        self.store.revoke_credential(body.get("credential", ""))
        return 204, None

    @route("POST", "/oauth/apps")
    def register_oauth_app(self, body):
        """``{"client_id", "client_secret"}`` (both optional): a registered OAuth app."""
        client_id, client_secret = self.server.register_oauth_app(body.get("client_id"), body.get("client_secret"))
        return 200, {"client_id": client_id, "client_secret": client_secret}

    @route("POST", "/oauth/deny")
    def deny_next_authorization(self, body):
        """The next visitor of ``/oauth2/authorize`` presses "Deny": back with ``error=access_denied``."""
        self.server.deny_next_authorization = True
        return 204, None

    @route("POST", "/lists/{list_id}/marketing-permissions")
    def set_marketing_permissions(self, body, list_id):
        """``{"permissions": [{"marketing_permission_id", "text"}]}``: the audience's GDPR fields."""
        permissions = [{"marketing_permission_id": str(entry["marketing_permission_id"]),
                        "text": str(entry.get("text", ""))} for entry in body.get("permissions") or ()]
        with self.store.write():
            self.store.audience(list_id).marketing_permissions = permissions
        return 200, {"permissions": permissions}
