"""A reference WooCommerce REST API v3 (product stock only), outside Odoo.

Written from WooCommerce's REST API documentation, it plays what Retail Sync's
adapter uses, with its semantics:

- Authentication with the consumer key and secret as HTTP Basic credentials; a
  missing or wrong pair is 401 ``woocommerce_rest_cannot_view`` (the JSON error
  shape of the WordPress REST API: code, message, data.status).
- ``POST /wp-json/wc/v3/products/batch`` and
  ``POST /wp-json/wc/v3/products/<parent>/variations/batch``: an ``update`` list
  of {id, stock_quantity, manage_stock}; more than 100 objects in one request is
  refused with 400 and nothing applied; an unknown id is an error object in its
  place of the answer, the others are applied.
- ``GET /wp-json/wc/v3/products`` and ``.../products/<parent>/variations`` with
  ``page`` and ``per_page`` (at most 100), ``X-WP-Total`` and
  ``X-WP-TotalPages`` headers.

Tests can change a stock behind Odoo's back and read every request received.

Run alone: python -m reference_platforms.woocommerce_rest --port 8710
"""

import argparse
import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BATCH_LIMIT = 100
PER_PAGE_LIMIT = 100
_BATCH = re.compile(r"/wp-json/wc/v3/products(?:/(\d+)/variations)?/batch")
_LIST = re.compile(r"/wp-json/wc/v3/products(?:/(\d+)/variations)?")


class ReferenceWooCommerce:
    """A shop's products (and variations) with their stock."""

    def __init__(
        self, key="ck_reference", secret="cs_reference", host="127.0.0.1", port=0
    ):
        self.key, self.secret = key, secret
        self.host, self.port = host, port
        self.lock = threading.Lock()
        # id -> {"id", "sku", "type", "parent_id", "stock_quantity", "manage_stock"}
        self.products = {}
        self.requests = []  # (arrival time, method, path, body)
        self.batch_sizes = []
        self.unauthorised = 0
        self.refusals = []  # (method, path, whether credentials were sent)
        self.refused_batches = 0
        self.server = None
        self.thread = None

    # ---------------------------------------------------------------- state
    def add_product(self, product_id, sku, stock=None, parent_id=0):
        with self.lock:
            self.products[int(product_id)] = {
                "id": int(product_id),
                "sku": sku,
                "type": "variation" if parent_id else "simple",
                "parent_id": int(parent_id),
                "stock_quantity": stock,
                "manage_stock": stock is not None,
            }
            if parent_id:
                parent = self.products.setdefault(
                    int(parent_id),
                    {
                        "id": int(parent_id),
                        "sku": f"parent-{parent_id}",
                        "type": "variable",
                        "parent_id": 0,
                        "stock_quantity": None,
                        "manage_stock": False,
                    },
                )
                parent["type"] = "variable"

    def stock(self, product_id, quantity):
        with self.lock:
            self.products[int(product_id)]["stock_quantity"] = int(quantity)

    def available(self, product_id):
        with self.lock:
            product = self.products.get(int(product_id))
            return product and product["stock_quantity"]

    def reset_log(self):
        with self.lock:
            self.requests.clear()
            self.batch_sizes.clear()
            self.unauthorised = self.refused_batches = 0
            self.refusals.clear()

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    # ---------------------------------------------------------------- server
    def start(self):
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                shop._handle(self, "POST")

            def do_GET(self):
                shop._handle(self, "GET")

        self.server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # ---------------------------------------------------------------- handling
    def _authorised(self, handler):
        header = handler.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return False
        try:
            pair = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return pair == f"{self.key}:{self.secret}"

    def _handle(self, handler, method):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        parts = urlsplit(handler.path)
        if not self._authorised(handler):
            with self.lock:
                self.unauthorised += 1
                self.refusals.append(
                    (method, parts.path, bool(handler.headers.get("Authorization")))
                )
            return self._error(
                handler,
                401,
                "woocommerce_rest_cannot_view",
                "Sorry, you cannot list resources.",
            )
        batch = _BATCH.fullmatch(parts.path)
        listing = _LIST.fullmatch(parts.path)
        if method == "POST" and batch:
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                return self._error(
                    handler, 400, "rest_invalid_json", "Invalid JSON body passed."
                )
            with self.lock:
                self.requests.append((time.time(), method, parts.path, body))
                return self._batch(handler, batch.group(1), body)
        if method == "GET" and listing:
            query = parse_qs(parts.query)
            with self.lock:
                self.requests.append((time.time(), method, parts.path, None))
                return self._list(handler, listing.group(1), query)
        return self._error(
            handler, 404, "rest_no_route", "No route was found matching the URL."
        )

    def _batch(self, handler, parent, body):
        updates = body.get("update") or []
        total = sum(len(body.get(k) or []) for k in ("create", "update", "delete"))
        if total > BATCH_LIMIT:
            self.refused_batches += 1
            return self._error(
                handler,
                400,
                "woocommerce_rest_request_entity_too_large",
                f"Unable to accept more than {BATCH_LIMIT} items for this request.",
            )
        self.batch_sizes.append(total)
        answers = []
        for update in updates:
            product = self.products.get(int(update.get("id") or 0))
            expected_parent = int(parent or 0)
            if not product or product["parent_id"] != expected_parent:
                answers.append(
                    {
                        "id": update.get("id"),
                        "error": {
                            "code": "woocommerce_rest_product_invalid_id"
                            if not parent
                            else "woocommerce_rest_product_variation_invalid_id",
                            "message": "Invalid ID.",
                            "data": {"status": 400},
                        },
                    }
                )
                continue
            if "manage_stock" in update:
                product["manage_stock"] = bool(update["manage_stock"])
            if "stock_quantity" in update:
                product["stock_quantity"] = int(update["stock_quantity"])
            answers.append(dict(product))
        return self._answer(handler, 200, {"update": answers})

    def _list(self, handler, parent, query):
        try:
            page = max(1, int((query.get("page") or ["1"])[0]))
            per_page = int((query.get("per_page") or ["10"])[0])
        except ValueError:
            return self._error(handler, 400, "rest_invalid_param", "Invalid parameter.")
        if not 1 <= per_page <= PER_PAGE_LIMIT:
            return self._error(
                handler,
                400,
                "rest_invalid_param",
                "Invalid parameter(s): per_page (per_page must be between 1 and "
                f"{PER_PAGE_LIMIT})",
            )
        parent_id = int(parent or 0)
        rows = sorted(
            (p for p in self.products.values() if p["parent_id"] == parent_id),
            key=lambda p: p["id"],
        )
        pages = max(1, -(-len(rows) // per_page))
        chunk = rows[(page - 1) * per_page : page * per_page]
        return self._answer(
            handler,
            200,
            [dict(p) for p in chunk],
            {"X-WP-Total": str(len(rows)), "X-WP-TotalPages": str(pages)},
        )

    def _error(self, handler, status, code, message):
        return self._answer(
            handler,
            status,
            {"code": code, "message": message, "data": {"status": status}},
        )

    @staticmethod
    def _answer(handler, status, body, headers=None):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument("--key", default="ck_reference")
    parser.add_argument("--secret", default="cs_reference")
    args = parser.parse_args()
    shop = ReferenceWooCommerce(args.key, args.secret, port=args.port).start()
    print(f"reference WooCommerce REST API on {shop.url}", flush=True)
    try:
        shop.thread.join()
    except KeyboardInterrupt:
        shop.stop()


if __name__ == "__main__":
    main()
