"""The legacy POS database: one `sales` table, one row per item sold.

    sale_id        the till's transaction id (the poller's watermark)
    store_code, register_code, receipt_no, sku
    qty, unit_price, discount, total   exact decimals
    tender         CASH / CARD
    sold_at        when it was rung up, UTC, without offset (as old systems keep it)

Works on SQLite and PostgreSQL through SQLAlchemy, which the poller also uses.
"""

import random
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

DDL = """
CREATE TABLE IF NOT EXISTS sales (
    sale_id BIGINT PRIMARY KEY,
    store_code VARCHAR(16) NOT NULL,
    register_code VARCHAR(16) NOT NULL,
    receipt_no VARCHAR(32) NOT NULL,
    sku VARCHAR(64) NOT NULL,
    qty NUMERIC(12, 3) NOT NULL,
    unit_price NUMERIC(12, 2) NOT NULL,
    discount NUMERIC(12, 2) NOT NULL DEFAULT 0,
    total NUMERIC(12, 2) NOT NULL,
    tender VARCHAR(8) NOT NULL,
    sold_at TIMESTAMP NOT NULL
)
"""
INSERT = text(
    "INSERT INTO sales (sale_id, store_code, register_code, receipt_no, sku, qty,"
    " unit_price, discount, total, tender, sold_at) VALUES (:sale_id, :store_code,"
    " :register_code, :receipt_no, :sku, :qty, :unit_price, :discount, :total,"
    " :tender, :sold_at)"
)
QUERY = "SELECT * FROM sales WHERE sale_id > :watermark ORDER BY sale_id"


class LegacyPos:
    """The database at ``dsn`` (a SQLAlchemy URL)."""

    def __init__(self, dsn):
        self.dsn = dsn
        self.engine = create_engine(dsn, poolclass=NullPool)

    def create_schema(self):
        with self.engine.begin() as conn:
            conn.execute(text(DDL))
        return self

    def max_id(self):
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT max(sale_id) FROM sales")).scalar() or 0

    def rows(self):
        with self.engine.connect() as conn:
            return [
                dict(row)
                for row in conn.execute(
                    text("SELECT * FROM sales ORDER BY sale_id")
                ).mappings()
            ]

    def _params(self, rows):
        if self.engine.dialect.name != "sqlite":
            return rows
        # SQLite's driver binds neither decimals nor (from 3.12) datetimes.
        return [
            {
                key: (
                    str(value)
                    if isinstance(value, Decimal)
                    else value.isoformat(sep=" ")
                    if isinstance(value, datetime)
                    else value
                )
                for key, value in row.items()
            }
            for row in rows
        ]

    def insert(self, rows, conn=None):
        rows = self._params(rows)
        if conn is not None:
            conn.execute(INSERT, rows)
            return
        with self.engine.begin() as conn:
            conn.execute(INSERT, rows)


def sale_row(sale_id, store, register, sku, qty=1, price="10.00", tender="CARD"):
    qty, price = Decimal(str(qty)), Decimal(str(price))
    return {
        "sale_id": sale_id,
        "store_code": store,
        "register_code": register,
        "receipt_no": f"{register}-{sale_id}",
        "sku": sku,
        "qty": qty,
        "unit_price": price,
        "discount": Decimal("0.00"),
        "total": (qty * price).quantize(Decimal("0.01")),
        "tender": tender,
        "sold_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
    }


class Simulator:
    """Writes sales at ``rate`` per second, one transaction each, from worker
    threads as registers do. Every ``late_every``-th sale takes its transaction
    id and then commits ``late_delay`` seconds later, after sales with higher ids.
    ``committed`` maps each sale id to the unix time its commit returned."""

    def __init__(
        self,
        pos,
        stores,
        skus,
        rate=20.0,
        late_every=0,
        late_delay=2.0,
        seed=13,
        first_id=None,
        retry_writes=False,
    ):
        self.pos = pos
        self.stores, self.skus = stores, skus
        self.rate, self.late_every, self.late_delay = rate, late_every, late_delay
        self.random = random.Random(seed)
        self.committed = {}
        self.rows = {}
        self.failed = []
        self.retry_writes = retry_writes
        self.write_retries = 0
        self._next = (first_id if first_id is not None else pos.max_id()) + 1
        self._lock = threading.Lock()
        self._late = []

    def take_id(self):
        with self._lock:
            sale_id = self._next
            self._next += 1
            return sale_id

    def new_row(self):
        sale_id = self.take_id()
        store = self.random.choice(self.stores)
        return sale_row(
            sale_id,
            store,
            f"{store}-R{self.random.randint(1, 2)}",
            self.random.choice(self.skus),
            qty=self.random.choice((1, 1, 1, 2, 3)),
            price=self.random.choice(("4.90", "12.50", "19.99")),
            tender=self.random.choice(("CASH", "CARD")),
        )

    def write_one(self, late=False):
        row = self.new_row()
        if late:
            thread = threading.Thread(target=self._write_late, args=(row,))
            thread.start()
            self._late.append(thread)
            return row
        self._commit(row)
        return row

    def _commit(self, row):
        """Insert and commit ``row``. With ``retry_writes`` (a till whose database
        restarts waits for it) a failed write is tried again for up to 2 minutes;
        else it is recorded in ``failed``."""
        deadline = time.monotonic() + 120
        while True:
            try:
                self.pos.insert([row])
                break
            except Exception as exc:
                if not self.retry_writes or time.monotonic() > deadline:
                    self.failed.append((row, exc))
                    return
                self.write_retries += 1
                time.sleep(0.5)
        self.committed[row["sale_id"]] = time.time()
        self.rows[row["sale_id"]] = row

    def _write_late(self, row):
        """The id was taken now; the row becomes visible ``late_delay`` later,
        after rows with higher ids (on SQLite an open write transaction would
        block the other registers, so the delay is before the insert: readers
        see the same thing)."""
        time.sleep(self.late_delay)
        self._commit(row)

    def run(self, seconds, stop=None):
        """Write for ``seconds`` at the rate (in this thread)."""
        interval = 1.0 / self.rate
        start = time.monotonic()
        count = 0
        while time.monotonic() - start < seconds:
            if stop is not None and stop.is_set():
                break
            count += 1
            late = bool(self.late_every) and count % self.late_every == 0
            self.write_one(late=late)
            delay = start + count * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self.join()
        return count

    def retry_failed(self):
        """Write again what failed while the source was down (the till's own
        queue), with the same ids."""
        failed, self.failed = self.failed, []
        for row, _exc in failed:
            self._commit(row)

    def backlog(self, count, chunk=5000):
        """``count`` sales written at once, in transactions of ``chunk`` rows."""
        done = 0
        while done < count:
            rows = [self.new_row() for _ in range(min(chunk, count - done))]
            self.pos.insert(rows)
            now = time.time()
            for row in rows:
                self.committed[row["sale_id"]] = now
                self.rows[row["sale_id"]] = row
            done += len(rows)
        return done

    def join(self):
        for thread in self._late:
            thread.join()
        self._late = []
