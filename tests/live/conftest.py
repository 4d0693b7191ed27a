"""The live server for the tests of this folder: started once per test session.

`make test` prepares the database (a copy of the freshly installed test database).
"""

import os
import pathlib
import sys

import pytest

# The reference channel package sits beside this folder, in tests/.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from .live_odoo import LiveOdoo


@pytest.fixture(scope="session")
def live_odoo():
    database = os.environ.get("RS_LIVE_DB", "retail_sync_live")
    port = int(os.environ.get("RS_LIVE_HTTP_PORT", "8269"))
    # Every Retail Sync job channel at capacity 4: stock drains run concurrently here
    # (production runs them one at a time), so these tests prove concurrency is safe.
    with LiveOdoo(database, http_port=port, job_channels="root:4") as server:
        yield server
