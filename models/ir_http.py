"""The URL converter of forwarded SMS texts, which may hold line breaks."""
from werkzeug.routing import PathConverter

from odoo import models

SMS_TEXT_CONVERTER = "sms_text"


class SmsTextConverter(PathConverter):
    """Like ``path`` (slashes included), and line breaks too: werkzeug's ``.`` stops at one, so a text
    typed on two lines (``%0A`` in the gateway's URL) would otherwise match no route and be lost."""

    regex = r"[^/][\s\S]*?"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_converters(cls):
        return {**super()._get_converters(), SMS_TEXT_CONVERTER: SmsTextConverter}
