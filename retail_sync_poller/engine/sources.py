# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The sources a poller reads: a SQL database through SQLAlchemy, or a folder of
CSV exports. Plain Python, no Odoo: the poll job hands them its configuration and
gets rows (dicts) back. Every failure is a SourceError whose message never holds
the DSN's password."""

import csv
import pathlib
import re
import time
from datetime import datetime

from . import watermark as wm

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A CSV file written less than this long ago may still be being written.
CSV_SETTLE_SECONDS = 1.0


class SourceError(Exception):
    """The source cannot be read now (down, refused, misconfigured)."""


def initial_bound(kind):
    """The bound of a first poll: below every watermark."""
    return datetime(1900, 1, 1) if kind == wm.DATETIME else -(2**62)


class SqlSource:
    """Rows of ``query`` (which binds ``:watermark`` and orders by the watermark
    column) from the database at ``dsn``; read-only, one connection per read."""

    _engines = {}

    def __init__(self, dsn, query, column, kind, head_query=None, timeout=10):
        self.dsn, self.query, self.column, self.kind = dsn, query, column, kind
        self.head_query = head_query
        self.timeout = timeout

    def _error(self, exc):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        text = wm.mask_secret(f"{type(exc).__name__}: {text}", self._password())
        return SourceError(text[:500])

    def _password(self):
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.dsn).password
        except Exception:  # an unparsable DSN has no password to hide
            return None

    def _engine(self):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        engine = self._engines.get(self.dsn)
        if engine is not None:
            return engine
        backend = make_url(self.dsn).get_backend_name()
        connect_args = {}
        if backend in ("postgresql", "mysql", "mariadb"):
            connect_args["connect_timeout"] = int(self.timeout)
        elif backend == "sqlite":
            connect_args["timeout"] = float(self.timeout)
        elif backend == "mssql":
            connect_args["timeout"] = int(self.timeout)
        engine = create_engine(
            self.dsn, poolclass=NullPool, connect_args=connect_args, future=True
        )
        if len(self._engines) > 100:
            self._engines.clear()
        self._engines[self.dsn] = engine
        return engine

    def _run(self, sql, params, limit=None):
        from sqlalchemy import exc as sa_exc
        from sqlalchemy import text

        try:
            with self._engine().connect() as conn:
                result = conn.execution_options(stream_results=True).execute(
                    text(sql), params
                )
                mappings = result.mappings()
                rows = mappings.fetchmany(limit) if limit else mappings.fetchall()
                rows = [dict(row) for row in rows]
                result.close()
                conn.rollback()
                return rows
        except (sa_exc.SQLAlchemyError, ImportError, OSError, ValueError) as exc:
            raise self._error(exc) from None

    def fetch(self, bound, limit):
        """Up to ``limit`` + 1 rows past ``bound`` in watermark order (the extra
        one says the batch is full, and whether it was cut among equal
        watermarks)."""
        if bound is None:
            bound = initial_bound(self.kind)
        return self._run(self.query, {"watermark": bound}, limit + 1)

    def head(self, bound):
        """(the source's highest watermark, rows past ``bound``); the second is
        None with a head query that gives only the first."""
        if bound is None:
            bound = initial_bound(self.kind)
        if self.head_query:
            sql = self.head_query
            params = {"watermark": bound} if ":watermark" in sql else {}
            rows = self._run(sql, params)
            values = list(rows[0].values()) if rows else [None]
            return values[0], (values[1] if len(values) > 1 else None)
        if not IDENTIFIER.match(self.column):
            raise SourceError(f"{self.column!r} is not a column name")
        sql = (
            f"SELECT max(q.{self.column}) AS head, count(*) AS behind "
            f"FROM ({self.query}) q"
        )
        rows = self._run(sql, {"watermark": bound})
        return rows[0]["head"], rows[0]["behind"]


class CsvSource:
    """Rows of the CSV files of ``folder`` matching ``pattern`` (a header line,
    comma separated, UTF-8), past the bound in watermark order. Values are text."""

    def __init__(self, folder, pattern, column, kind, delimiter=","):
        self.folder, self.pattern = folder, pattern or "*.csv"
        self.column, self.kind = column, kind
        self.delimiter = delimiter or ","

    def _rows(self, bound):
        folder = pathlib.Path(self.folder or "")
        if not self.folder or not folder.is_dir():
            raise SourceError(f"folder {self.folder!r} is not readable")
        now = time.time()
        found = []
        try:
            paths = sorted(folder.glob(self.pattern))
            for path in paths:
                if not path.is_file():
                    continue
                if now - path.stat().st_mtime < CSV_SETTLE_SECONDS:
                    continue  # still being written: the next poll reads it
                with path.open(newline="", encoding="utf-8-sig") as handle:
                    reader = csv.DictReader(handle, delimiter=self.delimiter)
                    if self.column not in (reader.fieldnames or []):
                        raise SourceError(f"{path.name} has no column {self.column!r}")
                    for line, row in enumerate(reader, start=2):
                        try:
                            value = wm.parse(self.kind, row[self.column])
                        except (ValueError, ArithmeticError) as exc:
                            raise SourceError(
                                f"{path.name} line {line}: {self.column}: {exc}"
                            ) from None
                        if bound is None or value > bound:
                            row["_file"] = path.name
                            found.append((value, path.name, line, row))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(f"{type(exc).__name__}: {exc}"[:500]) from None
        found.sort(key=lambda item: item[:3])
        return found

    def fetch(self, bound, limit):
        found = self._rows(bound)
        return [row for *_key, row in found[: limit + 1]]

    def head(self, bound):
        found = self._rows(bound)
        return (found[-1][0] if found else None), len(found)
