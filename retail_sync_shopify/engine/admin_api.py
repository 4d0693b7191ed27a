"""A small client of Shopify's Admin GraphQL API for inventory (no Odoo import).

- ``set_available``: ``inventorySetQuantities`` (name "available") with
  compare-and-set (``changeFromQuantity`` on every quantity, as API version
  2026-04 requires) and the mandatory ``@idempotent(key: ...)`` directive. The key
  is derived from the caller's seed (the delivery) and the exact input, so a retry
  of the same push carries the same key (Shopify replays its first answer instead
  of applying twice) and a different input never reuses one. On
  ``CHANGE_FROM_QUANTITY_STALE`` it re-reads the current quantities and retries
  with the fresh values as ``changeFromQuantity``.
- Cost-based throttling: every answer's ``extensions.cost.throttleStatus`` is
  kept; before a request the client waits until the bucket holds its expected
  cost, and a ``THROTTLED`` answer (or HTTP 429) waits for the bucket to refill
  the requested cost, never retrying sooner. A wait beyond ``max_wait`` seconds
  ends the call with a 429 :class:`ShopifyError` carrying the wait, so the
  caller's outbox retries later.
- Reads: current levels of given (item, location) pairs; every level of a
  location, paginated (drift repair).
"""

import hashlib
import json
import math
import time

import requests

API_VERSION = "2026-04"
ITEM_GID = "gid://shopify/InventoryItem/"
LOCATION_GID = "gid://shopify/Location/"
STALE = "CHANGE_FROM_QUANTITY_STALE"
THROTTLED = "THROTTLED"
# Quantities per inventorySetQuantities call, and (item, location) pairs per read.
SET_BATCH = 250
READ_BATCH = 50
PAGE_SIZE = 250
# Stale compares re-read and retried before the push is left to the outbox.
STALE_ROUNDS = 3
# Expected costs (the bucket is checked before sending).
SET_COST = 10
READ_COST = 2

SET_MUTATION = """mutation RetailSyncSetAvailable(
    $input: InventorySetQuantitiesInput!
) {
  inventorySetQuantities(input: $input) @idempotent(key: "%s") {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}"""
LOCATION_LEVELS_QUERY = """query RetailSyncLocationLevels($location: ID!, $first: Int!,
    $after: String) {
  location(id: $location) {
    inventoryLevels(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { item { id } quantities(names: ["available"]) { name quantity } }
    }
  }
}"""


class ShopifyError(Exception):
    """A call that did not succeed: ``status`` the HTTP-like status the outbox
    records (401 refused token, 422 refused input, 429 throttled, 5xx/None
    unreachable), ``retry_after`` seconds to wait when throttled."""

    def __init__(self, status, message, retry_after=None, excerpt=""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.excerpt = excerpt


def item_gid(value):
    return _gid(ITEM_GID, value)


def location_gid(value):
    return _gid(LOCATION_GID, value)


def _gid(prefix, value):
    value = str(value).strip()
    return value if value.startswith("gid://") else prefix + value


def is_gid_or_number(value, prefix):
    value = str(value or "").strip()
    return value.isdigit() or (
        value.startswith(prefix) and value[len(prefix) :].isdigit()
    )


def shop_quantity(figure):
    """The whole units Shopify can sell of an Odoo figure (never below 0)."""
    return max(0, math.floor(figure + 1e-9))


def idempotency_key(seed, data):
    """A stable key for this exact input under ``seed`` (a push)."""
    digest = hashlib.sha256(
        (seed + "|" + json.dumps(data, sort_keys=True)).encode()
    ).hexdigest()
    return f"rs-{digest[:40]}"


class Bucket:
    """The last throttle status Shopify reported for this app and shop."""

    def __init__(self):
        self.available = None
        self.maximum = None
        self.restore_rate = None
        self.seen_at = time.monotonic()

    def update(self, extensions):
        status = ((extensions or {}).get("cost") or {}).get("throttleStatus") or {}
        if "currentlyAvailable" in status:
            self.available = float(status["currentlyAvailable"])
            self.maximum = float(status.get("maximumAvailable") or 0) or None
            self.restore_rate = float(status.get("restoreRate") or 0) or None
            self.seen_at = time.monotonic()

    def wait_for(self, cost):
        """Seconds until the bucket holds ``cost`` points (0 when unknown)."""
        if self.available is None or not self.restore_rate:
            return 0.0
        refilled = self.available + (time.monotonic() - self.seen_at) * (
            self.restore_rate
        )
        if self.maximum:
            refilled = min(refilled, self.maximum)
        return max(0.0, (cost - refilled) / self.restore_rate)


class AdminClient:
    def __init__(
        self,
        shop_url,
        token,
        version=API_VERSION,
        timeout=10.0,
        max_wait=20.0,
        sleep=time.sleep,
        session=None,
    ):
        self.endpoint = f"{shop_url.rstrip('/')}/admin/api/{version}/graphql.json"
        self.token = token
        self.timeout = timeout
        self.max_wait = max_wait
        self.sleep = sleep
        self.session = session or requests.Session()
        self.bucket = Bucket()
        self.waited = 0.0
        self.throttled = 0
        self.stale_retries = 0
        self.keys = []
        self.not_stocked = []  # (item, location) pairs Shopify has no level for

    # ------------------------------------------------------------------ transport
    def _pace(self, cost):
        wait = self.bucket.wait_for(cost)
        if wait <= 0:
            return
        if self.waited + wait > self.max_wait:
            raise ShopifyError(
                429,
                f"throttled by Shopify: the cost bucket needs {wait:.1f} s to refill",
                retry_after=wait,
            )
        self.sleep(wait)
        self.waited += wait

    def execute(self, query, variables=None, cost=READ_COST):
        """The ``data`` of one GraphQL call, waiting for the cost bucket."""
        while True:
            self._pace(cost)
            try:
                response = self.session.post(
                    self.endpoint,
                    json={"query": query, "variables": variables or {}},
                    headers={"X-Shopify-Access-Token": self.token},
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                raise ShopifyError(
                    None, f"Shopify unreachable: {exc.__class__.__name__}: {exc}"
                ) from exc
            status, text = response.status_code, response.text or ""
            if status in (401, 403):
                raise ShopifyError(
                    status,
                    f"{status}: Shopify refused the channel's Admin API access "
                    "token (check the token and its write_inventory scope)",
                    excerpt=text,
                )
            if status == 429:
                self.throttled += 1
                wait = _float(response.headers.get("Retry-After")) or 1.0
                self._wait_throttled(wait)
                continue
            if status != 200:
                raise ShopifyError(status, f"Shopify answered {status}", excerpt=text)
            try:
                body = response.json()
            except ValueError as exc:
                raise ShopifyError(
                    502, "Shopify's answer is not JSON", excerpt=text
                ) from exc
            self.bucket.update(body.get("extensions"))
            errors = body.get("errors") or []
            codes = {((e.get("extensions") or {}).get("code")) for e in errors}
            if THROTTLED in codes:
                self.throttled += 1
                requested = ((body.get("extensions") or {}).get("cost") or {}).get(
                    "requestedQueryCost"
                ) or cost
                self._wait_throttled(max(self.bucket.wait_for(requested), 0.1))
                continue
            if errors:
                raise ShopifyError(
                    400,
                    "Shopify refused the query: "
                    + "; ".join(str(e.get("message")) for e in errors)[:300],
                    excerpt=text,
                )
            return body.get("data") or {}

    def _wait_throttled(self, wait):
        if self.waited + wait > self.max_wait:
            raise ShopifyError(
                429,
                f"throttled by Shopify: the cost bucket needs {wait:.1f} s to refill",
                retry_after=wait,
            )
        self.sleep(wait)
        self.waited += wait

    # ------------------------------------------------------------------ reads
    def read_levels(self, pairs):
        """{(item gid, location gid): available or None (not stocked there)}."""
        result = {}
        pairs = list(dict.fromkeys(pairs))
        for start in range(0, len(pairs), READ_BATCH):
            chunk = pairs[start : start + READ_BATCH]
            fields = "\n".join(
                f'  l{i}: inventoryItem(id: "{item}") {{ '
                f'inventoryLevel(locationId: "{location}") '
                '{ quantities(names: ["available"]) { name quantity } } }'
                for i, (item, location) in enumerate(chunk)
            )
            data = self.execute(
                "query RetailSyncLevels {\n" + fields + "\n}",
                cost=READ_COST + len(chunk),
            )
            for i, pair in enumerate(chunk):
                level = (data.get(f"l{i}") or {}).get("inventoryLevel")
                result[pair] = _available(level["quantities"]) if level else None
        return result

    def location_levels(self, location):
        """{item gid: available} of every item stocked at ``location``."""
        result, after = {}, None
        while True:
            data = self.execute(
                LOCATION_LEVELS_QUERY,
                {"location": location, "first": PAGE_SIZE, "after": after},
                cost=READ_COST + 1,
            )
            levels = ((data.get("location") or {}).get("inventoryLevels")) or {}
            for node in levels.get("nodes") or []:
                result[node["item"]["id"]] = _available(node.get("quantities"))
            page = levels.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                return result
            after = page.get("endCursor")

    # ------------------------------------------------------------------ writes
    def set_available(self, entries, seed, reason="correction"):
        """Set ``entries`` [{"item", "location", "quantity", "from"}] ("from": the
        quantity believed current, None when unknown: read first). Returns
        {(item, location): (quantity set, quantity it replaced)}; the pairs not
        stocked in Shopify are left out and listed in ``not_stocked``."""
        applied = {}
        for start in range(0, len(entries), SET_BATCH):
            applied.update(
                self._set_batch(entries[start : start + SET_BATCH], seed, reason)
            )
        return applied

    def _set_batch(self, entries, seed, reason):
        entries = [dict(e) for e in entries]
        unknown = [(e["item"], e["location"]) for e in entries if e["from"] is None]
        if unknown:
            levels = self.read_levels(unknown)
            entries = [e for e in entries if e["from"] is not None] + self._refresh(
                [e for e in entries if e["from"] is None], levels
            )
        for _round in range(STALE_ROUNDS + 1):
            if not entries:
                return {}
            data = {
                "name": "available",
                "reason": reason,
                "quantities": [
                    {
                        "inventoryItemId": e["item"],
                        "locationId": e["location"],
                        "quantity": e["quantity"],
                        "changeFromQuantity": e["from"],
                    }
                    for e in entries
                ],
            }
            key = idempotency_key(seed, data)
            self.keys.append(key)
            result = self.execute(SET_MUTATION % key, {"input": data}, SET_COST)
            payload = result.get("inventorySetQuantities") or {}
            user_errors = payload.get("userErrors") or []
            if not user_errors:
                return {
                    (e["item"], e["location"]): (e["quantity"], e["from"])
                    for e in entries
                }
            stale = [e for e in user_errors if e.get("code") == STALE]
            if len(stale) != len(user_errors):
                other = [e for e in user_errors if e.get("code") != STALE]
                raise ShopifyError(
                    422,
                    "Shopify refused the quantities: "
                    + "; ".join(
                        f"{e.get('code')} at {'.'.join(e.get('field') or [])}: "
                        f"{e.get('message')}"
                        for e in other
                    )[:400],
                )
            # Someone changed a quantity since we last set or read it: re-read
            # and compare-and-set again from the fresh value.
            self.stale_retries += 1
            entries = self._refresh(
                entries,
                self.read_levels([(e["item"], e["location"]) for e in entries]),
            )
        raise ShopifyError(
            503,
            f"quantities kept changing in Shopify: {STALE_ROUNDS + 1} stale compares "
            "in a row",
        )

    def _refresh(self, entries, levels):
        """``entries`` with the quantities read as their compare value; those
        whose item is not stocked at the location in Shopify are set aside in
        ``not_stocked`` (Shopify has no level to set there)."""
        kept = []
        for entry in entries:
            current = levels.get((entry["item"], entry["location"]))
            if current is None:
                self.not_stocked.append((entry["item"], entry["location"]))
                continue
            entry["from"] = current
            kept.append(entry)
        return kept


def _available(quantities):
    for quantity in quantities or []:
        if quantity.get("name") == "available":
            return quantity.get("quantity")
    return None


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
