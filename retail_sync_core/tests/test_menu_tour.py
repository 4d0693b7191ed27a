# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMenuTour(HttpCase):
    def test_tour_admin_opens_retail_sync_menu(self):
        self.env["retail.sync.channel"].create(
            {"name": "Tour Test Store", "code": "TOUR-STORE"}
        )
        self.start_tour("/odoo", "retail_sync_menu_tour", login="admin")

    def test_menu_hidden_from_users_without_the_group(self):
        plain_user = self.env["res.users"].create(
            {
                "name": "Plain employee",
                "login": "plain_employee",
                "password": "plain_employee",
                "groups_id": [Command.set([self.env.ref("base.group_user").id])],
            }
        )
        root = self.env.ref("retail_sync_core.retail_sync_root_menu")
        visible = self.env["ir.ui.menu"].with_user(plain_user)._visible_menu_ids()
        self.assertNotIn(root.id, visible)
        admin_visible = (
            self.env["ir.ui.menu"]
            .with_user(self.env.ref("base.user_admin"))
            ._visible_menu_ids()
        )
        self.assertIn(root.id, admin_visible)
