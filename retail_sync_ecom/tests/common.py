# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import pathlib
import sys

# The reference channel (a storefront stand-in outside Odoo) lives in the
# repository's tests/ folder; these tests push to it over real HTTP on localhost.
_TESTS = pathlib.Path(__file__).resolve().parents[2] / "tests"
if str(_TESTS) not in sys.path:
    sys.path.insert(0, str(_TESTS))

from reference_channel.server import ReferenceChannel  # noqa: E402

__all__ = ["ReferenceChannel"]
