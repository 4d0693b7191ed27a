# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import time

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from ..engine import sources
from ..engine import watermark as wm
from .common import PollerMixin

HEADER = (
    "sale_id,store_code,register_code,receipt_no,sku,qty,unit_price,discount,"
    "total,tender,sold_at\n"
)


def csv_line(sale_id, sku="T-SHIRT", qty="1"):
    return (
        f"{sale_id},TST,R2,R2-{sale_id},{sku},{qty},10.00,0,10.00,CASH,"
        "2026-12-07 10:00:00\n"
    )


@tagged("post_install", "-at_install")
class TestPollerCsv(PollerMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exports = cls.folder / "exports"
        cls.exports.mkdir()
        cls.csv = cls.make_polled(
            "LEGACY-CSV",
            poll_source="csv",
            poll_folder=str(cls.exports),
            poll_file_pattern="sales_*.csv",
            poll_overlap=5,
        )

    def export(self, name, *lines, settled=True):
        path = self.exports / name
        path.write_text(HEADER + "".join(lines))
        if settled:
            past = time.time() - 60
            os.utime(path, (past, past))
        return path

    def test_csv_folder_is_polled_file_by_file(self):
        self.export("sales_001.csv", csv_line(1), csv_line(2, "T-SOCKS", "2"))
        self.export("other.csv", csv_line(99))
        self.poll(self.csv)
        self.assertEqual(
            self.legacy_events(self.csv).mapped("external_id"),
            ["legacy-pos-sale:1", "legacy-pos-sale:2"],
        )
        self.export("sales_002.csv", csv_line(3))
        writing = self.export("sales_003.csv", csv_line(4), settled=False)
        self.poll(self.csv)
        state = self.state(self.csv)
        self.assertEqual(state.watermark, "3", "a file still being written waits")
        self.assertEqual(state.last_duplicates, 2)
        past = time.time() - 60
        os.utime(writing, (past, past))
        self.poll(self.csv)
        self.assertEqual(len(self.legacy_events(self.csv)), 4)
        self.drain("pos:TST:R2", channel=self.csv)
        self.assertEqual(self.on_hand(self.shirt), 17)
        self.assertEqual(self.on_hand(self.socks), 8)

    def test_missing_folder_is_a_source_failure(self):
        self.csv.poll_folder = str(self.exports / "gone")
        result = self.poll(self.csv)
        self.assertIn("source down", result)
        self.assertIn("is not readable", self.state(self.csv).last_error)


@tagged("post_install", "-at_install")
class TestWatermarkEngine(TransactionCase):
    def test_dsn_passwords_are_masked(self):
        self.assertEqual(
            wm.mask_dsn("could not connect to postgresql://pos:hunter2@db:5432/x"),
            "could not connect to postgresql://pos:***@db:5432/x",
        )
        self.assertEqual(
            wm.mask_dsn("DRIVER={ODBC};UID=sa;PWD=hunter2;SERVER=x"),
            "DRIVER={ODBC};UID=sa;PWD=***;SERVER=x",
        )
        self.assertEqual(wm.mask_secret("bad hunter2", "hunter2"), "bad ***")

    def test_bounds_and_ties(self):
        self.assertEqual(wm.bound(wm.NUMBER, 100, 10), 90)
        self.assertEqual(wm.bound(wm.NUMBER, 100, 10, continuing=True), 100)
        moment = wm.parse(wm.DATETIME, "2026-12-07T10:00:30+01:00")
        self.assertEqual(str(wm.bound(wm.DATETIME, moment, 30)), "2026-12-07 09:00:00")
        # A full batch cut in the middle of equal watermarks leaves them all.
        self.assertEqual(wm.trim_ties([1, 2, 3, 3, 3], 4), 2)
        self.assertEqual(wm.trim_ties([1, 2, 3, 3, 4], 4), 4)
        self.assertEqual(wm.trim_ties([1, 2, 3], 4), 3)
        self.assertEqual(wm.trim_ties([3, 3, 3], 2), 2)

    def test_history_of_the_overlap_in_time(self):
        history = wm.remember(None, 100.0, "", 30)
        history = wm.remember(history, 105.0, "10", 30)
        history = wm.remember(history, 110.0, "40", 30)
        self.assertEqual(wm.bound_in_time(wm.NUMBER, history, 110.0, 30), 10)
        # Long after (an outage): the previous polls are kept all the same.
        history = wm.remember(history, 500.0, "45", 30)
        self.assertEqual([entry[1] for entry in history], ["40", "45"])
        self.assertEqual(wm.bound_in_time(wm.NUMBER, history, 500.0, 30), 40)
        self.assertIsNone(wm.bound_in_time(wm.NUMBER, history, 500.0, 0))

    def test_sql_error_messages_hide_the_password(self):
        source = sources.SqlSource(
            "postgresql+psycopg2://pos:hunter2@127.0.0.1:9/pos",
            "SELECT 1",
            "sale_id",
            wm.NUMBER,
            timeout=2,
        )
        with self.assertRaises(sources.SourceError) as caught:
            source.fetch(None, 10)
        self.assertNotIn("hunter2", str(caught.exception))


@tagged("post_install", "-at_install")
class TestPolledMapping(TransactionCase):
    def test_only_webhook_mappings_need_their_headers(self):
        Mapping = self.env["retail.sync.mapping"]
        polled = Mapping.create(
            {"name": "Till", "code": "till-test", "platform": "polled"}
        )
        self.assertFalse(polled.topic_header)
        with self.assertRaises(ValidationError):
            Mapping.create(
                {
                    "name": "Shop",
                    "code": "shop-test",
                    "platform": "other",
                    "delivery_id_headers": "X-Id",
                }
            )
