"""The outbox survives a crash: what record() returned is on disk, numbering goes on."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

from retail_sync_client import Outbox, RetailSyncClient


def test_outbox_is_wal_with_full_sync(tmp_path):
    outbox = Outbox(tmp_path / "o.db")
    assert outbox._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert outbox._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    outbox.close()


def test_closed_without_flushing_keeps_events_and_sequences(tmp_path):
    path = tmp_path / "till.db"
    client = RetailSyncClient("http://127.0.0.1:9", "k", path)
    for n in range(5):
        client.sale(
            "S1",
            "R1",
            [{"sku": "A", "quantity": 1, "unit_price": 2.0}],
            event_id=f"r1-{n}",
        )
    client.sale(
        "S1", "R2", [{"sku": "A", "quantity": 1, "unit_price": 2.0}], event_id="r2-0"
    )
    client.outbox._db.close()  # "killed": no flush, no orderly close
    client = RetailSyncClient("http://127.0.0.1:9", "k", path)
    pending = client.pending()
    assert [e["id"] for e in pending] == [f"r1-{n}" for n in range(5)] + ["r2-0"]
    assert [e["sequence"] for e in pending] == [1, 2, 3, 4, 5, 1]
    event = client.sale("S1", "R1", [{"sku": "A", "quantity": 1, "unit_price": 1}])
    assert event["sequence"] == 6
    assert (
        client.sale("S1", "R2", [{"sku": "B", "quantity": 1, "unit_price": 1}])[
            "sequence"
        ]
        == 2
    )
    client.close()


def test_sigkilled_process_loses_nothing_it_recorded(tmp_path):
    path = tmp_path / "till.db"
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from retail_sync_client import RetailSyncClient
        client = RetailSyncClient("http://127.0.0.1:9", "k", {str(path)!r})
        for n in range(200):
            client.record({{"id": f"e-{{n}}", "type": "system.ping",
                            "schema_version": 1, "data": {{}}}},
                          ordering_key=f"reg-{{n % 3}}")
            print(n, flush=True)
            if n == 149:
                os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -signal.SIGKILL
    printed = result.stdout.split()
    assert printed[-1] == "149"
    outbox = Outbox(path)
    events = outbox.pending()
    assert [e["id"] for e in events] == [f"e-{n}" for n in range(150)]
    for register in range(3):
        numbers = [
            e["sequence"] for e in events if e["ordering_key"] == f"reg-{register}"
        ]
        assert numbers == list(range(1, len(numbers) + 1))
        assert outbox.last_sequence(f"reg-{register}") == len(numbers)
    assert outbox.record({"id": "after"}, ordering_key="reg-0")["sequence"] == 51
    outbox.close()


def test_record_is_idempotent_by_id(tmp_path):
    outbox = Outbox(tmp_path / "o.db")
    first = outbox.record({"id": "x", "data": {}}, ordering_key="k")
    again = outbox.record({"id": "x", "data": {"other": 1}}, ordering_key="k")
    assert again == first
    assert outbox.pending_count() == 1
    assert outbox.last_sequence("k") == 1
    outbox.close()


def test_reserved_and_explicit_numbers_are_never_reused(tmp_path):
    path = tmp_path / "o.db"
    outbox = Outbox(path)
    assert outbox.next_sequence("k") == 1
    outbox.record({"id": "a", "sequence": 7}, ordering_key="k")
    outbox.close()
    outbox = Outbox(path)
    assert outbox.record({"id": "b"}, ordering_key="k")["sequence"] == 8
    assert outbox.next_sequence("other") == 1
    assert outbox.sequences() == {"k": 8, "other": 1}
    outbox.close()


def test_a_failed_transaction_leaves_no_half_write(tmp_path):
    outbox = Outbox(tmp_path / "o.db")
    try:
        outbox.record({"id": "bad", "data": {1, 2}}, ordering_key="k")  # not JSON
    except TypeError:
        pass
    assert outbox.pending_count() == 0
    assert outbox.last_sequence("k") == 0
    outbox.close()
    assert (
        sqlite3.connect(tmp_path / "o.db")
        .execute("PRAGMA integrity_check")
        .fetchone()[0]
        == "ok"
    )
    assert os.path.exists(tmp_path / "o.db")
