"""A small client of WooCommerce's REST API v3 for stock (no Odoo import).

- ``set_stock``: ``POST /wp-json/wc/v3/products/batch`` with an ``update`` list of
  {id, stock_quantity, manage_stock}, at most 100 objects per request (the API's
  batch limit: a longer list is split); variations through
  ``products/<parent>/variations/batch``. An object the shop refuses (an unknown
  id) is reported per id; the others are applied.
- ``stock_levels``: every product (and the variations of given parents) with
  ``per_page=100``, following ``X-WP-TotalPages``.
- Authentication: the REST API key's consumer key and secret as HTTP Basic
  credentials (WooCommerce accepts them over HTTPS).
"""

import math

import requests

BATCH_LIMIT = 100
PER_PAGE = 100
API = "/wp-json/wc/v3"


class WooCommerceError(Exception):
    """A call that did not succeed: ``status`` the HTTP status the outbox records
    (None: no answer), ``retry_after`` seconds asked by a 429."""

    def __init__(self, status, message, retry_after=None, excerpt=""):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.excerpt = excerpt


def parse_ref(ref):
    """(parent id or None, id) of a product binding's reference: "123" for a
    product, "45/678" for variation 678 of product 45; None if it is neither."""
    parts = str(ref or "").strip().split("/")
    if len(parts) == 1 and parts[0].isdigit():
        return None, int(parts[0])
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return int(parts[0]), int(parts[1])
    return None


def shop_quantity(figure):
    """Whole units (WooCommerce's stock_quantity is an integer), never below 0."""
    return max(0, math.floor(figure + 1e-9))


class RestClient:
    def __init__(self, shop_url, key, secret, timeout=10.0, session=None):
        self.base = shop_url.rstrip("/") + API
        self.auth = (key, secret)
        self.timeout = timeout
        self.session = session or requests.Session()
        self.requests = 0

    def _call(self, method, path, **kwargs):
        self.requests += 1
        try:
            response = self.session.request(
                method, self.base + path, auth=self.auth, timeout=self.timeout, **kwargs
            )
        except requests.RequestException as exc:
            raise WooCommerceError(
                None, f"WooCommerce unreachable: {exc.__class__.__name__}: {exc}"
            ) from exc
        status, text = response.status_code, response.text or ""
        if status in (401, 403):
            raise WooCommerceError(
                status,
                f"{status}: WooCommerce refused the channel's consumer key and "
                "secret (check the REST API key and its read/write permission)",
                excerpt=text,
            )
        if status == 429:
            try:
                wait = float(response.headers.get("Retry-After") or 30)
            except ValueError:
                wait = 30.0
            raise WooCommerceError(429, "429: WooCommerce rate limit", wait, text)
        if not 200 <= status < 300:
            message = _error_message(response)
            raise WooCommerceError(
                status, f"WooCommerce answered {status}: {message}", excerpt=text
            )
        try:
            return response.json(), response.headers
        except ValueError as exc:
            raise WooCommerceError(
                502, "WooCommerce's answer is not JSON", excerpt=text
            ) from exc

    def set_stock(self, updates):
        """Set {(parent or None, id): quantity}. Returns (applied {(parent, id):
        quantity}, refused {(parent, id): message})."""
        by_parent = {}
        for (parent, object_id), quantity in sorted(
            updates.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])
        ):
            by_parent.setdefault(parent, []).append((object_id, quantity))
        applied, refused = {}, {}
        for parent, rows in by_parent.items():
            path = (
                f"/products/{parent}/variations/batch" if parent else "/products/batch"
            )
            for start in range(0, len(rows), BATCH_LIMIT):
                chunk = rows[start : start + BATCH_LIMIT]
                body, _headers = self._call(
                    "POST",
                    path,
                    json={
                        "update": [
                            {
                                "id": object_id,
                                "stock_quantity": qty,
                                "manage_stock": True,
                            }
                            for object_id, qty in chunk
                        ]
                    },
                )
                answers = {a.get("id"): a for a in (body or {}).get("update") or []}
                for object_id, quantity in chunk:
                    answer = answers.get(object_id)
                    if answer is None or answer.get("error"):
                        error = (answer or {}).get("error") or {}
                        refused[(parent, object_id)] = (
                            f"{error.get('code') or 'no answer'}: "
                            f"{error.get('message') or 'not in the batch answer'}"
                        )
                    else:
                        applied[(parent, object_id)] = quantity
        return applied, refused

    def stock_levels(self, parents=()):
        """{(parent or None, id): stock_quantity or None (stock not managed)} of
        every product, and of the variations of ``parents``."""
        levels = {}
        for parent in [None, *sorted(set(parents))]:
            path = f"/products/{parent}/variations" if parent else "/products"
            page, pages = 1, 1
            while page <= pages:
                rows, headers = self._call(
                    "GET", path, params={"per_page": PER_PAGE, "page": page}
                )
                try:
                    pages = int(headers.get("X-WP-TotalPages") or 1)
                except ValueError:
                    pages = 1
                for row in rows or []:
                    levels[(parent, row["id"])] = (
                        row.get("stock_quantity") if row.get("manage_stock") else None
                    )
                page += 1
        return levels


def _error_message(response):
    try:
        body = response.json()
    except ValueError:
        return (response.text or "")[:200]
    if isinstance(body, dict):
        return f"{body.get('code')}: {body.get('message')}"[:300]
    return str(body)[:200]
