# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

WAITING_STATES = ("wait_dependencies", "pending", "enqueued")
TAIL_DELAY = timedelta(seconds=1)


class RetailSyncJob(models.AbstractModel):
    """Enqueue a job at most once while it waits, without stranding new work.

    queue_job's identity_key dedupes against a waiting job. Odoo transactions are
    repeatable read: a waiting job may already hold a snapshot without the rows this
    transaction is writing. So when one waits, a short *tail* job (itself deduped)
    follows it and picks those rows up.

    The tail is only the safety net: a job that drains such rows hands on as soon
    as it commits (``_follow_up_after_commit``), so the rows wait for the job
    ahead of them, not for the tail's delay."""

    _name = "retail.sync.job"
    _description = "Retail Sync job enqueueing"

    @api.model
    def _waiting_suffixes(self, identity):
        self.env.cr.execute(
            SQL(
                "SELECT identity_key FROM queue_job WHERE identity_key IN %s "
                "AND state IN %s",
                (identity, identity + ":tail"),
                WAITING_STATES,
            )
        )
        return {row[0][len(identity) :] for row in self.env.cr.fetchall()}

    @api.model
    def _enqueue_once(
        self,
        records,
        method,
        identity,
        channel,
        priority,
        description,
        eta=None,
        **options,
    ):
        """Enqueue ``records.method(*args)`` unless it (and its tail) already waits.
        ``eta`` (a timedelta) delays the job, and its tail as much if longer than
        the tail's own second."""
        waiting = self._waiting_suffixes(identity)
        if "" not in waiting:
            suffix, delay = "", eta
        elif ":tail" not in waiting:
            suffix, delay = ":tail", max(eta or TAIL_DELAY, TAIL_DELAY)
        else:
            return None
        return self._enqueue(
            records,
            method,
            identity + suffix,
            channel,
            priority,
            description,
            eta=delay,
            **options,
        )

    @api.model
    def _enqueue(
        self,
        records,
        method,
        identity,
        channel,
        priority,
        description,
        eta=None,
        args=(),
        max_retries=None,
    ):
        delayable = records.with_user(SUPERUSER_ID).with_delay(
            channel=channel,
            priority=priority,
            eta=eta,
            identity_key=identity,
            description=description,
            max_retries=max_retries,
        )
        return getattr(delayable, method)(*args)

    @api.model
    def _follow_up_after_commit(
        self,
        records,
        method,
        identity,
        channel,
        priority,
        description,
        check,
        check_args=(),
        **options,
    ):
        """Once this job's transaction has committed, in a fresh one: if
        ``records.<check>()`` finds work left (rows committed after this job's
        snapshot, or that waited for the lock it held), enqueue a job of
        ``identity`` due now. queue_job's identity check leaves one that waits
        (pending or enqueued: it has not started, so it will see what has
        committed); a tail on its delay is left alone and finds little or nothing
        when it runs. Waiting jobs are not hurried by an update of their row: a
        row lock taken here, even for a moment, makes the worker the runner sends
        that job to skip it (``FOR NO KEY UPDATE SKIP LOCKED``), and the job then
        waits for queue_job's dead-job sweep, 10 s.

        Every job of the identity does this at its end, so work committed while a
        job ran never waits for a tail's delay or a step-back's retry, and never
        strands: the last job to commit sees it."""
        model, ids = records._name, records.ids

        def follow_up(env):
            fresh = env[model].browse(ids)
            if getattr(fresh, check)(*check_args):
                env["retail.sync.job"]._enqueue(
                    fresh, method, identity, channel, priority, description, **options
                )

        # Read committed: the check and queue_job's identity check see the latest
        # commits (the runner moves queue_job rows all the time). On failure, the
        # tail and the crons still pick the work up.
        self._run_after_commit(f"follow_up:{identity}", follow_up, read_committed=True)

    @api.model
    def _run_after_commit(self, key, function, read_committed=False):
        """Once this transaction has committed, run ``function(env)`` in a fresh
        transaction of its own, as superuser, in this worker; once per ``key``
        and transaction, whatever the number of calls. ``read_committed``: that
        transaction sees every commit, not one snapshot. What it raises is
        logged, never the caller's concern: what it does needs a safety net of
        its own (a job enqueued with the change, a tail). Tests run it with
        `run_after_commit` (retail_sync_queue/tests/common.py)."""
        postcommit = self.env.cr.postcommit
        registered = postcommit.data.setdefault("retail_sync.after_commit", set())
        if key in registered:
            return
        registered.add(key)
        registry = self.env.registry

        @postcommit.add
        def run():
            try:
                with registry.cursor() as cr:
                    if read_committed and registry.test_cr is None:
                        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                    function(api.Environment(cr, SUPERUSER_ID, {}))
            except Exception:
                _logger.exception("Retail Sync: %s after commit failed", key)
