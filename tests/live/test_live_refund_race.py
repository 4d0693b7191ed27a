"""Two refunds of one payment never both take what remains, on real transactions.

It commits, so it runs on the live database (a copy of the test database), never on
the test database itself. Run alone: RS_LIVE_DB=<db> pytest --odoo-config=... \
--odoo-database=<db> tests/live/test_live_refund_race.py

A payment of 72.60 is captured; refunds of 50 and 30 are queued on two keys (refunds
are keyed per refund, so their jobs run in parallel). Job B takes its snapshot, job A
applies the 50 and commits, then B runs: the lock on the payment row makes it step
back (RetryableJobError from a serialization failure, not counted as a try) before
it posts anything; run again on a fresh snapshot it sees the 50 already refunded
and refuses the 30, nothing posted. The drains are run here, their queue jobs set
aside, so a live job runner never takes them.
"""

import os
import secrets
from unittest.mock import patch

import pytest

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor, close_db
from odoo.tests.common import get_db_name
from odoo.tools import SQL

from odoo.addons.queue_job.exception import RetryableJobError


@pytest.fixture(scope="module")
def registry():
    """The live database's registry, with real cursors (no test mode)."""
    database = os.environ.get("RS_LIVE_DB", "retail_sync_live")
    loaded = database in Registry.registries
    with patch.dict(odoo.tools.config.options, test_enable=False):
        registry = Registry(database)
    yield registry
    if not loaded and database != get_db_name():
        Registry.delete(database)
        close_db(database)


def event(event_type, event_id, **data):
    return {
        "id": event_id,
        "type": event_type,
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+01:00",
        "data": data,
    }


def set_jobs_aside(env, channel_id):
    """The drain jobs of this channel will be run by the test, not a job runner."""
    env.flush_all()
    env.cr.execute(
        SQL(
            "UPDATE queue_job SET state = 'done' WHERE identity_key LIKE %s"
            " AND state = 'pending'",
            f"retail_sync.drain:{channel_id}:%",
        )
    )


def make_captured_payment(registry, code):
    """A channel whose captured payment PAY of 72.60 has two refunds queued."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        partner = env["res.partner"].create({"name": f"Race customer {code}"})
        channel = env["retail.sync.channel"].create(
            {
                "name": f"Race {code}",
                "code": code,
                "kind": "ecommerce",
                "payment_partner_id": partner.id,
            }
        )
        env["retail.sync.payment.method"].create(
            {"channel_id": channel.id, "code": "card", "journal_id": journal.id}
        )
        currency = company.currency_id.name
        Event = env["retail.sync.event"]
        Event._receive_events(
            channel,
            [
                event(
                    "payment.captured",
                    "capture",
                    payment_ref="PAY",
                    amount=72.6,
                    currency=currency,
                    method="card",
                )
            ],
        )
        env["retail.sync.drain"]._drain_key(channel.id, "payment:PAY")
        payment = env["retail.sync.payment"]._find(channel, "PAY")
        assert payment.state == "captured"
        Event._receive_events(
            channel,
            [
                event(
                    "refund.issued",
                    f"refund-{ref}",
                    refund_ref=ref,
                    payment_ref="PAY",
                    amount=amount,
                    currency=currency,
                )
                for ref, amount in (("A", 50.0), ("B", 30.0))
            ],
        )
        set_jobs_aside(env, channel.id)
        return channel.id, partner.id


def drain(env, channel_id, key):
    result = env["retail.sync.drain"]._drain_key(channel_id, key)
    set_jobs_aside(env, channel_id)
    return result


def test_two_refunds_of_one_payment_never_exceed_it(registry):
    code = f"RACE-{secrets.token_hex(3).upper()}"
    channel_id, partner_id = make_captured_payment(registry, code)
    cr_b = registry.cursor()
    try:
        assert type(cr_b) is Cursor, "a real cursor, not a test cursor"
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        # Job B begins: its first query takes its snapshot.
        cr_b.execute("SELECT 1")
        # Meanwhile job A refunds 50 and commits.
        with registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            drain(env_a, channel_id, "refund:A")
        # B runs on a snapshot that does not see A's refund: it must step back.
        with pytest.raises(RetryableJobError) as raised:
            drain(env_b, channel_id, "refund:B")
        assert "concurrent update" in str(raised.value)
    finally:
        cr_b.rollback()
        cr_b.close()

    # B's retry, on a fresh snapshot: refused with both amounts, nothing posted.
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        drain(env, channel_id, "refund:B")
        Event = env["retail.sync.event"]
        events = {
            e.external_id: e for e in Event.search([("channel_id", "=", channel_id)])
        }
        assert events["refund-A"].state == "done"
        assert events["refund-B"].state == "dead"
        assert "exceeds what remains" in events["refund-B"].error_message
        channel = env["retail.sync.channel"].browse(channel_id)
        payment = env["retail.sync.payment"]._find(channel, "PAY")
        assert payment.refunded_amount == 50.0
        assert env["retail.sync.refund"].search(
            [("channel_id", "=", channel_id)]
        ).mapped("refund_ref") == ["A"]
        credit_notes = env["account.move"].search(
            [("move_type", "=", "out_refund"), ("partner_id", "=", partner_id)]
        )
        assert credit_notes.mapped("amount_total") == [50.0]
