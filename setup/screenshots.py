"""Take the README's screenshots from a database holding the demo data.

Starts Odoo on that database (workers and the queue_job runner, as `make run`),
sends a few store sales and pings through the real events endpoint, presses
"Send test event" on the web shop, then drives headless Chromium over the DevTools
protocol: logged in as admin, it saves the Retail Sync app's first page, a dead
letter's form and the web shop's channel form as PNG files.

Run by `make screenshots` (setup/screenshots.sh), which prepares the database.
"""

import argparse
import base64
import itertools
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime

import requests
import websocket

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from live.live_odoo import LiveOdoo  # noqa: E402

WIDTH, HEIGHT = 1440, 900
# Demo stores, their channels' codes, and what their registers sell.
STORE_SALES = {
    "POS-PAR": ("PAR", ["RS-TEE-BLK-M", "RS-CAP-RED", "RS-BAG-TOTE", "RS-SNK-42"]),
    "POS-LYO": ("LYO", ["RS-TEE-WHT-M", "RS-BAG-TOTE", "RS-CAP-RED"]),
    "POS-MRS": ("MRS", ["RS-JKT-NAVY-L", "RS-TEE-BLK-M"]),
}
# A SKU no product has and nothing maps: its sale becomes a dead letter.
UNMAPPED_SKU = "RS-MUG-ESPRESSO"


def now_iso():
    return datetime.now(UTC).isoformat()


class DemoTraffic:
    """Events sent to the live server the way the channels send them."""

    def __init__(self, odoo):
        self.odoo = odoo
        self.run_tag = uuid.uuid4().hex[:6]
        self.channels = {
            channel["code"]: channel["id"]
            for channel in odoo.call("retail.sync.channel", "search_read", [], ["code"])
        }

    def api_key(self, code):
        action = self.odoo.call(
            "retail.sync.channel", "action_generate_api_key", [self.channels[code]]
        )
        [wizard] = self.odoo.call(
            "retail.sync.secret.wizard", "read", [action["res_id"]], ["secret"]
        )
        return wizard["secret"]

    def sale(self, store, register, sequence, lines):
        return {
            "id": f"{store}-{register}-{self.run_tag}-{sequence}",
            "type": "pos.sale.completed",
            "schema_version": 1,
            "occurred_at": now_iso(),
            "sequence": sequence,
            "data": {
                "store": store,
                "register": register,
                "receipt_number": f"{store}{register}-{sequence:05d}",
                "currency": "EUR",
                "lines": [
                    {"sku": sku, "quantity": quantity, "unit_price": 19.9}
                    for sku, quantity in lines
                ],
                "payments": [{"method": "card", "amount": 19.9 * len(lines)}],
            },
        }

    def send(self):
        counter = itertools.count(1)
        for code, (store, skus) in STORE_SALES.items():
            key = self.api_key(code)
            events = [
                self.sale(store, "R1", sequence, [(skus[sequence % len(skus)], 1)])
                for sequence in range(1, 7)
            ]
            if code == "POS-PAR":
                events.append(
                    self.sale(store, "R2", 1, [(UNMAPPED_SKU, 2), ("RS-CAP-RED", 1)])
                )
            events.append(
                {
                    "id": f"ping-{self.run_tag}-{next(counter)}",
                    "type": "system.ping",
                    "schema_version": 1,
                    "occurred_at": now_iso(),
                    "data": {"message": f"{store} registers online"},
                }
            )
            response = self.odoo.post(key, {"events": events})
            if response.status_code not in (202, 207):
                raise RuntimeError(f"{code}: {response.status_code} {response.text}")

    def wait_applied(self, timeout=90):
        pending = [("state", "in", ("received", "queued", "processing", "failed"))]
        if not self.odoo.wait_until(
            lambda: not self.odoo.call("retail.sync.event", "search_count", pending),
            timeout,
        ):
            raise RuntimeError("the demo events were not applied in time")

    def send_test_event(self, code, timeout=60):
        """Press "Send test event" on a channel and wait for the round trip."""
        action = self.odoo.call(
            "retail.sync.channel", "action_send_test_event", [self.channels[code]]
        )
        run_id = action["res_id"]

        def finished():
            [run] = self.odoo.call(
                "retail.sync.channel.test", "read", [run_id], ["state", "message"]
            )
            return run["state"] != "running" and run

        self.odoo.wait_until(finished, timeout)
        run = finished()
        if not run or run["state"] != "done":
            raise RuntimeError(f"the test event did not complete: {run}")
        return run_id

    def dead_letter(self):
        [event_id] = self.odoo.call(
            "retail.sync.event",
            "search",
            [("state", "=", "dead"), ("external_id", "like", f"%-{self.run_tag}-%")],
            limit=1,
        )
        return event_id


class Browser:
    """Headless Chromium driven over the DevTools protocol."""

    def __init__(self):
        binary = next(
            filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None
        )
        if not binary:
            raise RuntimeError("Chromium is not installed: run make setup")
        self.profile = tempfile.mkdtemp(prefix="rs-shots-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ids = itertools.count(1)
        self.socket = websocket.create_connection(self._page_socket(), timeout=60)
        self.command(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _page_socket(self, timeout=30):
        port_file = pathlib.Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                port = port_file.read_text().split()[0]
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=5)
                for target in targets.json():
                    if target["type"] == "page":
                        return target["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise RuntimeError("Chromium did not open its DevTools port")

    def command(self, method, **params):
        message_id = next(self.ids)
        self.socket.send(
            json.dumps({"id": message_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def login(self, url, database, login, password):
        """Log in with Odoo's JSON-RPC and hand the session cookie to Chromium."""
        session = requests.Session()
        response = session.post(
            f"{url}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {"db": database, "login": login, "password": password},
            },
            timeout=60,
        )
        response.raise_for_status()
        self.command(
            "Network.setCookie",
            name="session_id",
            value=session.cookies["session_id"],
            url=url,
        )

    def evaluate(self, expression):
        result = self.command(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        return result.get("result", {}).get("value")

    def wait_for(self, selector, timeout=60):
        deadline = time.monotonic() + timeout
        check = f"!!document.querySelector({json.dumps(selector)})"
        while time.monotonic() < deadline:
            if self.evaluate(check):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{selector} did not appear")

    def shoot(self, url, ready_selector, path, before=None):
        self.command("Page.navigate", url=url)
        self.wait_for(ready_selector)
        if before:
            self.evaluate(before)
        # Let the web client settle (fonts, lazy widgets such as the code viewer).
        time.sleep(1.5)
        shot = self.command("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        print(f"saved {path}")

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=30)
            shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--port", type=int, default=8269)
    parser.add_argument("--out", default="docs/img")
    args = parser.parse_args()
    out = ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    with LiveOdoo(args.database, http_port=args.port, log_name="screenshots") as odoo:
        traffic = DemoTraffic(odoo)
        traffic.send()
        traffic.wait_applied()
        traffic.send_test_event("WEB")
        dead_letter = traffic.dead_letter()

        root_menu = odoo.ref("retail_sync_core.retail_sync_root_menu")
        # The overview's rates and latencies come from the per-minute rollup: run
        # it now rather than wait for its cron.
        odoo.run_cron("retail_sync_core.ir_cron_stat_rollup")
        browser = Browser()
        try:
            browser.login(odoo.url, args.database, "admin", "admin")
            browser.shoot(
                f"{odoo.url}/odoo?menu_id={root_menu}",
                ".o_action_manager .o_view_controller",
                out / "overview.png",
            )
            browser.shoot(
                f"{odoo.url}/odoo/action-retail_sync_core.retail_sync_event_action/"
                f"{dead_letter}",
                ".o_form_view .o_notebook .ace_editor",
                out / "event-form.png",
            )
            browser.shoot(
                f"{odoo.url}/odoo/action-retail_sync_core.retail_sync_channel_action/"
                f"{traffic.channels['WEB']}",
                ".o_form_view .o_notebook",
                out / "channel-form.png",
            )
        finally:
            browser.close()


if __name__ == "__main__":
    main()
