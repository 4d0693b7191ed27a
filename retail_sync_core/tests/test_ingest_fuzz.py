# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Property-based fuzzing of the inbox: whatever bytes a channel sends,
``retail.sync.event._receive`` answers a Reception (never raises), every outcome is
one the API documents and maps to a status below 500, events answered accepted are
stored exactly once, and sending the same body again stores nothing more.

Bounded and reproducible: a fixed number of examples, derandomized, no example
database; each example runs in a savepoint that is rolled back, on one channel."""

import collections
import json
import logging
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

from ..controllers.responses import reception_response
from ..engine import outcomes
from .common import ChannelMixin

_logger = logging.getLogger(__name__)

MAX_EXAMPLES = 300

# Every outcome kind the inbox may answer: the string constants of engine/outcomes.py.
KINDS = {
    value
    for name, value in vars(outcomes).items()
    if name.isupper() and isinstance(value, str)
}

# ------------------------------------------------------------------ strategies
HOSTILE_STRINGS = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\ud83d",  # the first half of an emoji's surrogate pair, alone
    "\U0001f600",
    "\u202e",
    "'; DROP TABLE retail_sync_event; --",
    "%s%s%s",
    "{data.store}",
    "",
    " ",
    "a" * 300,
]
ODD_DATES = [
    "2026-13-45T10:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-02-29T10:00:00Z",
    "2024-02-29T23:59:59.999999+14:00",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+00:01",
    "9999-12-31T23:59:59-00:01",
    "2026-11-27T10:00:00+99:99",
    "2026-11-27T24:00:00Z",
    "2026-11-27T23:59:60Z",
    "2026-11-27T10:00:00",
    "2026-11-27",
    "2026-11-27T10:00:00+01:00",
    "2026-11-27T10:00:00.5Z",
]
HUGE_INTS = [2**31, 2**63, 2**64 + 1, -(2**63) - 1, 10**400]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(HOSTILE_STRINGS),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE_STRINGS)),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)
text_with_hostile = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda a, b, c: a + b + c,
        st.text(max_size=4),
        st.sampled_from(HOSTILE_STRINGS),
        st.text(max_size=4),
    ),
)
event_ids = st.one_of(
    st.sampled_from(["e1", "e2", "e3", "till-7-000123"]),  # collide within a batch
    st.text(min_size=1, max_size=40),
    text_with_hostile,
    scalars,
)
dates = st.one_of(
    st.sampled_from(ODD_DATES),
    st.from_regex(
        r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})\Z"
    ),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    scalars,
)


plain_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30
)
good_dates = st.one_of(
    st.sampled_from(["2026-11-27T10:00:00+01:00", "2026-11-27T09:00:00.123456Z"]),
    st.sampled_from(ODD_DATES),
    st.from_regex(
        r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})\Z"
    ),
)


@st.composite
def good_pings(draw):
    """A ping that its contract accepts (its date may still be no real date)."""
    event = {
        "id": draw(st.one_of(st.sampled_from(["e1", "e2", "e3"]), plain_text)) or "e0",
        "type": "system.ping",
        "schema_version": 1,
        "occurred_at": draw(good_dates),
        "data": draw(
            st.one_of(st.just({}), st.fixed_dictionaries({"message": plain_text}))
        ),
    }
    if draw(st.booleans()):
        event["ordering_key"] = draw(plain_text) or "k"
    if draw(st.booleans()):
        event["sequence"] = draw(st.integers(0, 2**31 - 1))
    return event


@st.composite
def hostile_pings(draw):
    """A good ping with one string field carrying what PostgreSQL cannot store."""
    event = draw(good_pings())
    field = draw(st.sampled_from(["id", "ordering_key", "message"]))
    value = draw(text_with_hostile) or "x"
    if field == "message":
        event["data"] = {"message": value}
    else:
        event[field] = value
    return event


@st.composite
def random_events(draw):
    """An event with any field of any type, or missing, or an extra one."""
    event = {
        "id": draw(event_ids),
        "type": draw(
            st.one_of(
                st.just("system.ping"),
                st.sampled_from(["pos.sale.completed", "test.count", "no.such.type"]),
                text_with_hostile,
                scalars,
            )
        ),
        "schema_version": draw(
            st.one_of(
                st.just(1), st.sampled_from([True, "1", 1.0, 0, -1, 2, 2**70]), scalars
            )
        ),
        "occurred_at": draw(dates),
        "data": draw(
            st.one_of(
                st.fixed_dictionaries({"message": text_with_hostile}),
                st.just({}),
                json_values,
            )
        ),
    }
    if draw(st.booleans()):
        event["ordering_key"] = draw(st.one_of(text_with_hostile, scalars))
    if draw(st.booleans()):
        event["sequence"] = draw(
            st.one_of(st.integers(-5, 5), st.sampled_from(HUGE_INTS), scalars)
        )
    if draw(st.integers(0, 9)) == 0:
        event[draw(st.text(max_size=6))] = draw(json_values)
    if draw(st.integers(0, 9)) == 0:
        del event[draw(st.sampled_from(sorted(event)))]
    return event


def events():
    """Good events often enough that accepting and deduplicating are exercised."""
    return st.one_of(good_pings(), hostile_pings(), random_events())


def deep(depth, opener, closer, inner=b"1"):
    return opener * depth + inner + closer * depth


def deep_event(depth):
    """A ping whose data nests ``depth`` levels (built as bytes: json.dumps would
    itself recurse too deep)."""
    head = (
        b'{"id": "deep-1", "type": "system.ping", "schema_version": 1, '
        b'"occurred_at": "2026-11-27T10:00:00Z", "data": {"message": "m", "x": '
    )
    return head + deep(depth, b'{"a": ', b"}") + b"}}"


def dumps(value):
    """JSON bytes as a channel may send them: lone surrogates as \\ud800 escapes,
    non-finite floats as NaN / Infinity (which Python's json reads back)."""
    return json.dumps(value, ensure_ascii=True).encode()


bodies = st.one_of(
    events().map(dumps),
    st.lists(events(), min_size=1, max_size=8).map(lambda e: dumps({"events": e})),
    json_values.map(dumps),
    st.builds(
        lambda depth, kind: deep(depth, *kind),
        st.integers(1, 3000),
        st.sampled_from([(b"[", b"]"), (b'{"a": ', b"}")]),
    ),
    st.integers(1, 3000).map(deep_event),
    st.builds(
        lambda batch, depth: dumps({"events": batch})[:-2]
        + b", "
        + deep_event(depth)
        + b"]}",
        st.lists(events(), min_size=1, max_size=3),
        st.integers(30, 2000),
    ),
    st.sampled_from(
        [
            b"",
            b"null",
            b'{"events": []}',
            b'{"events": {}}',
            b'{"events": null}',
            b'{"id": NaN}',
            b'{"id": "n", "type": "system.ping", "schema_version": 1, '
            b'"occurred_at": "2026-11-27T10:00:00Z", "data": {"x": Infinity}}',
            b'{"id": "n", "type": "system.ping", "schema_version": 1, '
            b'"occurred_at": "2026-11-27T10:00:00Z", "data": {"x": -Infinity}}',
            b"\xff\xfe{}",
            b'{"id": "\\ud800\\udc00"}',
            b'"\\u0000"',
        ]
    ),
    st.binary(max_size=64),
)


@tagged("post_install", "-at_install")
class TestIngestFuzz(ChannelMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No rate limit: the bucket would otherwise be taken on its own cursor.
        cls.channel, _key = cls.make_channel("FUZZ-1", rate_limit=0)
        cls.Event = cls.env["retail.sync.event"].sudo()
        cls.stats = collections.Counter()
        cls.started = time.monotonic()

    def stored(self, external_id):
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM retail_sync_event "
                "WHERE channel_id = %s AND external_id = %s",
                self.channel.id,
                external_id,
            )
        )
        return self.env.cr.fetchone()[0]

    def receive(self, body):
        """_receive, which must answer a Reception with documented outcomes that
        map to an HTTP answer below 500."""
        try:
            reception = self.Event._receive(self.channel, body)
        except Exception as exc:
            self.fail(f"_receive raised {exc!r} for the body {body[:300]!r}")
        self.assertIsInstance(reception, outcomes.Reception)
        if reception.refusal:
            self.assertIn(reception.refusal.kind, KINDS)
            self.assertFalse(reception.outcomes)
        else:
            self.assertTrue(reception.outcomes)
            for outcome in reception.outcomes:
                self.assertIn(outcome.kind, KINDS, outcome)
        response = reception_response(reception)
        self.assertLess(response.status_code, 500, response.get_data())
        json.loads(response.get_data())
        return reception

    def check_body(self, body):
        first = self.receive(body)
        kinds = [o.kind for o in first.outcomes] or [first.refusal.kind]
        self.stats.update(kinds)
        self.stats["bodies"] += 1
        accepted = [o.event_id for o in first.outcomes if o.kind == outcomes.ACCEPTED]
        self.assertEqual(len(accepted), len(set(accepted)), "an id accepted twice")
        for external_id in accepted:
            self.assertEqual(self.stored(external_id), 1, external_id)
        if first.refusal or not accepted:
            return
        # The same body again: every event accepted the first time is a duplicate
        # now (or a conflict, for a batch that carried one id with two payloads),
        # and nothing more is stored.
        again = self.receive(body)
        self.assertIsNone(again.refusal)
        for before, after in zip(first.outcomes, again.outcomes, strict=True):
            if before.kind == outcomes.ACCEPTED:
                self.assertIn(after.kind, (outcomes.DUPLICATE, outcomes.CONFLICT))
            self.assertNotEqual(after.kind, outcomes.ACCEPTED, after)
        for external_id in accepted:
            self.assertEqual(self.stored(external_id), 1, external_id)

    @mute_logger("odoo.sql_db", "odoo.addons.retail_sync_core.models.retail_sync_event")
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(body=bodies)
    def test_any_body_gets_an_answer_and_accepted_events_are_stored_once(self, body):
        savepoint = self.env.cr.savepoint(flush=False)
        try:
            self.check_body(body)
        finally:
            # Nothing of the example stays: neither rows nor the ORM's cache.
            self.env.invalidate_all(flush=False)
            savepoint.close(rollback=True)

    @classmethod
    def tearDownClass(cls):
        # The run's size and outcome counts (shown with --odoo-log-level=info).
        _logger.info(
            "ingest fuzz: %d bodies in %.1f s, outcomes %s",
            cls.stats.pop("bodies", 0),
            time.monotonic() - cls.started,
            dict(cls.stats),
        )
        super().tearDownClass()
