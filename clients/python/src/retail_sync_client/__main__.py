# Copyright 2026 Retail Sync
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""``python -m retail_sync_client``: look into an outbox, or flush it.

    python -m retail_sync_client status --outbox till.db
    python -m retail_sync_client rejected --outbox till.db
    python -m retail_sync_client flush --outbox till.db --url https://erp.example.com

The API key and signing secret come from RETAIL_SYNC_API_KEY and
RETAIL_SYNC_SIGNING_SECRET (never from the command line, which others can read).
"""

import argparse
import json
import os
import sys

from .client import ClientError, RetailSyncClient
from .outbox import Outbox


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="retail-sync-client", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("command", choices=["status", "rejected", "flush"])
    parser.add_argument("--outbox", required=True, help="the SQLite outbox file")
    parser.add_argument("--url", help="the Odoo base URL (flush)")
    parser.add_argument("--timeout", type=float, help="give up flushing after (s)")
    args = parser.parse_args(argv)
    if args.command == "flush":
        if not args.url or not os.environ.get("RETAIL_SYNC_API_KEY"):
            parser.error("flush needs --url and RETAIL_SYNC_API_KEY")
        client = RetailSyncClient(
            args.url,
            os.environ["RETAIL_SYNC_API_KEY"],
            args.outbox,
            signing_secret=os.environ.get("RETAIL_SYNC_SIGNING_SECRET") or None,
        )
        try:
            settled = client.flush(timeout=args.timeout)
        except (ClientError, TimeoutError) as exc:
            print(f"flush stopped: {exc}", file=sys.stderr)
            return 1
        finally:
            client.outbox.close()
        print(f"{settled} events settled")
        return 0
    outbox = Outbox(args.outbox)
    try:
        if args.command == "status":
            print(
                json.dumps(
                    {
                        "pending": outbox.pending_count(),
                        "rejected": len(outbox.rejected()),
                        "sequences": outbox.sequences(),
                    },
                    indent=2,
                )
            )
        else:
            print(json.dumps(outbox.rejected(), indent=2))
    finally:
        outbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
