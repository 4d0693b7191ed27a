# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from dataclasses import dataclass, field
from datetime import datetime

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

ODOO_ONLY = "odoo_only"
OWNER_ONLY = "owner_only"
LATEST_WINS = "latest_wins"
POLICIES = [
    (ODOO_ONLY, "Odoo only"),
    (OWNER_ONLY, "Owner only"),
    (LATEST_WINS, "Latest wins (by occurred_at)"),
]
# The channel kinds of retail.sync.channel, for a rule owned by every channel of a kind.
CHANNEL_KINDS = [("pos", "POS store"), ("ecommerce", "E-commerce"), ("other", "Other")]


@dataclass
class OwnershipSplit:
    """What a handler may write of the values one event brings for one record:
    ``applied`` (field: value) and ``ignored`` (field: "ignored: owned by X")."""

    applied: dict
    ignored: dict = field(default_factory=dict)
    occurred_at: datetime | None = None
    # Fields written under the latest-wins policy: their time is stamped.
    stamped: tuple = ()


class RetailSyncFieldOwner(models.Model):
    """Which system may change a field: Odoo alone, its owner channel(s) alone, or
    whoever wrote last (by the event's occurred_at).

    A handler asks ``_split`` (or ``_split_many``) which of its incoming values it
    may apply; the others are ignored with the reason, recorded as conflicts. A
    field without a rule is written by anyone; an owner-only field that is still
    empty takes its first value from any channel. Rules name their model and field as
    text, so that a rule may ship for a field of an addon not installed (it then
    does nothing)."""

    _name = "retail.sync.field.owner"
    _inherit = ["retail.sync.cached.mixin"]
    _description = "Retail Sync Field Ownership"
    _order = "domain, model_name, field_name"
    _rec_name = "display_label"

    domain = fields.Char(
        required=True,
        help="The domain whose events carry this field (customers, catalog): groups "
        "the rules; the rule applies to every handler writing the field.",
    )
    model_name = fields.Char(
        "Model", required=True, help="res.partner, product.template"
    )
    field_name = fields.Char("Field", required=True)
    display_label = fields.Char(compute="_compute_display_label", store=True)
    field_exists = fields.Boolean(
        compute="_compute_field_exists",
        help="Whether the field exists in this database; a rule for a field of an "
        "addon not installed does nothing.",
    )
    policy = fields.Selection(POLICIES, required=True, default=OWNER_ONLY)
    owner_kind = fields.Selection(
        CHANNEL_KINDS,
        "Owner channel kind",
        help="Every channel of this kind owns the field (with the channels listed).",
    )
    owner_channel_ids = fields.Many2many(
        "retail.sync.channel",
        string="Owner channels",
        help="Channels that own the field. Latest wins: when set, only these (and "
        "the owner kind) may write; when empty, every channel may.",
    )
    owner_label = fields.Char(
        "Owned by", compute="_compute_owner_label", help="What ignored values name"
    )
    active = fields.Boolean(default=True)
    note = fields.Text(help="Why this system owns the field")
    conflict_count = fields.Integer(compute="_compute_conflict_count")

    _sql_constraints = [
        (
            "model_field_unique",
            "unique(model_name, field_name)",
            "This field already has an ownership rule.",
        ),
    ]

    @api.depends("domain", "model_name", "field_name")
    def _compute_display_label(self):
        for rule in self:
            rule.display_label = f"{rule.domain}: {rule.model_name}.{rule.field_name}"

    @api.depends("model_name", "field_name")
    def _compute_field_exists(self):
        for rule in self:
            model = self.env.get(rule.model_name) if rule.model_name else None
            rule.field_exists = model is not None and rule.field_name in model._fields

    @api.depends("policy", "owner_kind", "owner_channel_ids")
    def _compute_owner_label(self):
        kinds = dict(CHANNEL_KINDS)
        for rule in self:
            rule.owner_label = rule._owner_text(
                rule.policy,
                kinds.get(rule.owner_kind),
                rule.owner_channel_ids.mapped("code"),
            )

    def _compute_conflict_count(self):
        counts = dict(
            self.env["retail.sync.conflict"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.conflict_count = counts.get(rule, 0)

    @api.model
    def _owner_text(self, policy, kind_label, channel_codes):
        if policy == ODOO_ONLY:
            return "Odoo"
        owners = [*channel_codes]
        if kind_label:
            owners.insert(0, self.env._("every %s channel", kind_label))
        if not owners:
            return self.env._("any channel")
        return ", ".join(owners)

    @api.constrains("policy", "owner_kind", "owner_channel_ids")
    def _check_owner(self):
        for rule in self:
            if rule.policy == OWNER_ONLY and not (
                rule.owner_kind or rule.owner_channel_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%s: an owner-only field needs an owner channel kind or "
                        "owner channels.",
                        rule.display_label,
                    )
                )

    # ------------------------------------------------------------------ rules
    @api.model
    @tools.ormcache("model_name")
    def _rules_of(self, model_name):
        """{field: (rule id, policy, owner kind, owner channel ids, owner label)}
        of a model: every event asks, rules seldom change."""
        rules = self.sudo().search([("model_name", "=", model_name)])
        return {
            rule.field_name: (
                rule.id,
                rule.policy,
                rule.owner_kind or None,
                frozenset(rule.owner_channel_ids.ids),
                rule.owner_label,
            )
            for rule in rules
        }

    @api.model
    def _channel_may_write(self, channel, rule):
        _id, policy, kind, channel_ids, _label = rule
        if policy == ODOO_ONLY:
            return False
        if not kind and not channel_ids:
            return policy == LATEST_WINS
        return channel.id in channel_ids or (kind and channel.kind == kind)

    # ------------------------------------------------------------------ inbound
    @api.model
    def _split(self, channel, model_name, values, occurred_at, record=None, event=None):
        """Which of ``values`` (field: value) ``channel`` may write to ``record`` (a
        record of ``model_name``, or None for one about to be created) for an event
        that occurred at ``occurred_at``. Returns an OwnershipSplit; ignored values
        are recorded as conflicts of ``event``. After writing ``split.applied``,
        call ``_record_applied`` so that latest-wins fields remember their time."""
        return self._split_many(
            channel, model_name, [(record, values, occurred_at, event)]
        )[0]

    @api.model
    def _split_many(self, channel, model_name, items):
        """``_split`` for many (record or None, values, occurred_at, event) items
        of one channel at once: one read of the stamps, one insert of conflicts.
        Instead of None, the record may be a dict: the values of a record about
        to be created by earlier events of the same batch (an owner-only field
        they set is no longer empty)."""
        rules = self._rules_of(model_name)
        if not rules:
            return [
                OwnershipSplit(dict(values), occurred_at=occurred_at)
                for _r, values, occurred_at, _e in items
            ]
        stamps = self._stamps(
            model_name,
            [record.id for record, _v, _o, _e in items if _is_record(record)],
            [name for name, rule in rules.items() if rule[1] == LATEST_WINS],
        )
        splits, conflicts = [], []
        for record, values, occurred_at, event in items:
            split = OwnershipSplit({}, occurred_at=occurred_at)
            stamped = []
            for name, value in values.items():
                rule = rules.get(name)
                if rule is None:
                    split.applied[name] = value
                    continue
                reason = None
                if not self._channel_may_write(channel, rule):
                    # An owner-only field still takes its first value from any
                    # channel (a customer signing up at a till has an email before
                    # the storefront knows them); changing it is the owner's.
                    if not (rule[1] == OWNER_ONLY and _is_empty(record, name)):
                        reason = self.env._("ignored: owned by %s", rule[4])
                elif rule[1] == LATEST_WINS:
                    last = _is_record(record) and stamps.get((record.id, name))
                    if last and occurred_at and last[0] > occurred_at:
                        reason = self.env._(
                            "ignored: older than the value written at %(when)s by "
                            "%(who)s (latest wins)",
                            when=fields.Datetime.to_string(last[0]),
                            who=last[1] or "Odoo",
                        )
                    else:
                        stamped.append(name)
                if reason:
                    split.ignored[name] = reason
                    conflicts.append(
                        {
                            "kind": "ignored",
                            "rule_id": rule[0],
                            "channel_id": channel.id,
                            "event_id": event.id if event else False,
                            "model_name": model_name,
                            "res_id": record.id if _is_record(record) else False,
                            "field_name": name,
                            "owner": rule[4],
                            "reason": reason,
                            "value": _as_text(value),
                        }
                    )
                else:
                    split.applied[name] = value
            split.stamped = tuple(stamped)
            splits.append(split)
        if conflicts:
            self.env["retail.sync.conflict"].sudo().create(conflicts)
        return splits

    @api.model
    def _record_applied(self, channel, model_name, pairs):
        """Remember when the latest-wins fields of (record, split) pairs were
        written, so that an older event never overwrites a newer value."""
        rows = [
            (record.id, name, split.occurred_at or fields.Datetime.now())
            for record, split in pairs
            for name in split.stamped
        ]
        self._write_stamps(model_name, rows, channel.id if channel else None)

    @api.model
    def _stamps(self, model_name, res_ids, field_names):
        """{(res id, field): (written at, channel code)} for these records."""
        if not res_ids or not field_names:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT s.res_id, s.field_name, s.written_at, c.code
                  FROM retail_sync_field_stamp s
                  LEFT JOIN retail_sync_channel c ON c.id = s.channel_id
                 WHERE s.model_name = %s AND s.res_id = ANY(%s)
                   AND s.field_name = ANY(%s)
                """,
                model_name,
                list(res_ids),
                list(field_names),
            )
        )
        return {(r[0], r[1]): (r[2], r[3]) for r in self.env.cr.fetchall()}

    @api.model
    def _write_stamps(self, model_name, rows, channel_id):
        """Upsert (res id, field, written at) stamps; a stamp only moves forward.
        Several rows for one field of one record (two events of a batch writing
        the same customer) are one: the latest, as one upsert cannot touch a row
        twice."""
        latest = {}
        for res_id, name, written_at in rows:
            known = latest.get((res_id, name))
            if known is None or known < written_at:
                latest[(res_id, name)] = written_at
        rows = [(res_id, name, when) for (res_id, name), when in latest.items()]
        if not rows:
            return
        self.env["retail.sync.field.stamp"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO retail_sync_field_stamp
                       (model_name, res_id, field_name, written_at, channel_id)
                SELECT %s, r.res_id, r.field_name, r.written_at, %s
                  FROM unnest(%s::int[], %s::varchar[], %s::timestamp[])
                       AS r(res_id, field_name, written_at)
                ON CONFLICT (model_name, res_id, field_name) DO UPDATE
                   SET written_at = EXCLUDED.written_at,
                       channel_id = EXCLUDED.channel_id
                 WHERE retail_sync_field_stamp.written_at <= EXCLUDED.written_at
                """,
                model_name,
                channel_id,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
            )
        )

    # ------------------------------------------------------------- Odoo edits
    @api.model
    def _flag_odoo_edits(self, records, vals):
        """Record what an Odoo user (UI, import, API) wrote to ``records``: a
        conflict of kind "odoo edit" for each channel-owned field, and the time of
        the write for latest-wins fields (a later channel value still wins, an
        older one no longer does). Call it from the write of a model whose records
        channels feed, for the records they feed."""
        if not records:
            return
        rules = self._rules_of(records._name)
        touched = [(name, rules[name]) for name in vals if name in rules]
        if not touched:
            return
        conflicts, stamps = [], []
        for name, rule in touched:
            if rule[1] == OWNER_ONLY:
                conflicts.extend(
                    {
                        "kind": "odoo_edit",
                        "rule_id": rule[0],
                        "model_name": records._name,
                        "res_id": record.id,
                        "field_name": name,
                        "owner": rule[4],
                        "reason": self.env._(
                            "edited in Odoo by %(user)s; owned by %(owner)s",
                            user=self.env.user.name,
                            owner=rule[4],
                        ),
                        "value": _as_text(vals[name]),
                        "user_id": self.env.uid,
                    }
                    for record in records
                )
            elif rule[1] == LATEST_WINS:
                now = fields.Datetime.now()
                stamps.extend((record.id, name, now) for record in records)
        if conflicts:
            self.env["retail.sync.conflict"].sudo().create(conflicts)
        self._write_stamps(records._name, stamps, None)

    def action_open_conflicts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "retail_sync_core.retail_sync_conflict_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action


def _is_record(record):
    return isinstance(record, models.BaseModel) and bool(record)


def _is_empty(record, name):
    """Whether ``record`` (None: not created yet; a dict: the values it is about
    to be created with) has no value in field ``name``."""
    if isinstance(record, dict):
        return not record.get(name)
    return not record or name not in record._fields or not record[name]


def _as_text(value):
    """A value as shown in the Conflicts view (JSON for structures)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)
