# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import json
from datetime import timedelta

from odoo.tests import new_test_user
from odoo.tools import SQL

_ids = itertools.count(1)


def make_user(env, login, groups, company=None):
    """A user of the given comma-separated group xml ids, in one company."""
    company = company or env.company
    return new_test_user(
        env,
        login=login,
        groups=groups,
        company_id=company.id,
        company_ids=[company.id],
    )


def make_event(event_id=None, event_type="system.ping", version=1, **fields):
    """A valid event envelope; keyword fields override or add (data, sequence...)."""
    event = {
        "id": event_id or f"evt-{next(_ids)}",
        "type": event_type,
        "schema_version": version,
        "occurred_at": "2026-11-27T10:00:00+01:00",
        "data": {"message": "hello"},
    }
    event.update(fields)
    return event


class ChannelMixin:
    """Creates channels with an integration user and API key."""

    @classmethod
    def make_channel(cls, code, company=None, **values):
        channel = (
            cls.env["retail.sync.channel"]
            .sudo()
            .create(
                {
                    "name": f"Channel {code}",
                    "code": code,
                    "company_id": (company or cls.env.company).id,
                    **values,
                }
            )
        )
        key = channel._generate_api_key()
        return channel, key

    def post(self, key, body, headers=None):
        """POST to the events endpoint; ``body`` is an object (sent as JSON) or
        bytes."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers = {"Content-Type": "application/json"}
        if key:
            all_headers["Authorization"] = f"Bearer {key}"
        all_headers.update(headers or {})
        return self.url_open("/retail_sync/v1/events", data=data, headers=all_headers)


def backdate(records, days, columns=("create_date", "write_date")):
    """Move timestamp columns of ``records`` ``days`` into the past (retention)."""
    records.flush_recordset()
    assignments = SQL(", ").join(
        SQL(
            "%s = (now() at time zone 'UTC') - %s * interval '1 day'",
            SQL.identifier(column),
            days,
        )
        for column in columns
    )
    records.env.cr.execute(
        SQL(
            "UPDATE %s SET %s WHERE id = ANY(%s)",
            SQL.identifier(records._table),
            assignments,
            records.ids,
        )
    )
    records.invalidate_recordset()


class InboxMixin(ChannelMixin):
    """Writes events straight into the inbox with chosen times, states and
    latencies, as if channels had sent them and drains had handled them."""

    def store_event(
        self,
        channel,
        received_at,
        state="done",
        domain="inventory",
        latency_ms=None,
        attempted_at=None,
        **values,
    ):
        attempted = state in ("done", "failed", "dead", "skipped")
        return (
            self.env["retail.sync.event"]
            .sudo()
            .create(
                {
                    "channel_id": channel.id,
                    "company_id": channel.company_id.id,
                    "external_id": f"stored-{next(_ids)}",
                    "event_type": "test.event",
                    "schema_version": 1,
                    "domain": domain,
                    "ordering_key": f"key-{domain}",
                    "occurred_at": received_at,
                    "received_at": received_at,
                    "state": state,
                    "latency_ms": latency_ms,
                    "last_attempt_at": (
                        attempted_at
                        or received_at + timedelta(milliseconds=latency_ms or 0)
                    )
                    if attempted
                    else False,
                    **values,
                }
            )
        )
