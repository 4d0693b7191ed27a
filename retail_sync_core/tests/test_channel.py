# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import make_user


@tagged("post_install", "-at_install")
class TestChannel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Channel = cls.env["retail.sync.channel"]
        cls.operator = make_user(
            cls.env, "rs_operator", "base.group_user,retail_sync_core.group_user"
        )
        cls.manager = make_user(
            cls.env, "rs_manager", "base.group_user,retail_sync_core.group_manager"
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Retail Co"})

    def test_code_unique_per_company(self):
        self.Channel.create({"name": "Paris", "code": "PAR"})
        self.Channel.create(
            {"name": "Paris", "code": "PAR", "company_id": self.other_company.id}
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.Channel.create({"name": "Paris again", "code": "PAR"})

    def test_operator_reads_but_cannot_configure(self):
        channel = self.Channel.create({"name": "Lyon", "code": "LYO"})
        self.assertEqual(channel.with_user(self.operator).name, "Lyon")
        with self.assertRaises(AccessError):
            channel.with_user(self.operator).write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.Channel.with_user(self.operator).create({"name": "X", "code": "X"})

    def test_manager_configures(self):
        channel = self.Channel.with_user(self.manager).create(
            {"name": "Web shop", "code": "TEST-WEB", "kind": "ecommerce"}
        )
        channel.write({"name": "Web shop EU"})
        self.assertEqual(channel.name, "Web shop EU")

    def test_channels_of_other_companies_are_invisible(self):
        self.Channel.create(
            {"name": "Foreign", "code": "FOR", "company_id": self.other_company.id}
        )
        visible = self.Channel.with_user(self.manager).search([("code", "=", "FOR")])
        self.assertFalse(visible)

    def test_admin_is_retail_sync_manager(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("retail_sync_core.group_manager"))
        self.assertTrue(admin.has_group("retail_sync_core.group_user"))
