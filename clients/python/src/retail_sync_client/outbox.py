# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The till's local outbox: one SQLite file that survives a crash or a power loss.

Every write is one transaction in WAL mode with ``synchronous=FULL``: when a method
returns, what it wrote is on disk. An event and the sequence number it takes are
written in the same transaction, so after a restart a register's numbering goes on
from the last recorded event, with no gap and no number used twice.
"""

import json
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sequences (
    ordering_key TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    ordering_key TEXT,
    sequence INTEGER,
    body TEXT NOT NULL,
    recorded_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS rejected (
    event_id TEXT PRIMARY KEY,
    ordering_key TEXT,
    sequence INTEGER,
    body TEXT NOT NULL,
    status INTEGER NOT NULL,
    error TEXT,
    message TEXT,
    answer TEXT,
    recorded_at REAL NOT NULL,
    rejected_at REAL NOT NULL
);
"""


def _now_iso():
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(event):
    # ASCII-only, compact, key order kept: the stored text is sent as is, so a
    # resent batch has exactly the bytes (and the signature id) of the first try.
    return json.dumps(event, separators=(",", ":"), ensure_ascii=True)


class Outbox:
    """Durable storage of pending events, rejected events and sequence counters.

    Thread-safe: one connection guarded by a lock. Several processes must not share
    one outbox file (the till owns it)."""

    def __init__(self, path, first_sequence=1):
        self.path = str(path)
        self.first_sequence = first_sequence
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30
        )
        self._db.row_factory = sqlite3.Row
        mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal" and self.path != ":memory:":
            raise RuntimeError(f"SQLite refused WAL mode for {self.path}: {mode}")
        self._db.execute("PRAGMA synchronous=FULL")
        with self._transaction() as db:
            for statement in filter(None, map(str.strip, _SCHEMA.split(";"))):
                db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ?)",
                (str(SCHEMA_VERSION),),
            )

    # ------------------------------------------------------------------ plumbing
    class _Tx:
        def __init__(self, outbox):
            self.outbox = outbox

        def __enter__(self):
            self.outbox._lock.acquire()
            try:
                self.outbox._db.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.outbox._lock.release()
                raise
            return self

        def execute(self, sql, params=()):
            return self.outbox._db.execute(sql, params)

        def __exit__(self, exc_type, exc, tb):
            try:
                if exc_type is None:
                    self.outbox._db.execute("COMMIT")
                else:
                    self.outbox._db.execute("ROLLBACK")
            finally:
                self.outbox._lock.release()
            return False

    def _transaction(self):
        return self._Tx(self)

    def close(self):
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # ------------------------------------------------------------------ sequences
    def _allocate(self, tx, key):
        row = tx.execute(
            "SELECT last FROM sequences WHERE ordering_key = ?", (key,)
        ).fetchone()
        number = self.first_sequence if row is None else row["last"] + 1
        tx.execute(
            "INSERT INTO sequences (ordering_key, last) VALUES (?, ?) "
            "ON CONFLICT (ordering_key) DO UPDATE SET last = excluded.last",
            (key, number),
        )
        return number

    def next_sequence(self, key):
        """Reserve the next number of ``key`` durably and return it.

        A number reserved here is never handed out again, even after a crash; a
        reserved number that no event ever carries is a gap Odoo waits out, so
        prefer letting :meth:`record` number the event in its own transaction."""
        with self._transaction() as tx:
            return self._allocate(tx, key)

    def last_sequence(self, key):
        """The last number given to ``key`` (0 before the first)."""
        with self._lock:
            row = self._db.execute(
                "SELECT last FROM sequences WHERE ordering_key = ?", (key,)
            ).fetchone()
        return 0 if row is None else row["last"]

    def sequences(self):
        """Every ordering key and its last number."""
        with self._lock:
            rows = self._db.execute("SELECT ordering_key, last FROM sequences")
            return {row["ordering_key"]: row["last"] for row in rows}

    # ------------------------------------------------------------------ recording
    def record(self, event, ordering_key=None):
        """Store ``event`` durably and return it as it will be sent.

        An event without ``id`` gets a random one, without ``occurred_at`` the
        current time. An event without ``sequence`` whose ordering key is known
        (``ordering_key`` argument or the event's own) is numbered in the same
        transaction. Recording an id already in the outbox (or rejected) returns the
        stored event unchanged: recording is idempotent."""
        event = dict(event)
        event.setdefault("id", uuid.uuid4().hex)
        event.setdefault("occurred_at", _now_iso())
        key = ordering_key or event.get("ordering_key")
        if ordering_key and "ordering_key" not in event:
            event["ordering_key"] = ordering_key
        with self._transaction() as tx:
            for table in ("outbox", "rejected"):
                row = tx.execute(
                    f"SELECT body FROM {table} WHERE event_id = ?",
                    (str(event["id"]),),
                ).fetchone()
                if row is not None:
                    return json.loads(row["body"])
            sequence = event.get("sequence")
            if key is not None:
                if sequence is None:
                    event["sequence"] = sequence = self._allocate(tx, key)
                else:
                    tx.execute(
                        "INSERT INTO sequences (ordering_key, last) VALUES (?, ?) "
                        "ON CONFLICT (ordering_key) DO UPDATE "
                        "SET last = max(last, excluded.last)",
                        (key, int(sequence)),
                    )
            tx.execute(
                "INSERT INTO outbox (event_id, ordering_key, sequence, body, "
                "recorded_at) VALUES (?, ?, ?, ?, ?)",
                (str(event["id"]), key, sequence, _dumps(event), time.time()),
            )
        return event

    # ------------------------------------------------------------------ reading
    def pending_count(self):
        with self._lock:
            return self._db.execute("SELECT count(*) FROM outbox").fetchone()[0]

    def pending(self, limit=None):
        """Pending events, oldest first (the order they are sent in)."""
        return [json.loads(row["body"]) for row in self._rows(limit)]

    def _rows(self, limit=None):
        with self._lock:
            sql = "SELECT * FROM outbox ORDER BY position"
            if limit is not None:
                return self._db.execute(sql + " LIMIT ?", (int(limit),)).fetchall()
            return self._db.execute(sql).fetchall()

    def next_batch(self, max_events, max_bytes):
        """The oldest pending events as ``[(event id, stored JSON text)]``: at most
        ``max_events``, and within ``max_bytes`` unless one event alone is larger."""
        batch, size = [], 0
        for row in self._rows(max_events):
            length = len(row["body"]) + 1
            if batch and size + length > max_bytes:
                break
            batch.append((row["event_id"], row["body"]))
            size += length
        return batch

    def rejected(self):
        """Events Odoo refused one by one: kept here, never resent."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM rejected ORDER BY rejected_at, event_id"
            ).fetchall()
        return [
            {
                "id": row["event_id"],
                "ordering_key": row["ordering_key"],
                "sequence": row["sequence"],
                "status": row["status"],
                "error": row["error"],
                "message": row["message"],
                "answer": json.loads(row["answer"]) if row["answer"] else None,
                "event": json.loads(row["body"]),
                "rejected_at": row["rejected_at"],
            }
            for row in rows
        ]

    # ------------------------------------------------------------------ outcomes
    def settle(self, done=(), rejected=(), retry=(), error=None):
        """Apply the answer to one POST in one transaction: ``done`` event ids
        leave the outbox, ``rejected`` ones (``(id, status, answer dict)``) move to
        the rejected table, ``retry`` ones stay with ``error`` noted."""
        with self._transaction() as tx:
            for event_id in done:
                tx.execute("DELETE FROM outbox WHERE event_id = ?", (event_id,))
            for event_id, status, answer in rejected:
                row = tx.execute(
                    "SELECT * FROM outbox WHERE event_id = ?", (event_id,)
                ).fetchone()
                if row is None:
                    continue
                tx.execute(
                    "INSERT OR REPLACE INTO rejected (event_id, ordering_key, "
                    "sequence, body, status, error, message, answer, recorded_at, "
                    "rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        event_id,
                        row["ordering_key"],
                        row["sequence"],
                        row["body"],
                        int(status),
                        str(answer.get("error") or ""),
                        str(answer.get("message") or ""),
                        json.dumps(answer),
                        row["recorded_at"],
                        time.time(),
                    ),
                )
                tx.execute("DELETE FROM outbox WHERE event_id = ?", (event_id,))
            for event_id in retry:
                tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                    "WHERE event_id = ?",
                    (error, event_id),
                )
