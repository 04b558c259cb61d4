"""Fake News, a newsletter service with a three-call JSON API: who am I, the lists of an address, (un)subscribe."""
from odoo.addons.mailchimp_sync.mailchimp_sync.json_http import JsonHttpClient, ServiceError
from odoo.addons.mailchimp_sync.mailchimp_sync.panel_providers import PanelProvider

SUBSCRIBED, UNSUBSCRIBED = "in", "out"


class FakeNewsError(ServiceError):
    """An error Fake News answered."""


class FakeNewsClient(JsonHttpClient):
    service = "Fake News"
    error_class = FakeNewsError

    def __init__(self, token, base_url, **options):
        super().__init__(base_url, headers={"Authorization": f"Token {token}"}, secrets=(token,), **options)

    def whoami(self):
        return self.request("GET", "/me")["name"]

    def lists_of(self, email):
        return self.request("GET", "/lists", params={"email": email})["lists"]

    def set_subscribed(self, list_id, email, subscribed):
        return self.request("PUT", f"/lists/{list_id}/{email}", json_body={"subscribed": subscribed})["status"]


class FakeNewsPanelProvider(PanelProvider):
    """The panel's questions, answered from Fake News."""

    subscribed_status = SUBSCRIBED

    def __init__(self, client):
        self.client = client

    def lists_for(self, email):
        return [{"list_id": row["id"], "name": row["name"], "status": row["status"],
                 "css": "text-success" if row["status"] == SUBSCRIBED else "text-muted",
                 "wanted": row["status"] == SUBSCRIBED} for row in self.client.lists_of(email)]

    def recent_campaigns(self, email, limit=3):
        return []

    def activity_rates(self, email):
        return None

    def apply_changes(self, email, changes, name=""):
        names = {row["id"]: row["name"] for row in self.client.lists_of(email)}
        results = []
        for list_id, subscribe in changes:
            result = {"list_id": list_id, "name": names.get(list_id, list_id), "message": False, "error": False}
            try:
                result["status"] = self.client.set_subscribed(list_id, email, subscribe)
            except FakeNewsError as error:
                result.update(status=None, error=str(error))
            result["css"] = "text-success" if result["status"] == SUBSCRIBED else "text-muted"
            results.append(result)
        return results
