"""Pushes of one channel never overlap, on real repeatable-read transactions.

Two real push jobs of one channel, run in this process on the live database the way
queue_job's runner runs them (`RunJobController._acquire_job`, whose lock query opens
the job's transaction and so takes its snapshot, then the job). Job B has begun when
job A runs a whole push and commits; then B runs. The advisory lock is free by then,
but B's snapshot cannot see A's delivery, acknowledged figures or consumed pending
rows: B must step back (RetryableJobError, not counted as a try) before it sends
anything, and nothing may be logged as an error.

The jobs are acquired here, so the live server's job runner (if the other live tests
started it) never runs them.
"""

import base64
import logging
import os
import secrets
from unittest.mock import patch

import pytest
from reference_channel.server import ReferenceChannel

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor, close_db
from odoo.tests.common import get_db_name
from odoo.tools import SQL

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError

SKU = "LIVE-OVERLAP-1"


@pytest.fixture(scope="module")
def registry():
    """The live database's registry, with real cursors (no test mode)."""
    database = os.environ.get("RS_LIVE_DB", "retail_sync_live")
    loaded = database in Registry.registries
    # Loading a registry while pytest-odoo's test flag is on would run the at_install
    # tests of every module.
    with patch.dict(odoo.tools.config.options, test_enable=False):
        registry = Registry(database)
    yield registry
    if not loaded and database != get_db_name():
        Registry.delete(database)
        close_db(database)


class ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def make_channel(registry, storefront, code):
    """A storefront channel fed by a location of its own holding 7 units of one
    product, and two of its push jobs acquired by nobody yet (state enqueued, so
    a job runner never dispatches them). Returns (channel id, job uuids)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        location = env["stock.location"].create(
            {
                "name": f"Overlap {code}",
                "usage": "internal",
                "location_id": env.ref("stock.stock_location_locations").id,
            }
        )
        product = env["product.product"].search([("default_code", "=", SKU)])
        product = product or env["product.product"].create(
            {"name": "Overlap kettle", "default_code": SKU, "is_storable": True}
        )
        env["stock.quant"]._update_available_quantity(product, location, 7)
        channel = env["retail.sync.channel"].create(
            {
                "name": f"Overlap {code}",
                "code": code,
                "kind": "ecommerce",
                "push_url": storefront.url,
                "push_secret": "whsec_"
                + base64.b64encode(secrets.token_bytes(24)).decode(),
                "feed_location_ids": [Command.set(location.ids)],
            }
        )
        # The commit-time hooks (pending rows, push jobs) now, so that the jobs are
        # never pending once committed.
        env.flush_all()
        cr.precommit.run()
        env.flush_all()
        jobs = env["queue.job"].search(
            [("identity_key", "=like", f"retail_sync.push:{channel.id}%")],
            order="id",
        )
        while len(jobs) < 2:
            channel._enqueue_push_later(fields.Datetime.now(), f":{len(jobs)}")
            env.flush_all()
            jobs = env["queue.job"].search(
                [("identity_key", "=like", f"retail_sync.push:{channel.id}%")],
                order="id",
            )
        cr.execute(
            SQL("UPDATE queue_job SET state = 'enqueued' WHERE id = ANY(%s)", jobs.ids)
        )
        return channel.id, jobs.mapped("uuid")[:2]


def cleanup(registry, channel_id):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["retail.sync.channel"].browse(channel_id).write({"push_enabled": False})
        cr.execute(
            SQL(
                "UPDATE queue_job SET state = 'cancelled' WHERE identity_key LIKE %s"
                " AND state NOT IN ('done', 'cancelled')",
                f"retail_sync.push:{channel_id}%",
            )
        )


def test_a_push_job_on_a_snapshot_older_than_the_last_push_steps_back(registry):
    storefront = ReferenceChannel().start()
    code = f"OVL-{secrets.token_hex(3).upper()}"
    channel_id, (uuid_b, uuid_a) = make_channel(registry, storefront, code)
    cr_b = registry.cursor()
    try:
        assert type(cr_b) is Cursor, "a real cursor, not a test cursor"
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        # Job B starts: queue_job marks it started, commits, and locks its row,
        # the first query of the job's transaction: B's snapshot.
        job_b = RunJobController._acquire_job(env_b, uuid_b)
        assert job_b
        # Meanwhile job A runs a whole push and commits.
        with registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            job_a = RunJobController._acquire_job(env_a, uuid_a)
            RunJobController._runjob(env_a, job_a)
        assert len(storefront.received) == 1
        assert storefront.available(SKU) == 7.0

        # Now B runs: the lock is free, its snapshot predates A's commit.
        errors = ErrorLog()
        logging.getLogger().addHandler(errors)
        try:
            with pytest.raises(Exception) as raised:
                job_b.perform()
        finally:
            logging.getLogger().removeHandler(errors)
            cr_b.rollback()
        assert (
            len(storefront.received) == 1
        ), "job B pushed again on a snapshot that did not see job A's push"
        assert isinstance(raised.value, RetryableJobError), raised.value
        assert raised.value.ignore_retry, "stepping back is not a failed try"
        assert raised.value.seconds and raised.value.seconds <= 5
        assert not errors.records, [r.getMessage()[:200] for r in errors.records]

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            channel = env["retail.sync.channel"].browse(channel_id)
            deliveries = env["retail.sync.delivery"].search(
                [("channel_id", "=", channel_id)]
            )
            assert deliveries.mapped("state") == ["delivered"]
            [figure] = deliveries.payload["figures"]
            assert (figure["sku"], figure["available"]) == (SKU, 7.0)
            acks = env["retail.sync.stock.ack"].search(
                [("channel_id", "=", channel_id)]
            )
            assert acks.delivery_id == deliveries
            assert not channel._ats_in_flight(), "A consumed every pending row"
            # B's retry, on a fresh snapshot, has nothing left to send.
            assert channel._push_available() == "nothing to push"
        assert len(storefront.received) == 1
    finally:
        cr_b.close()
        cleanup(registry, channel_id)
        storefront.stop()
