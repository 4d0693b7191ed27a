# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import json
import logging
import random
import time
import traceback
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL, config

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.retail_sync_core.engine import backoff, locks, ordering
from odoo.addons.retail_sync_core.engine.errors import WaitingError
from odoo.addons.retail_sync_core.models.retail_sync_event import PENDING_STATES
from odoo.addons.retail_sync_core.models.retail_sync_handler import PERMANENT

_logger = logging.getLogger(__name__)

# Events applied per drain job before it hands over to a fresh one (short transactions).
DRAIN_BATCH = 200
# Concurrency conflicts (two drains moving one product) retry the job a second later;
# past this many tries the job fails and the sweeper cron takes the key up again.
DRAIN_MAX_RETRIES = 60
# Keys, and events, one domain drain job takes unless its domain says otherwise
# (Keys per job, Events per job): short transactions let pushes interleave.
DOMAIN_KEYS = 100
DOMAIN_EVENTS = 500
# Keys of a many-keys job that its handler does not batch (a refund, an update)
# drain one by one within it, for this long at most: the rest go to the next job.
DOMAIN_ONE_BY_ONE_SECONDS = 2.0
# States of an event that a batch may take (not failed or dead: one by one).
RUNNABLE = ("received", "queued", "blocked")
# A release and a wait that commit at the same moment do not see each other
# (repeatable read: the waiter's snapshot predates the dependency, the releaser's
# predates the wait). So an event that starts waiting is tried once more this soon,
# and every WAIT_RECHECK_SECONDS after that by the cron.
WAIT_FIRST_RECHECK_SECONDS = 3
WAIT_RECHECK_SECONDS = 120
# Decisions under which an event is applied now.
APPLYING = (ordering.APPLY, ordering.APPLY_LATE, ordering.APPLY_AFTER_GAP)


def _raise_if_concurrency_error(exc):
    """A lock or serialization conflict with another job (two drains moving the same
    product, or a key whose last drain committed after this job's snapshot): the
    whole drain is retried from a fresh snapshot at once, nothing recorded on the
    event. The other job has committed by then (that is what made this one fail),
    so a retry does not meet it again; a little jitter keeps two retries apart.
    Left to queue_job, the job would wait 5 s."""
    if (
        isinstance(exc, psycopg2.OperationalError)
        and exc.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY
    ):
        raise RetryableJobError(
            f"concurrent update: {exc.pgerror}", seconds=random.uniform(0.01, 0.05)
        ) from exc


@contextmanager
def _retried_on_conflict():
    """Retry the job at once on a concurrency conflict raised outside a savepoint
    (the key state's insert: see ``retail.sync.key.state._for_key``)."""
    try:
        yield
    except psycopg2.OperationalError as exc:
        _raise_if_concurrency_error(exc)
        raise


def _timestamp(value):
    return value.replace(tzinfo=UTC).timestamp() if value else None


class RetailSyncDrain(models.AbstractModel):
    """The drain engine: enqueues the jobs that apply stored events and runs them.

    Events of one ordering key apply in order (sequence numbers, a per-key advisory
    lock); independent keys run in parallel. A domain drains per key (one job per
    key) or many keys per job (its handler applies batches), as its
    ``retail.sync.domain`` record says. What an event's handler reports or raises
    is recorded here: applied, failed (retried with backoff), dead, skipped as
    stale, blocked behind an earlier event, or waiting for another entity (a
    refund for its payment) until that entity releases it. This model never names
    an event type or a domain: contracts name handlers, domains say how they
    drain."""

    _name = "retail.sync.drain"
    _description = "Retail Sync drain engine"

    # ------------------------------------------------------------------ enqueueing
    @api.model
    def _enqueue_events(self, events):
        """One drain job per ordering key of these events (or one per domain that
        drains many keys at once), in the same transaction as the events: enqueue
        is transactional, a free outbox. The events become queued."""
        if not events:
            return True
        Event = self.env["retail.sync.event"]
        # Plain columns: reading the records would load their payloads too.
        Event.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (channel_id, ordering_key) channel_id, ordering_key,
                       domain
                  FROM retail_sync_event WHERE id = ANY(%s)
                 ORDER BY channel_id, ordering_key
                """,
                events.ids,
            )
        )
        self._enqueue_keys(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                "UPDATE retail_sync_event SET state = 'queued' "
                "WHERE id = ANY(%s) AND state = 'received'",
                events.ids,
            )
        )
        events.invalidate_recordset(["state"])
        return True

    @api.model
    def _drains_many_keys(self, domain):
        return self.env["retail.sync.domain"]._setting(domain, "drain_mode") == "domain"

    @api.model
    def _job_settings(self, domain):
        """(queue_job channel, priority) of a domain's drain jobs."""
        Domain = self.env["retail.sync.domain"]
        return (
            Domain._setting(domain, "job_channel") or "root.retail_sync",
            Domain._setting(domain, "priority", 10),
        )

    @api.model
    def _key_identity(self, channel_id, ordering_key):
        return f"retail_sync.drain:{channel_id}:{ordering_key}"

    @api.model
    def _domain_identity(self, domain):
        return f"retail_sync.domain:{domain}"

    @api.model
    def _enqueue_key(
        self, channel_id, ordering_key, domain, eta=None, suffix="", once=False
    ):
        """Enqueue the drain of one key. ``once``: unless one already waits (new
        events); delayed retries use their own suffix so a new event is not held by
        them."""
        job_channel, priority = self._job_settings(domain)
        job = (
            self,
            "_drain_key",
            self._key_identity(channel_id, ordering_key) + suffix,
            job_channel,
            priority,
            f"Retail Sync: apply events of {ordering_key}",
        )
        options = {"args": (channel_id, ordering_key), "max_retries": DRAIN_MAX_RETRIES}
        if once:
            return self.env["retail.sync.job"]._enqueue_once(*job, **options)
        return self.env["retail.sync.job"]._enqueue(*job, eta=eta, **options)

    @api.model
    def _partition_count(self, domain):
        """How many drain jobs of a many-keys domain may run at once: the domain's
        *Parallel drains*, or with 0 half the server's HTTP workers (the other half
        stays free for pushes and other domains), at least one."""
        count = self.env["retail.sync.domain"]._setting(domain, "drain_partitions") or 0
        if count <= 0:
            count = (config.get("workers") or 0) // 2
        return max(1, count)

    @api.model
    def _partition_part(self, domain, ordering_key):
        """The part of an ordering key that picks its partition: the whole key, or
        its n-th ':' segment (the store of ``stock:PAR:SKU`` and ``pos:PAR:R1``,
        so that one store's sales and counts never drain in two jobs at once)."""
        segment = self.env["retail.sync.domain"]._setting(
            domain, "partition_segment", 0
        )
        if segment <= 0:
            return ordering_key
        parts = ordering_key.split(":")
        # As PostgreSQL's split_part: an absent segment is empty.
        return parts[segment - 1] if len(parts) >= segment else ""

    @api.model
    def _partition_of(self, domain, ordering_key, count=None):
        """The partition of a key: md5, as ``_partition_sql`` computes it in SQL."""
        count = count or self._partition_count(domain)
        if count == 1:
            return 0
        part = self._partition_part(domain, ordering_key)
        return int(hashlib.md5(part.encode()).hexdigest()[:8], 16) % count

    @api.model
    def _partition_sql(self, domain, count):
        """SQL of the partition of ``retail_sync_event.ordering_key``."""
        segment = self.env["retail.sync.domain"]._setting(
            domain, "partition_segment", 0
        )
        part = (
            SQL("split_part(ordering_key, ':', %s)", segment)
            if segment > 0
            else SQL("ordering_key")
        )
        return SQL(
            "mod(('x' || substr(md5(%s), 1, 8))::bit(32)::bigint, %s)", part, count
        )

    @api.model
    def _partition_filter(self, domain, partition):
        """SQL condition (``AND ...``) on retail_sync_event: the partition's keys."""
        count = self._partition_count(domain)
        if count == 1:
            return SQL()
        return SQL("AND %s = %s", self._partition_sql(domain, count), partition)

    @api.model
    def _domain_job(self, domain, partition=0):
        """(job, options) of the drain of one partition of a many-keys domain."""
        job_channel, priority = self._job_settings(domain)
        identity = self._domain_identity(domain)
        if partition:
            identity = f"{identity}:{partition}"
        job = (
            self,
            "_drain_domain",
            identity,
            job_channel,
            priority,
            f"Retail Sync: apply {domain} events of many keys"
            + (f" (partition {partition + 1})" if partition else ""),
        )
        return job, {"args": (domain, partition), "max_retries": DRAIN_MAX_RETRIES}

    @api.model
    def _enqueue_domain(self, domain, partition=0):
        """Enqueue the drain of one partition of a many-keys domain, unless one
        already waits."""
        job, options = self._domain_job(domain, partition)
        return self.env["retail.sync.job"]._enqueue_once(*job, **options)

    @api.model
    def _domain_work_left(self, domain, partition, skipped):
        """Whether events of the partition wait to be drained, leaving out the keys
        of ``skipped`` [(channel id, key)] (locked by another job, which drains
        them)."""
        in_partition = self._partition_filter(domain, partition)
        not_skipped = (
            SQL(
                "AND (channel_id, ordering_key) NOT IN (SELECT * FROM unnest(%s::int[],"
                " %s::varchar[]))",
                [channel_id for channel_id, _k in skipped],
                [key for _c, key in skipped],
            )
            if skipped
            else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT 1 FROM retail_sync_event
                 WHERE domain = %s AND state IN ('received', 'queued') %s %s
                 LIMIT 1
                """,
                domain,
                in_partition,
                not_skipped,
            )
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _enqueue_event_key(self, event, **options):
        """Drain the key of ``event`` again (after a retry delay, a replay)."""
        return self._enqueue_key(
            event.channel_id.id, event.ordering_key, event.domain, **options
        )

    # ------------------------------------------------------------------ draining
    @api.model
    def _drain_key(self, channel_id, ordering_key):
        """Apply the pending events of one key in order (a queue_job job).

        Holds the key's advisory lock for its transaction, so two jobs never apply
        events of one key at once. Each event applies in a savepoint: a failing one
        is recorded (failed or dead) and blocks only the rest of its own key.
        """
        self = self.sudo()
        if not self._lock_key(channel_id, ordering_key):
            raise RetryableJobError(
                f"key {ordering_key} is being drained by another job",
                seconds=1,
                ignore_retry=True,
            )
        with _retried_on_conflict():
            return self._drain_locked_key(channel_id, ordering_key)

    @api.model
    def _lock_key(self, channel_id, ordering_key):
        return bool(self._lock_keys([(channel_id, ordering_key)]))

    @api.model
    def _lock_keys(self, keys):
        """``_lock_key`` for many (channel id, ordering key) in one query: those
        whose lock this transaction took, in the order given."""
        names = {f"{channel_id}:{key}": (channel_id, key) for channel_id, key in keys}
        taken = self.env["retail.sync.lock"]._try_many(locks.DRAIN_KEY, list(names))
        return [names[name] for name in taken]

    @api.model
    def _domain_limits(self, domain):
        """(keys, events) one drain job of a many-keys domain takes at most."""
        Domain = self.env["retail.sync.domain"]
        return (
            Domain._setting(domain, "drain_keys_per_job") or DOMAIN_KEYS,
            Domain._setting(domain, "drain_events_per_job") or DOMAIN_EVENTS,
        )

    @api.model
    def _pending_of_key(self, channel_id, ordering_key, limit):
        """The key's events still to apply, in the order they apply."""
        Event = self.env["retail.sync.event"]
        Event.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM retail_sync_event
                 WHERE channel_id = %s AND ordering_key = %s AND state IN %s
                 ORDER BY sequence ASC NULLS LAST, occurred_at, id
                 LIMIT %s
                """,
                channel_id,
                ordering_key,
                PENDING_STATES,
                limit,
            )
        )
        return Event.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _pending_of_keys(self, keys, limit):
        """``_pending_of_key`` for many keys at once: {key: events}, one query, the
        events of all keys in one prefetch set (their fields read together)."""
        if not keys:
            return {}
        Event = self.env["retail.sync.event"]
        Event.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT id, channel_id, ordering_key FROM (
                    SELECT e.id, e.channel_id, e.ordering_key,
                           row_number() OVER (
                               PARTITION BY e.channel_id, e.ordering_key
                               ORDER BY e.sequence ASC NULLS LAST, e.occurred_at, e.id
                           ) AS position
                      FROM retail_sync_event e
                      JOIN unnest(%s::int[], %s::varchar[]) AS k(channel_id, key)
                        ON e.channel_id = k.channel_id AND e.ordering_key = k.key
                     WHERE e.state IN %s
                ) ranked
                 WHERE position <= %s
                 ORDER BY channel_id, ordering_key, position
                """,
                [channel_id for channel_id, _key in keys],
                [key for _channel_id, key in keys],
                PENDING_STATES,
                limit,
            )
        )
        rows = self.env.cr.fetchall()
        prefetch = tuple(row[0] for row in rows)
        ids_by_key = {}
        for event_id, channel_id, key in rows:
            ids_by_key.setdefault((channel_id, key), []).append(event_id)
        return {
            key: Event.browse(ids_by_key.get(key, [])).with_prefetch(prefetch)
            for key in keys
        }

    @api.model
    def _drain_locked_key(self, channel_id, ordering_key):
        channel = self.env["retail.sync.channel"].browse(channel_id)
        key_state = self.env["retail.sync.key.state"]._for_key(channel_id, ordering_key)
        pending = self._pending_of_key(channel_id, ordering_key, DRAIN_BATCH + 1)
        events = pending[:DRAIN_BATCH]
        summary = {"applied": 0, "skipped": 0, "stopped_at": None}
        position = 0
        while position < len(events):
            event = events[position]
            run = self._batch_run(events[position:], channel, key_state)
            counts = self._apply_runs([(key_state, run)]) if len(run) > 1 else None
            if counts is not None:
                [applied] = counts
                summary["applied"] += applied
                position += applied
                if applied < len(run):
                    summary["stopped_at"] = events[position].external_id
                    break
                continue
            outcome = self._drain_one(event, channel, key_state)
            if outcome == "stop":
                summary["stopped_at"] = event.external_id
                break
            summary[outcome] += 1
            position += 1
        else:
            if len(pending) > DRAIN_BATCH:
                # More waiting: a fresh job keeps transactions short.
                self._enqueue_event_key(events[:1], suffix=":more")
        return summary

    # ------------------------------------------------------- many keys at once
    @api.model
    def _drain_domain(self, domain, partition=0):
        """Apply the waiting events of many keys of a domain in one job (a queue_job
        job on the domain's channel), those of one partition of its keys.

        The head runs of every key (sales of a register, in order) go to one batch
        handler call, so a spike costs one stock validation for all stores instead
        of one job per register. What a batch cannot take (a failed head, a gap,
        another type) is then drained key by key as usual. Partitions drain in
        parallel; a key always falls in the same one, and its lock keeps its order
        even while the number of partitions changes."""
        with _retried_on_conflict():
            return self.sudo()._drain_partition(domain, partition)

    @api.model
    def _drain_partition(self, domain, partition):
        self.env["retail.sync.event"].flush_model()
        in_partition = self._partition_filter(domain, partition)
        max_keys, max_events = self._domain_limits(domain)
        self.env.cr.execute(
            SQL(
                """
                SELECT channel_id, ordering_key FROM retail_sync_event
                 WHERE domain = %s AND state IN ('received', 'queued') %s
                 GROUP BY channel_id, ordering_key
                 ORDER BY min(id)
                 LIMIT %s
                """,
                domain,
                in_partition,
                max_keys + 1,
            )
        )
        keys = self.env.cr.fetchall()
        # A backlog (more keys waiting than one job takes) drains one job per
        # partition at a time: a second job would take the first one's keys
        # again, find them held, nibble at the next one and follow up, over and
        # over while the first runs. Below that (a trickle, a spike) jobs of one
        # partition drain the keys that are free side by side.
        backlog = len(keys) > max_keys
        if backlog and not self.env["retail.sync.lock"]._try(
            locks.DRAIN_PARTITION, f"{domain}:{partition}"
        ):
            return {"keys": 0, "applied": 0, "partition": partition, "held": True}
        locked = self._lock_keys(keys[:max_keys])
        if keys and not locked:
            # Every key is held by a running job, which hands on when it commits.
            return {"keys": 0, "applied": 0, "partition": partition, "held": True}
        runs_by_contract, room, more = {}, max_events, len(keys) > max_keys
        by_key_drain = []
        # The state and pending events of every locked key, read at once.
        key_states = self.env["retail.sync.key.state"]._for_keys(locked)
        pending_by_key = self._pending_of_keys(locked, DRAIN_BATCH + 1)
        # One prefetch set: the channels' settings are read in one query, not one
        # per key (stores are often each a channel of their own).
        channel_ids = tuple(sorted({channel_id for channel_id, _key in locked}))
        for channel_id, key in locked:
            if room <= 0:
                more = True
                break
            channel = (
                self.env["retail.sync.channel"]
                .browse(channel_id)
                .with_prefetch(channel_ids)
            )
            key_state = key_states[(channel_id, key)]
            # Sliced by ids: a recordset's slice would lose the shared prefetch.
            key_events = pending_by_key[(channel_id, key)]
            ids = key_events._ids[: min(room, DRAIN_BATCH) + 1]
            pending = key_events.browse(ids).with_prefetch(key_events._prefetch_ids)
            events = pending.browse(ids[: min(room, DRAIN_BATCH)]).with_prefetch(
                key_events._prefetch_ids
            )
            run = self._batch_run(events, channel, key_state) if events else []
            if not run:
                by_key_drain.append((channel_id, key))
                continue
            room -= len(run)
            more = more or len(pending) > len(run)
            runs_by_contract.setdefault(run[0][0].contract_id, []).append(
                (key_state, run, (channel_id, key))
            )
        applied, progressed = 0, set()
        for runs in runs_by_contract.values():
            done = self._apply_runs([(key_state, run) for key_state, run, _k in runs])
            if done is None:
                by_key_drain.extend(k for _s, _r, k in runs)
                continue
            applied += sum(done)
            progressed.update(k for (_s, _r, k), n in zip(runs, done, strict=True) if n)
        # Keys the batch could not take (a failed or dead head, a gap, another type):
        # the usual drain, which records what fails and blocks only that key.
        until = time.monotonic() + DOMAIN_ONE_BY_ONE_SECONDS
        tried = {k for runs in runs_by_contract.values() for _s, _r, k in runs}
        for channel_id, key in by_key_drain:
            if time.monotonic() > until:
                more = True
                break
            tried.add((channel_id, key))
            summary = self._drain_locked_key(channel_id, key)
            applied += summary["applied"]
            if summary["applied"] or summary["skipped"]:
                progressed.add((channel_id, key))
        if more:
            # In this transaction, so that the next job exists even if the worker
            # dies after the commit. But this job's snapshot may show a job as
            # waiting that has run meanwhile (it found these keys locked and left
            # them): the follow-up below, after the commit, sees the truth.
            self._enqueue_domain(domain, partition)
        # Events stored while this job ran (after its snapshot) drain as soon as
        # it commits, not after the tail's delay. Left out of that look: the keys
        # another job held (it looks after them when it commits), and those this
        # job tried and could not move (stuck behind a failed event or a gap:
        # following up on them would spin).
        left_out = (set(keys[:max_keys]) - set(locked)) | (tried - progressed)
        job, options = self._domain_job(domain, partition)
        self.env["retail.sync.job"]._follow_up_after_commit(
            *job,
            "_domain_work_left",
            check_args=(domain, partition, sorted(left_out)),
            **options,
        )
        return {"keys": len(locked), "applied": applied, "partition": partition}

    @api.model
    def _apply_runs(self, runs):
        """Apply the runs of many keys (one contract) with one handler call.

        A batch handler may answer an exception instead of a result for an event it
        did not apply (a capture whose order has not arrived: a WaitingError): that
        event's outcome is recorded as if it had been applied alone, and the rest of
        its key waits behind it (the handler applies nothing after it in its key).
        When the call raises, the runs are left to the key-by-key drain, which
        isolates the bad event: returns None. Otherwise how many were applied, per
        run."""
        flat = [item for _key_state, run in runs for item in run]
        events = self.env["retail.sync.event"].browse(
            [event.id for event, _c, _d in flat]
        )
        try:
            with self.env.cr.savepoint():
                results = events[:1]._handler()._apply(events) or {}
        except Exception as exc:  # applied one by one afterwards, errors recorded there
            _raise_if_concurrency_error(exc)
            _logger.info(
                "Retail Sync: batch of %s %s over %s keys failed (%s)",
                len(events),
                events[:1].event_type,
                len(runs),
                exc.__class__.__name__,
            )
            return None
        successes, refused, counts = [], [], []
        for key_state, run in runs:
            done = []
            for event, candidate, decision in run:
                result = results.get(event.id, {})
                if isinstance(result, Exception):
                    refused.append((event, result))
                    break
                done.append((event, candidate))
                successes.append((event, result, decision))
            if done:
                key_state._consume_run(done)
            counts.append(len(done))
        self._record_successes(successes)
        for event, exc in refused:
            self._record_refusal(event, exc)
        return counts

    @api.model
    def _record_refusal(self, event, exc):
        """What a handler answered instead of applying ``event`` (in a batch, or
        raised alone): a wait, or a failure retried or dead; the rest of its key
        waits behind it."""
        if isinstance(exc, WaitingError):
            self._record_wait(event, exc)
            self._block_behind_wait(event)
            return
        self._record_failure(event, exc)
        if event.state == "failed":
            self._enqueue_retry(event)
        self._block_followers(
            event, self.env._("waiting behind event %s", event.external_id)
        )

    @api.model
    def _candidate(self, event):
        return ordering.Candidate(
            # The payload tells an absent sequence from 0; the Integer column can't.
            sequence=event.payload.get("sequence"),
            occurred_at=_timestamp(event.occurred_at),
            received_at=_timestamp(event.received_at),
            absolute_state=event.contract_id.absolute_state,
        )

    @api.model
    def _batch_run(self, events, channel, key_state):
        """The run of events, from the head, that one handler call can apply at
        once: same contract, each next in order. Empty when the handler does not
        take batches or the head needs the one-by-one path (failed, dead)."""
        # Kept in the events' prefetch set: a slice would read its head alone.
        head = events[:1].with_prefetch(events._prefetch_ids)
        if not head or not self._batches(head.contract_id):
            return []
        run, state, now = [], key_state._as_engine_state(), time.time()
        for event in events:
            if event.contract_id != head.contract_id or event.state not in RUNNABLE:
                break
            candidate = self._candidate(event)
            decision = ordering.decide(candidate, state, now, channel.gap_timeout)
            if decision.action not in APPLYING:
                break
            run.append((event, candidate, decision))
            state = ordering.advance(state, candidate)
        return run

    @api.model
    def _batches(self, contract):
        """Whether the handler of ``contract`` applies batches (asked once per
        contract and transaction: a drain of 1,000 keys asks for each)."""
        cache = self.env.cr.cache.setdefault("retail_sync.batches", {})
        key = (contract.id, contract.handler_model)
        if key not in cache:
            cache[key] = bool(
                contract.handler_model in self.env
                and contract._handler()._apply_in_batches
            )
        return cache[key]

    @api.model
    def _drain_one(self, event, channel, key_state):
        """Handle the head event of a key: 'applied', 'skipped' or 'stop'."""
        now = fields.Datetime.now()
        if event.state == "dead":
            self._block_followers(
                event, self.env._("waiting behind dead event %s", event.external_id)
            )
            return "stop"
        if event.state == "waiting":
            # Released by its dependency (or the recheck cron), never by a drain.
            self._block_behind_wait(event)
            return "stop"
        if (
            event.state == "failed"
            and event.next_attempt_at
            and event.next_attempt_at > now
        ):
            self._block_followers(
                event,
                self.env._(
                    "waiting behind event %(event)s, retried at %(when)s",
                    event=event.external_id,
                    when=event.next_attempt_at,
                ),
            )
            self._enqueue_retry(event)
            return "stop"
        candidate = self._candidate(event)
        decision = ordering.decide(
            candidate, key_state._as_engine_state(), time.time(), channel.gap_timeout
        )
        if decision.action == ordering.SKIP_STALE:
            event.write(
                {
                    "state": "skipped",
                    "state_reason": decision.reason,
                    "last_attempt_at": now,
                }
            )
            return "skipped"
        if decision.action == ordering.WAIT_GAP:
            event.write({"state": "blocked", "state_reason": decision.reason})
            self._block_followers(event, decision.reason)
            self._enqueue_event_key(
                event,
                eta=now + timedelta(seconds=decision.wait_seconds + 0.5),
                suffix=":gap",
            )
            return "stop"
        try:
            with self.env.cr.savepoint():
                handler = event._handler()
                result = handler._apply(event).get(event.id) or {}
                if isinstance(result, Exception):
                    raise result
        except Exception as exc:
            _raise_if_concurrency_error(exc)
            self._record_refusal(event, exc)
            return "stop"
        self._record_successes([(event, result, decision)])
        key_state._consume(event, candidate)
        return "applied"

    @api.model
    def _enqueue_retry(self, event):
        """Drain this failed event's key again when its next attempt is due."""
        self._enqueue_event_key(event, eta=event.next_attempt_at, suffix=":retry")

    # ------------------------------------------------------------------ outcomes
    @api.model
    def _record_successes(self, applied):
        """Mark the (event, result, decision) triples applied, in one statement: a
        spike applies hundreds per second."""
        if not applied:
            return
        events = self.env["retail.sync.event"].browse(
            [event.id for event, _r, _d in applied]
        )
        events.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT nextval('retail_sync_event_applied_seq')"
                " FROM generate_series(1, %s)",
                len(applied),
            )
        )
        orders = sorted(row[0] for row in self.env.cr.fetchall())
        processed = datetime.now(UTC).replace(tzinfo=None)
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event e
                   SET state = 'done', attempts = e.attempts + 1,
                       processed_at = %s, last_attempt_at = %s,
                       latency_ms = floor(
                           extract(epoch FROM %s - e.received_at) * 1000),
                       result = d.result, applied_order = d.applied_order,
                       state_reason = d.reason, error_message = NULL,
                       error_traceback = NULL, next_attempt_at = NULL,
                       write_uid = %s, write_date = now() at time zone 'UTC'
                  FROM unnest(%s::int[], %s::jsonb[], %s::int[], %s::varchar[])
                       AS d(id, result, applied_order, reason)
                 WHERE e.id = d.id
                """,
                processed,
                processed,
                processed,
                self.env.uid,
                events.ids,
                [json.dumps(result) if result else None for _e, result, _d in applied],
                orders,
                [decision.reason or None for _e, _r, decision in applied],
            )
        )
        events.invalidate_recordset()

    @api.model
    def _record_failure(self, event, exc):
        """Record what the handler raised: dead when it cannot succeed or retries
        are exhausted, else failed with the next attempt's time (backoff)."""
        contract = event.contract_id
        attempts = event.attempts + 1
        values = {
            "error_message": str(exc) or exc.__class__.__name__,
            "error_traceback": "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__)
            ),
            "attempts": attempts,
            "last_attempt_at": fields.Datetime.now(),
        }
        if event._handler()._classify_error(exc) == PERMANENT:
            values.update(state="dead", next_attempt_at=False)
        elif attempts >= contract.retry_max_attempts:
            values.update(
                state="dead",
                next_attempt_at=False,
                error_message=self.env._(
                    "retries exhausted after %(attempts)s attempts: %(error)s",
                    attempts=attempts,
                    error=values["error_message"],
                ),
            )
        else:
            delay = backoff.retry_delay(
                attempts, contract.retry_base_seconds, contract.retry_max_seconds
            )
            values.update(
                state="failed",
                next_attempt_at=fields.Datetime.now() + timedelta(seconds=delay),
            )
        # Failures are rare: each one is kept for the event's timeline.
        event._audit(
            values["state"],
            False,
            attempt=attempts,
            error_message=values["error_message"],
        )
        event.write(values)
        # The message may quote customer data: the log names the error class only.
        _logger.info(
            "Retail Sync event %s (%s) %s: %s",
            event.id,
            event.event_type,
            values["state"],
            exc.__class__.__name__,
        )

    @api.model
    def _record_wait(self, event, wait):
        """The event waits for ``wait.dependency``: visible, not retried, not
        counted as an attempt. Its wait starts when it first waits for this
        dependency (a recheck that finds it still missing keeps the start)."""
        now = fields.Datetime.now()
        values = {
            "state": "waiting",
            "state_reason": wait.reason,
            "waiting_for": wait.dependency,
            "waiting_kind": wait.dependency.split(":", 1)[0],
            "last_attempt_at": now,
        }
        if event.waiting_for != wait.dependency or not event.waiting_since:
            values["waiting_since"] = now
            event._audit("waiting", wait.reason)
            self._enqueue_wait_recheck(event, wait.dependency)
        event.write(values)

    @api.model
    def _enqueue_wait_recheck(self, event, dependency):
        job_channel, priority = self._job_settings(event.domain)
        # identity_key: one recheck waits per dependency, however many wait on it.
        return self.env["retail.sync.job"]._enqueue(
            self,
            "_recheck_wait",
            f"retail_sync.wait:{dependency}",
            job_channel,
            priority,
            f"Retail Sync: check again what waits for {dependency}",
            args=(dependency,),
            eta=timedelta(seconds=WAIT_FIRST_RECHECK_SECONDS),
        )

    @api.model
    def _recheck_wait(self, dependency):
        """Try again, once, the events waiting for ``dependency``: in case it was
        applied by a transaction that did not see them wait (a queue job)."""
        return self._release_waiting([dependency], audit=False)

    @api.model
    def _block_behind_wait(self, event):
        self._block_followers(
            event,
            self.env._(
                "waiting behind event %(event)s (%(reason)s)",
                event=event.external_id,
                reason=event.state_reason,
            ),
        )

    @api.model
    def _release_waiting(self, dependencies, audit=True, after_commit=True):
        """Release the events waiting for any of ``dependencies`` (tokens): call it
        in the transaction that applies what they wait for. They are queued again
        and their keys' drains enqueued, to run as soon as this commits. Returns how
        many events were released.

        Once this transaction has committed, the same tokens are released again in
        a fresh one (``after_commit``): an event that started waiting while this
        transaction ran (a capture drained while a batch of 100 orders was being
        created) was invisible to it, under repeatable read, and its own recheck
        may have come too early."""
        tokens = sorted({token for token in dependencies if token})
        if not tokens:
            return 0
        if after_commit:
            self._release_again_after_commit(tokens)
        Event = self.env["retail.sync.event"]
        Event.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event SET state = 'queued', state_reason = NULL,
                       write_date = now() at time zone 'UTC'
                 WHERE state = 'waiting' AND waiting_for = ANY(%s)
                RETURNING id, channel_id, ordering_key, domain
                """,
                tokens,
            )
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return 0
        Event.invalidate_model(["state", "state_reason"])
        released = Event.browse([row[0] for row in rows])
        audits = audit and self.env["retail.sync.event.audit"].sudo().create(
            [
                {
                    "event_id": event_id,
                    "action": "released",
                    "reason": token,
                    "state_before": "waiting",
                }
                for event_id, token in zip(
                    released.ids, released.mapped("waiting_for"), strict=True
                )
            ]
        )
        _logger.debug("Retail Sync: released %s waiting events", len(audits or rows))
        self._enqueue_keys({(row[1], row[2], row[3]) for row in rows})
        return len(rows)

    @api.model
    def _release_again_after_commit(self, tokens):
        postcommit = self.env.cr.postcommit
        pending = postcommit.data.setdefault("retail_sync.release_waiting", set())
        if not pending:
            registry = self.env.registry

            @postcommit.add
            def release_again():
                try:
                    with registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        env["retail.sync.drain"]._release_waiting(
                            pending, after_commit=False
                        )
                except Exception:  # the recheck jobs and the cron still release
                    _logger.exception("Retail Sync: release after commit failed")

        pending.update(tokens)

    @api.model
    def _enqueue_keys(self, keys):
        """Drain these (channel id, ordering key, domain): a job per key, or one
        per domain for the domains that drain many keys at once."""
        batched = set()
        for channel_id, key, domain in sorted(keys):
            if self._drains_many_keys(domain):
                batched.add((domain, self._partition_of(domain, key)))
            else:
                self._enqueue_key(channel_id, key, domain, once=True)
        for domain, partition in sorted(batched):
            self._enqueue_domain(domain, partition)

    @api.model
    def _cron_expire_or_recheck_waits(self):
        """Waiting events past their domain's wait become dead letters with their
        reason; the others are checked again every WAIT_RECHECK_SECONDS, in case a
        release and the wait crossed (see WAIT_RECHECK_SECONDS)."""
        Event = self.env["retail.sync.event"]
        Event.flush_model()
        self.env.cr.execute(
            """
            SELECT e.id FROM retail_sync_event e
              JOIN retail_sync_domain d ON d.code = e.domain
             WHERE e.state = 'waiting' AND d.dependency_timeout_minutes > 0
               AND e.waiting_since < (now() at time zone 'UTC')
                   - d.dependency_timeout_minutes * interval '1 minute'
             LIMIT 5000
            """
        )
        expired = Event.browse([row[0] for row in self.env.cr.fetchall()])
        for event in expired:
            timeout = self.env["retail.sync.domain"]._setting(
                event.domain, "dependency_timeout_minutes"
            )
            message = self.env._(
                "gave up after %(minutes)s minutes %(reason)s",
                minutes=timeout,
                reason=event.state_reason or event.waiting_for,
            )
            event._audit("dead", False, error_message=message)
            event.write(
                {
                    "state": "dead",
                    "error_message": message,
                    "last_attempt_at": fields.Datetime.now(),
                }
            )
            self._block_followers(
                event, self.env._("waiting behind dead event %s", event.external_id)
            )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT waiting_for FROM retail_sync_event
                 WHERE state = 'waiting'
                   AND last_attempt_at < (now() at time zone 'UTC') - %s
                 LIMIT 5000
                """,
                timedelta(seconds=WAIT_RECHECK_SECONDS),
            )
        )
        rechecked = self._release_waiting(
            (row[0] for row in self.env.cr.fetchall()), audit=False
        )
        return {"expired": len(expired), "rechecked": rechecked}

    @api.model
    def _block_followers(self, event, reason):
        """Mark the events queued behind ``event`` in its key as blocked."""
        Event = self.env["retail.sync.event"]
        Event.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE retail_sync_event SET state = 'blocked', state_reason = %s,
                       write_date = now() at time zone 'UTC'
                 WHERE channel_id = %s AND ordering_key = %s AND id != %s
                   AND state IN ('received', 'queued', 'blocked')
                """,
                reason,
                event.channel_id.id,
                event.ordering_key,
                event.id,
            )
        )
        Event.invalidate_model(["state", "state_reason"])

    # ------------------------------------------------------------------ safety net
    @api.model
    def _cron_requeue_stuck_keys(self, older_than_seconds=60):
        """Re-enqueue keys whose events wait with no job (a lost or failed drain job).

        identity_key keeps this from piling up jobs behind waiting ones.
        """
        self.env["retail.sync.event"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT e.channel_id, e.ordering_key, e.domain
                  FROM retail_sync_event e
                 WHERE (e.state IN ('received', 'queued', 'blocked')
                        AND e.write_date < (now() at time zone 'UTC')
                                           - %s * interval '1 second')
                    OR (e.state = 'failed'
                        AND e.next_attempt_at < (now() at time zone 'UTC')
                                                - interval '30 seconds')
                 LIMIT 5000
                """,
                older_than_seconds,
            )
        )
        rows = self.env.cr.fetchall()
        for channel_id, key, domain in rows:
            if self._key_is_held(channel_id, key):
                continue
            if self._drains_many_keys(domain) and not self._key_has_failed(
                channel_id, key
            ):
                # Back to its domain's job (deduped): thousands of one-key jobs
                # for a backlog would hold the keys that job needs. A failed key
                # gets its own drain, which retries it.
                self._enqueue_domain(domain, self._partition_of(domain, key))
            else:
                self._enqueue_key(channel_id, key, domain)
        return len(rows)

    @api.model
    def _key_has_failed(self, channel_id, key):
        return self._key_has_state(channel_id, key, ("failed",))

    @api.model
    def _key_is_held(self, channel_id, key):
        """A dead event (released by a manager) or a waiting one (by its
        dependency) holds the key: draining it again would change nothing."""
        return self._key_has_state(channel_id, key, ("dead", "waiting"))

    @api.model
    def _key_has_state(self, channel_id, key, states):
        """Whether an event of the key is in one of ``states``."""
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM retail_sync_event WHERE channel_id = %s "
                "AND ordering_key = %s AND state IN %s LIMIT 1",
                channel_id,
                key,
                tuple(states),
            )
        )
        return bool(self.env.cr.fetchone())
