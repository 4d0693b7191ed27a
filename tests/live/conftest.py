"""The live servers for the tests of this folder: started once per test session.

`make test` prepares the database (a copy of the freshly installed test database).
"""

import os
import pathlib
import sys

import pytest

# The reference channel package sits beside this folder, in tests/.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from .live_cluster import LiveCluster, copy_database, drop_database
from .live_odoo import LiveOdoo

LIVE_DB = os.environ.get("RS_LIVE_DB", "retail_sync_live")
LIVE_PORT = int(os.environ.get("RS_LIVE_HTTP_PORT", "8269"))


@pytest.fixture(scope="session")
def live_cluster_database(request):
    """The cluster's own copy of the live database (the nodes must not share their
    runner election or their jobs with the single live server). Copied before that
    server starts: PostgreSQL copies a database nothing is connected to."""
    if not any("live_cluster" in item.fixturenames for item in request.session.items):
        yield None
        return
    name = f"{LIVE_DB}_cluster"
    copy_database(LIVE_DB, name)
    yield name
    drop_database(name)


@pytest.fixture(scope="session")
def live_odoo(live_cluster_database):
    # Every Retail Sync job channel at capacity 4: stock drains run concurrently here
    # (production runs them one at a time), so these tests prove concurrency is safe.
    with LiveOdoo(LIVE_DB, http_port=LIVE_PORT, job_channels="root:4") as server:
        yield server


@pytest.fixture(scope="module")
def live_cluster(live_cluster_database):
    """Two nodes behind HAProxy, with the suite's queue channels (odoo.conf). Ports:
    RS_LIVE_CLUSTER_PORT (default RS_LIVE_HTTP_PORT + 10) and the 5 after it."""
    base_port = int(os.environ.get("RS_LIVE_CLUSTER_PORT", LIVE_PORT + 10))
    with LiveCluster(live_cluster_database, base_port, nodes=2, workers=3) as cluster:
        yield cluster
