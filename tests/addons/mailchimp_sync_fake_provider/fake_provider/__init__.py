"""The provider's framework-free side: its client and its stand-in (no Odoo import)."""
