"""A tiny stand-in of Odoo's event endpoint on the loopback, scripted per test."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FakeOdoo:
    """Answers like Retail Sync (202 new, 200 duplicate, 207 mixed) unless the test
    queued other answers in ``plan``: each a ``(status, headers, body)`` tuple or a
    callable ``(events) -> tuple``, used once, in order."""

    def __init__(self):
        self.requests = []  # (monotonic time, headers, raw body)
        self.stored = {}  # event id -> event, in arrival order
        self.plan = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, body = fake.answer(headers, raw)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def answer(self, headers, raw):
        events = json.loads(raw)["events"]
        with self.lock:
            self.requests.append((time.monotonic(), headers, raw))
            step = self.plan.pop(0) if self.plan else None
        if callable(step):
            step = step(events)
        if step is not None:
            status, extra, body = step
            if not isinstance(body, bytes):
                body = json.dumps(body).encode()
                extra = {"Content-Type": "application/json", **extra}
            return status, extra, body
        return self.store(events)

    def store(self, events, reject=()):
        results = []
        with self.lock:
            for event in events:
                if event["id"] in reject:
                    results.append(
                        {
                            "status": 422,
                            "error": "invalid",
                            "id": event["id"],
                            "message": "broken",
                            "problems": [{"pointer": "/data"}],
                        }
                    )
                elif event["id"] in self.stored:
                    results.append(
                        {"status": 200, "result": "duplicate", "id": event["id"]}
                    )
                else:
                    self.stored[event["id"]] = event
                    results.append(
                        {"status": 202, "result": "accepted", "id": event["id"]}
                    )
        statuses = {r["status"] for r in results}
        status = statuses.pop() if len(statuses) == 1 else 207
        status = status if status in (200, 202) else 207
        body = {"status": status, "results": results}
        return status, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def batches(self):
        return [json.loads(raw)["events"] for _t, _h, raw in self.requests]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def odoo():
    server = FakeOdoo()
    yield server
    server.close()


@pytest.fixture
def make_client(odoo, tmp_path):
    from retail_sync_client import RetailSyncClient

    clients = []

    def make(path=None, **options):
        options.setdefault("backoff_base", 0.01)
        options.setdefault("backoff_max", 0.05)
        options.setdefault("timeout", (2.0, 2.0))
        client = RetailSyncClient(
            options.pop("url", odoo.url),
            "key-123",
            path or tmp_path / "outbox.db",
            **options,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        try:
            client.close()
        except Exception:  # already closed by the test
            pass
