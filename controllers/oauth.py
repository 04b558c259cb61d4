"""Mailchimp sends the browser back here after "Connect to Mailchimp" (OAuth2 authorization code).

The account model checks the state and does the exchange; this only renders what happened.
"""
from odoo import http
from odoo.http import request


class MailchimpOAuthController(http.Controller):
    @http.route("/mailchimp/oauth/callback", type="http", auth="user", methods=["GET"])
    def mailchimp_oauth_callback(self, **params):
        account, message = request.env["mailchimp.account"]._oauth_complete(params)
        return request.render("mailchimp_sync.mailchimp_oauth_result", {
            "connected": bool(account), "message": message,
            "settings_url": "/odoo/action-mailchimp_sync.mailchimp_settings_action",
        }, status=200 if account else 400)
