"""Plain-Python logic of Retail Sync: no Odoo import here, unit-tested with pytest.

Models call into this package; it never calls models.
"""
