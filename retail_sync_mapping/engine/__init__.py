# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python logic of native mappings (no odoo import): JMESPath mapping of a
native message to canonical events, and webhook verification."""
