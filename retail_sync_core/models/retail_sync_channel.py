# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import Command, api, fields, models

from ..engine import actions, circuit, overview, signing


class RetailSyncChannel(models.Model):
    """An external system that exchanges events with Odoo: a store POS, a storefront."""

    _name = "retail.sync.channel"
    _description = "Retail Sync Channel"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "retail.sync.manager.mixin",
        "retail.sync.overview.mixin",
    ]
    _order = "sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short unique identifier of the channel, used in logs and event routing.",
    )
    kind = fields.Selection(
        [("pos", "POS store"), ("ecommerce", "E-commerce"), ("other", "Other")],
        required=True,
        default="pos",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    note = fields.Text()

    # Inbound: who may post, how much, what.
    user_id = fields.Many2one(
        "res.users",
        string="Integration user",
        copy=False,
        tracking=True,
        ondelete="restrict",
        help="The user the channel authenticates as, with an Odoo API key. It may post "
        "events for this channel and nothing else.",
    )
    signing_secret = fields.Char(copy=False, groups="base.group_system")
    signing_secret_previous = fields.Char(copy=False, groups="base.group_system")
    signature_required = fields.Boolean(
        compute="_compute_signature_required",
        help="Requests must be signed: Standard Webhooks headers (webhook-id, "
        "webhook-timestamp, webhook-signature) under the signing secret.",
    )
    rate_limit = fields.Float(
        string="Rate limit (events/s)",
        default=500.0,
        help="Sustained events per second accepted from this channel, across all Odoo "
        "workers. 0 means unlimited.",
    )
    rate_burst = fields.Integer(
        string="Burst (events)",
        default=5000,
        help="Events accepted at once above the sustained rate.",
    )
    max_batch_size = fields.Integer(default=1000, help="Most events in one request.")
    max_body_kb = fields.Integer(
        string="Largest body (KiB)", default=8192, help="Larger requests get a 413."
    )
    contract_ids = fields.Many2many(
        "retail.sync.contract",
        string="Accepted contracts",
        help="Event types and versions this channel may send. Empty: every contract.",
    )
    gap_timeout = fields.Integer(
        string="Sequence gap wait (s)",
        default=60,
        help="How long a key waits for a missing sequence number before the later "
        "event is applied and flagged.",
    )
    sequence_start = fields.Selection(
        [("1", "Starts at 1"), ("0", "Starts at 0"), ("any", "Starts anywhere")],
        string="Key numbering",
        default="1",
        required=True,
        help="Where the sequence numbers of a new ordering key start. A key's first "
        "event with a higher number waits for the ones before it (up to the gap "
        "wait). 'Starts anywhere': the first event of a key applies at once.",
    )
    domain_ids = fields.One2many("retail.sync.channel.domain", "channel_id", "Domains")
    api_key_count = fields.Integer(
        "API keys",
        compute="_compute_api_key_count",
        help="Lasting API keys of the integration user: after a rotation, revoke the "
        "old one once the channel uses the new one.",
    )
    events_url = fields.Char(
        "Events endpoint",
        compute="_compute_events_url",
        help="Where the channel POSTs its events, with its API key.",
    )
    test_ids = fields.One2many(
        "retail.sync.channel.test", "channel_id", "Test events", readonly=True
    )

    # Monitoring: when the channel counts as silent, who gets its alerts.
    quiet_period_minutes = fields.Integer(
        "Quiet period (min)",
        default=60,
        tracking=True,
        help="Sending nothing for longer makes the channel silent: shown down on the "
        "overview, and an alert. 0: never silent.",
    )
    alert_user_id = fields.Many2one(
        "res.users",
        "Alerts to",
        tracking=True,
        domain=lambda self: [
            ("groups_id", "in", self.env.ref("retail_sync_core.group_manager").id)
        ],
        help="Who gets this channel's alerts as activities. Empty: the first Retail "
        "Sync manager.",
    )
    latency_summary = fields.Char(
        "Worst latency",
        compute="_compute_overview",
        help="The domain whose p95 latency is furthest above (or closest to) its "
        "target",
    )

    # Outbound: where Odoo pushes to, and the state of that endpoint.
    push_url = fields.Char(
        "Push endpoint",
        tracking=True,
        help="HTTPS URL that receives Odoo's pushes (Standard Webhooks signed).",
    )
    push_secret = fields.Char(copy=False, groups="base.group_system")
    push_enabled = fields.Boolean(default=True, tracking=True)
    push_disabled_reason = fields.Char(readonly=True)
    push_timeout = fields.Float("Push timeout (s)", default=5.0)
    circuit_state = fields.Selection(
        [("closed", "Closed"), ("open", "Open"), ("half_open", "Half-open")],
        default="closed",
        readonly=True,
        help="Open: the endpoint failed repeatedly; pushes wait and probe it.",
    )
    circuit_failures = fields.Integer(readonly=True)
    circuit_retry_at = fields.Float(readonly=True, help="Unix time of the next probe")
    circuit_cooldown = fields.Float(readonly=True)

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(company_id, code)",
            "A channel code must be unique per company.",
        ),
        (
            "user_unique",
            "unique(user_id)",
            "An integration user serves one channel only.",
        ),
    ]

    @api.depends_context("uid")
    def _compute_signature_required(self):
        for channel, has_secret in zip(
            self, self.sudo().mapped("signing_secret"), strict=True
        ):
            channel.signature_required = bool(has_secret)

    def _compute_api_key_count(self):
        counts = dict(
            self.env["res.users.apikeys"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", self.sudo().user_id.ids),
                    ("expiration_date", "=", False),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        for channel in self:
            channel.api_key_count = counts.get(channel.sudo().user_id, 0)

    def _compute_events_url(self):
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for channel in self:
            channel.events_url = base.rstrip("/") + "/retail_sync/v1/events"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "domain_ids" not in vals:
                # One line per installed domain, with the domain's defaults.
                vals["domain_ids"] = self.env["retail.sync.domain"]._channel_lines()
        return super().create(vals_list)

    def _signing_secrets(self):
        self.ensure_one()
        channel = self.sudo()
        return [
            s for s in (channel.signing_secret, channel.signing_secret_previous) if s
        ]

    def _accepted_contracts(self):
        """{(type, version)} this channel may send, or None for every contract."""
        self.ensure_one()
        if not self.contract_ids:
            return None
        return {(c.event_type, c.version) for c in self.contract_ids}

    # Overview: figures computed when read, drill-down to the events.
    def _compute_overview(self):
        data, now = self._overview_data(self)
        for channel in self:
            info = data.get(channel.id) or {"domains": {}, "last_received_at": None}
            targets = {
                line.domain: line.latency_target_ms for line in channel.domain_ids
            }
            total, states, latencies = overview.Figures(), [], []
            for domain, figures in info["domains"].items():
                total.add(figures)
                states.append(overview.domain_health(figures, targets.get(domain), now))
                latencies.append((domain, figures.p95(), targets.get(domain)))
            last = info["last_received_at"]
            silent = overview.is_silent(
                channel._silence_seconds(last, now), channel.quiet_period_minutes
            )
            health = overview.channel_health(states, channel.circuit_state, silent)
            values = channel._overview_values(total, health, last, now)
            worst = overview.worst_latency(latencies)
            values["latency_summary"] = (
                self.env._(
                    "%(domain)s: p95 %(p95)s / %(target)s",
                    domain=self.env["retail.sync.domain"]
                    ._labels()
                    .get(worst[0], worst[0]),
                    p95=overview.format_ms(worst[1]),
                    target=overview.format_ms(worst[2]),
                )
                if worst
                else ""
            )
            channel.update(values)

    def _silence_seconds(self, last_received_at, now):
        """Seconds since the channel last sent anything (since its creation when it
        never did)."""
        self.ensure_one()
        since = last_received_at or self.create_date
        return (now - since).total_seconds() if since else None

    def _events_action(self, xml_id, name, context=None, domain=None):
        """The window action ``xml_id`` narrowed to this channel's events."""
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action.update(
            name=name,
            display_name=name,
            context=dict(context or {}, search_default_channel_id=self.id),
            domain=domain or [],
        )
        return action

    def action_open_events(self):
        self.ensure_one()
        return self._events_action(
            "retail_sync_core.retail_sync_event_action",
            self.env._("Events of %s", self.name),
        )

    def action_open_dead_letters(self):
        self.ensure_one()
        return self._events_action(
            "retail_sync_core.retail_sync_event_dead_action",
            self.env._("Dead letters of %s", self.name),
            context={"search_default_dead": 1},
        )

    def action_open_waiting(self):
        self.ensure_one()
        return self._events_action(
            "retail_sync_core.retail_sync_event_action",
            self.env._("Waiting events of %s", self.name),
            context={"search_default_waiting": 1},
        )

    def action_open_dependency_waits(self):
        self.ensure_one()
        return self._events_action(
            "retail_sync_core.retail_sync_event_action",
            self.env._("Events of %s waiting for others", self.name),
            context={"search_default_dependency": 1, "search_default_group_waiting": 1},
        )

    def action_open_overview_domains(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_sync_core.retail_sync_channel_domain_overview_action"
        )
        name = self.env._("%s by domain", self.name)
        action.update(
            name=name, display_name=name, domain=[("channel_id", "=", self.id)]
        )
        return action

    # Credentials: shown once, never stored in clear beyond the secret itself.
    def _ensure_integration_user(self):
        """The channel's integration user: a portal user with only the integration
        group."""
        self.ensure_one()
        if self.user_id:
            return self.user_id
        login = f"retail-sync-{self.code.lower()}-{self.company_id.id}"
        user = (
            self.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": f"Retail Sync: {self.name}",
                    "login": login,
                    "company_id": self.company_id.id,
                    "company_ids": [Command.set(self.company_id.ids)],
                    "groups_id": [
                        Command.set(
                            [
                                self.env.ref("base.group_portal").id,
                                self.env.ref("retail_sync_core.group_integration").id,
                            ]
                        )
                    ],
                }
            )
        )
        self.sudo().user_id = user
        return user

    def _generate_api_key(self):
        """A new Odoo API key for the integration user; returned once, stored hashed."""
        self.ensure_one()
        self._check_manager()
        user = self._ensure_integration_user()
        return (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, f"Retail Sync channel {self.code}", None)
        )

    def _rotate_signing_secret(self):
        """A new body-signing secret; the current one stays valid until the next
        rotation, so a channel can switch without downtime."""
        self.ensure_one()
        self._check_manager()
        secret = signing.new_webhook_secret()
        channel = self.sudo()
        channel.write(
            {
                "signing_secret_previous": channel.signing_secret,
                "signing_secret": secret,
            }
        )
        self.message_post(body=self.env._("Signing secret rotated."))
        return secret

    def _pushes_ready(self):
        """Whether pushes can go to this channel at all."""
        self.ensure_one()
        channel = self.sudo()
        return bool(channel.push_url and channel.push_enabled and channel.push_secret)

    def _circuit(self):
        self.ensure_one()
        return circuit.Circuit(
            self.circuit_state or circuit.CLOSED,
            self.circuit_failures,
            self.circuit_retry_at,
            self.circuit_cooldown,
        )

    def _circuit_record(self, success):
        """Update the endpoint's circuit breaker after a push."""
        self.ensure_one()
        before = self._circuit()
        after = (
            circuit.on_success(before)
            if success
            else circuit.on_failure(before, time.time())
        )
        if after != before:
            self.sudo().write(
                {
                    "circuit_state": after.state,
                    "circuit_failures": after.failures,
                    "circuit_retry_at": after.retry_at,
                    "circuit_cooldown": after.cooldown,
                }
            )
        if after.state != before.state:
            self.message_post(
                body=self.env._(
                    "Push endpoint circuit %s.", after.state.replace("_", "-")
                )
            )

    def _disable_push(self, reason):
        self.ensure_one()
        self.sudo().write({"push_enabled": False, "push_disabled_reason": reason})
        self.message_post(body=self.env._("Pushes disabled: %s", reason))

    def _rotate_push_secret(self):
        """A new Standard Webhooks secret (whsec_...) for signing pushes."""
        self.ensure_one()
        self._check_manager()
        secret = signing.new_webhook_secret()
        self.sudo().push_secret = secret
        self.message_post(body=self.env._("Push signing secret rotated."))
        return secret

    def action_rotate_push_secret(self):
        return self._show_secret_once(
            self.env._("Push signing secret"), self._rotate_push_secret()
        )

    def action_enable_push(self):
        self._check_manager()
        self.sudo().write(
            {
                "push_enabled": True,
                "push_disabled_reason": False,
                "circuit_state": "closed",
                "circuit_failures": 0,
                "circuit_retry_at": 0.0,
                "circuit_cooldown": 0.0,
            }
        )
        for channel in self:
            channel.message_post(body=self.env._("Pushes enabled, circuit closed."))

    def action_revoke_old_api_keys(self):
        """Finish a key rotation: keep only the newest lasting API key."""
        self.ensure_one()
        self._check_manager()
        user = self.sudo().user_id
        keys = (
            self.env["res.users.apikeys"]
            .sudo()
            .search(
                [("user_id", "=", user.id), ("expiration_date", "=", False)],
                order="id desc",
            )
            if user
            else self.env["res.users.apikeys"]
        )
        old = keys[1:]
        if old:
            old._remove()
            self.message_post(body=self.env._("%s old API key(s) revoked.", len(old)))
        return True

    def action_send_test_event(self):
        """Send system.ping through the whole path and show the round trip."""
        self.ensure_one()
        self._check_manager()
        run = self.env["retail.sync.channel.test"]._start(self)
        return actions.open_in_dialog(run._name, run.id, self.env._("Test event"))

    def action_generate_api_key(self):
        key = self._generate_api_key()
        self.message_post(body=self.env._("New API key generated."))
        return self._show_secret_once(self.env._("API key"), key)

    def action_rotate_signing_secret(self):
        return self._show_secret_once(
            self.env._("Signing secret"), self._rotate_signing_secret()
        )

    def _show_secret_once(self, label, value):
        wizard = self.env["retail.sync.secret.wizard"].create(
            {"channel_id": self.id, "label": label, "secret": value}
        )
        return actions.open_in_dialog(wizard._name, wizard.id, label)
