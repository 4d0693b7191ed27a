# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from odoo.addons.retail_sync_pos.tests.common import StoreMixin

DDL = """
CREATE TABLE sales (
    sale_id INTEGER PRIMARY KEY, store_code TEXT NOT NULL,
    register_code TEXT NOT NULL, receipt_no TEXT NOT NULL, sku TEXT NOT NULL,
    qty NUMERIC NOT NULL, unit_price NUMERIC NOT NULL, discount NUMERIC NOT NULL,
    total NUMERIC NOT NULL, tender TEXT NOT NULL, sold_at TEXT NOT NULL
)
"""
QUERY = "SELECT * FROM sales WHERE sale_id > :watermark ORDER BY sale_id"


class PollerMixin(StoreMixin):
    """The store of StoreMixin sold through a legacy till whose sales table is a
    SQLite file, polled by a channel on the legacy POS preset."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="rs-poller-test-"))
        cls.db_path = cls.folder / "legacy.db"
        with sqlite3.connect(cls.db_path) as conn:
            conn.execute(DDL)
        cls.mapping = cls.env["retail.sync.mapping"].search(
            [("code", "=", "legacy_pos"), ("is_preset", "=", True)], limit=1
        )
        cls.State = cls.env["retail.sync.poll.state"]
        cls.legacy = cls.make_polled("LEGACY-TST", poll_overlap=10)

    @classmethod
    def tearDownClass(cls):
        for path in sorted(cls.folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        cls.folder.rmdir()
        super().tearDownClass()

    @classmethod
    def make_polled(cls, code, **values):
        values = {
            "kind": "polled",
            "mapping_id": cls.mapping.id,
            "poll_source": "sql",
            "poll_dsn": f"sqlite:///{cls.db_path}",
            "poll_query": QUERY,
            "poll_watermark_column": "sale_id",
            **values,
        }
        channel, _key = cls.make_channel(code, **values)
        cls.bind(channel, "store", "TST", cls.store)
        return channel

    def sell(self, *sales):
        """Write sales rows (sale_id, sku, qty[, fields]) and commit them, as the
        till does."""
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        with sqlite3.connect(self.db_path) as conn:
            for sale in sales:
                sale_id, sku, qty, *extra = sale
                row = {
                    "sale_id": sale_id,
                    "store_code": "TST",
                    "register_code": "R1",
                    "receipt_no": f"R1-{sale_id}",
                    "sku": sku,
                    "qty": qty,
                    "unit_price": "10.00",
                    "discount": "0",
                    "total": "10.00",
                    "tender": "CARD",
                    "sold_at": now,
                    **(extra[0] if extra else {}),
                }
                conn.execute(
                    f"INSERT INTO sales ({', '.join(row)}) VALUES "
                    f"({', '.join('?' for _ in row)})",
                    list(row.values()),
                )

    def clear_sales(self):
        with sqlite3.connect(self.db_path) as conn:
            conn.execute("DELETE FROM sales")

    def state(self, channel=None):
        return self.State._for_channel(channel or self.legacy)

    def poll(self, channel=None):
        """Run the channel's poll as the job runner runs its waiting job."""
        self.poll_jobs(channel).unlink()
        return self.state(channel)._poll()

    def legacy_events(self, channel=None):
        return self.Event.search(
            [("channel_id", "=", (channel or self.legacy).id)], order="external_id"
        )

    def poll_jobs(self, channel=None):
        return self.env["queue.job"].search(
            [
                (
                    "identity_key",
                    "=",
                    f"retail_sync_poll:{(channel or self.legacy).id}",
                ),
                ("state", "=", "pending"),
            ]
        )
