"""A reference Shopify Admin GraphQL API (inventory only), outside Odoo.

Written from Shopify's documentation of the Admin GraphQL API 2026-04, it plays
the parts of it that Retail Sync's adapter uses, with their semantics:

- ``POST /admin/api/<version>/graphql.json`` with ``X-Shopify-Access-Token``; a
  wrong or missing token is 401.
- ``inventorySetQuantities``: ``name`` "available", a ``reason``, and
  ``quantities`` of {inventoryItemId, locationId, quantity, changeFromQuantity}.
  Every quantity must carry ``changeFromQuantity`` (null opts out of the check);
  when it differs from the stored quantity the mutation applies nothing and
  answers the user error ``CHANGE_FROM_QUANTITY_STALE`` on that quantity's field.
- The ``@idempotent(key: ...)`` directive is mandatory on that mutation (as of
  2026-04): without it, a top-level error. A repeated key with the same input
  replays the first answer without applying again; with another input it is the
  user error ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``.
- Calculated query cost: a bucket (``maximumAvailable``, ``restoreRate`` per
  second) that every request draws its cost from; a request costing more than
  is available is answered ``THROTTLED`` (HTTP 200, ``errors`` with that code,
  ``extensions.cost.throttleStatus``) and applies nothing.
- Reads: ``inventoryItem(id).inventoryLevel(locationId).quantities`` (aliased,
  several per query) and ``location(id).inventoryLevels(first, after)`` with
  cursor pagination.

It is not a GraphQL engine: it recognises the operations above in the query text
and reads their variables. Tests can set a quantity behind Odoo's back (as a
merchant in the Shopify admin would), drop the answer of the next mutation after
applying it (a lost response), and read every request it received.

Run alone: python -m reference_platforms.shopify_admin --port 8700 --token shpat_x
"""

import argparse
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEM_GID = "gid://shopify/InventoryItem/"
LOCATION_GID = "gid://shopify/Location/"
SET_COST = 10
READ_COST = 2
PAGE_COST = 1

_IDEMPOTENT = re.compile(r'@idempotent\(\s*key:\s*"([^"]*)"\s*\)')
_LEVEL_READ = re.compile(
    r'(\w+)\s*:\s*inventoryItem\(\s*id:\s*"([^"]+)"\s*\)\s*\{\s*'
    r'inventoryLevel\(\s*locationId:\s*"([^"]+)"\s*\)'
)


def gid(prefix, value):
    value = str(value)
    return value if value.startswith("gid://") else prefix + value


class ReferenceShopify:
    """A shop's inventory behind the Admin GraphQL API."""

    def __init__(self, token="shpat_reference", host="127.0.0.1", port=0):
        self.token = token
        self.host, self.port = host, port
        self.lock = threading.Lock()
        self.levels = {}  # (item gid, location gid) -> available quantity
        self.max_available = 1000.0
        self.restore_rate = 50.0
        self.available_points = self.max_available
        self.refilled_at = time.monotonic()
        self.idempotency = {}  # key -> (input digest, answer)
        self.replays = 0
        self.requests = []  # (arrival time, kind, body) of authorised requests
        self.set_calls = []  # (arrival time, key, input) applied or stale
        self.throttled = 0
        self.stale_answers = 0
        self.unauthorised = 0
        self.drop_next_set_answer = False
        self.server = None
        self.thread = None

    # ---------------------------------------------------------------- state
    def stock(self, item, location, quantity):
        """Set a quantity as the merchant would, behind the adapter's back."""
        with self.lock:
            self.levels[(gid(ITEM_GID, item), gid(LOCATION_GID, location))] = int(
                quantity
            )

    def available(self, item, location):
        with self.lock:
            return self.levels.get((gid(ITEM_GID, item), gid(LOCATION_GID, location)))

    def drain_bucket(self, points=None):
        """Spend the bucket (another app of the shop used it up)."""
        with self.lock:
            self._refill()
            self.available_points = (
                0.0 if points is None else max(0.0, self.available_points - points)
            )

    def reset_log(self):
        with self.lock:
            self.requests.clear()
            self.set_calls.clear()
            self.throttled = self.stale_answers = self.replays = 0
            self.unauthorised = 0

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
                shop._handle(self)

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
    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        if not re.fullmatch(
            r"/admin/api/[0-9]{4}-[0-9]{2}/graphql\.json", handler.path
        ):
            return self._answer(handler, 404, {"errors": "Not Found"})
        if handler.headers.get("X-Shopify-Access-Token") != self.token:
            with self.lock:
                self.unauthorised += 1
            return self._answer(
                handler,
                401,
                {
                    "errors": "[API] Invalid API key or access token (unrecognized "
                    "login or wrong password)"
                },
            )
        try:
            body = json.loads(raw)
            query = body["query"]
            variables = body.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return self._answer(
                handler, 400, {"errors": [{"message": "body is not a GraphQL request"}]}
            )
        with self.lock:
            if "inventorySetQuantities" in query:
                kind, cost = "set", SET_COST
            elif "inventoryLevels" in query:
                kind, cost = "location_levels", READ_COST + PAGE_COST
            elif "inventoryLevel(" in query:
                kind = "levels"
                cost = READ_COST + len(_LEVEL_READ.findall(query))
            else:
                return self._answer(
                    handler,
                    200,
                    {"errors": [{"message": "operation not played by this server"}]},
                )
            self.requests.append((time.time(), kind, body))
            self._refill()
            if cost > self.available_points:
                self.throttled += 1
                return self._answer(
                    handler,
                    200,
                    {
                        "errors": [
                            {
                                "message": "Throttled",
                                "extensions": {
                                    "code": "THROTTLED",
                                    "documentation": "https://shopify.dev/api/"
                                    "usage/limits#rate-limiting-methods",
                                },
                            }
                        ],
                        "extensions": self._cost(cost, None),
                    },
                )
            self.available_points -= cost
            if kind == "set":
                answer, drop = self._set(query, variables, cost)
                if drop:
                    # Applied, but the answer never reaches the client.
                    handler.close_connection = True
                    return self._answer(handler, 502, {"errors": "Bad Gateway"})
            elif kind == "levels":
                answer = {"data": self._levels(query), "extensions": self._cost(cost)}
            else:
                answer = {
                    "data": self._location_levels(variables),
                    "extensions": self._cost(cost),
                }
        return self._answer(handler, 200, answer)

    def _set(self, query, variables, cost):
        """(answer, whether to drop it) of an inventorySetQuantities."""
        match = _IDEMPOTENT.search(query)
        if not match or not match.group(1):
            return {
                "errors": [
                    {
                        "message": "The @idempotent directive with a key is "
                        "required for inventorySetQuantities as of 2026-04",
                        "extensions": {"code": "BAD_REQUEST"},
                    }
                ],
                "extensions": self._cost(cost),
            }, False
        key = match.group(1)
        data = variables.get("input") or {}
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        if key in self.idempotency:
            seen_digest, seen_answer = self.idempotency[key]
            if seen_digest == digest:
                self.replays += 1
                return seen_answer, False
            return self._payload(
                cost,
                [
                    {
                        "code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
                        "field": None,
                        "message": "The same idempotency key cannot be used with "
                        "different operation parameters.",
                    }
                ],
            ), False
        self.set_calls.append((time.time(), key, data))
        errors = []
        if data.get("name") != "available" or not data.get("reason"):
            errors.append(
                {
                    "code": "INVALID_NAME",
                    "field": ["input", "name"],
                    "message": "name must be available and a reason is required",
                }
            )
        quantities = data.get("quantities") or []
        for index, entry in enumerate(quantities):
            place = (
                gid(ITEM_GID, entry.get("inventoryItemId")),
                gid(LOCATION_GID, entry.get("locationId")),
            )
            field = ["input", "quantities", str(index)]
            if "changeFromQuantity" not in entry:
                errors.append(
                    {
                        "code": "INVALID_INPUT",
                        "field": [*field, "changeFromQuantity"],
                        "message": "changeFromQuantity is required (null to opt "
                        "out of the check)",
                    }
                )
            elif place not in self.levels:
                errors.append(
                    {
                        "code": "ITEM_NOT_STOCKED_AT_LOCATION",
                        "field": [*field, "locationId"],
                        "message": "The item is not stocked at the location.",
                    }
                )
            elif (
                entry["changeFromQuantity"] is not None
                and entry["changeFromQuantity"] != self.levels[place]
            ):
                errors.append(
                    {
                        "code": "CHANGE_FROM_QUANTITY_STALE",
                        "field": [*field, "changeFromQuantity"],
                        "message": "The changeFromQuantity argument no longer "
                        "matches the persisted quantity.",
                    }
                )
        if errors:
            if any(e["code"] == "CHANGE_FROM_QUANTITY_STALE" for e in errors):
                self.stale_answers += 1
            answer = self._payload(cost, errors)
            self.idempotency[key] = (digest, answer)
            return answer, False
        changes = []
        for entry in quantities:
            place = (
                gid(ITEM_GID, entry["inventoryItemId"]),
                gid(LOCATION_GID, entry["locationId"]),
            )
            changes.append(
                {
                    "name": "available",
                    "delta": int(entry["quantity"]) - self.levels[place],
                    "quantityAfterChange": int(entry["quantity"]),
                    "item": {"id": place[0]},
                    "location": {"id": place[1]},
                }
            )
            self.levels[place] = int(entry["quantity"])
        answer = {
            "data": {
                "inventorySetQuantities": {
                    "inventoryAdjustmentGroup": {
                        "id": f"gid://shopify/InventoryAdjustmentGroup/"
                        f"{len(self.set_calls)}",
                        "reason": data.get("reason"),
                        "changes": changes,
                    },
                    "userErrors": [],
                }
            },
            "extensions": self._cost(cost),
        }
        self.idempotency[key] = (digest, answer)
        drop = self.drop_next_set_answer
        self.drop_next_set_answer = False
        return answer, drop

    def _payload(self, cost, user_errors):
        return {
            "data": {
                "inventorySetQuantities": {
                    "inventoryAdjustmentGroup": None,
                    "userErrors": user_errors,
                }
            },
            "extensions": self._cost(cost),
        }

    def _levels(self, query):
        data = {}
        for alias, item, location in _LEVEL_READ.findall(query):
            place = (gid(ITEM_GID, item), gid(LOCATION_GID, location))
            if place in self.levels:
                data[alias] = {
                    "id": place[0],
                    "inventoryLevel": {
                        "quantities": [
                            {"name": "available", "quantity": self.levels[place]}
                        ]
                    },
                }
            else:
                data[alias] = {"id": place[0], "inventoryLevel": None}
        return data

    def _location_levels(self, variables):
        location = gid(LOCATION_GID, variables.get("location"))
        first = min(int(variables.get("first") or 50), 250)
        after = int(variables.get("after") or 0)
        rows = sorted(
            (item, quantity)
            for (item, place), quantity in self.levels.items()
            if place == location
        )
        page = rows[after : after + first]
        return {
            "location": {
                "id": location,
                "inventoryLevels": {
                    "pageInfo": {
                        "hasNextPage": after + first < len(rows),
                        "endCursor": str(after + len(page)) if page else None,
                    },
                    "nodes": [
                        {
                            "item": {"id": item},
                            "quantities": [{"name": "available", "quantity": qty}],
                        }
                        for item, qty in page
                    ],
                },
            }
        }

    def _refill(self):
        now = time.monotonic()
        self.available_points = min(
            self.max_available,
            self.available_points + (now - self.refilled_at) * self.restore_rate,
        )
        self.refilled_at = now

    def _cost(self, requested, actual="same"):
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": requested if actual == "same" else actual,
                "throttleStatus": {
                    "maximumAvailable": self.max_available,
                    "currentlyAvailable": int(self.available_points),
                    "restoreRate": self.restore_rate,
                },
            }
        }

    @staticmethod
    def _answer(handler, status, body):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--token", default="shpat_reference")
    args = parser.parse_args()
    shop = ReferenceShopify(args.token, port=args.port).start()
    print(f"reference Shopify Admin API on {shop.url}", flush=True)
    try:
        shop.thread.join()
    except KeyboardInterrupt:
        shop.stop()


if __name__ == "__main__":
    main()
