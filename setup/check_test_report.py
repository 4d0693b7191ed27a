"""Fail a test run whose Odoo tests or browser tours did not really run.

pytest-odoo skips every HttpCase without --odoo-http, and Odoo skips browser tests when
Chromium or websocket-client is missing, while the run still looks green.
"""

import sys
import xml.etree.ElementTree as ET


def is_addon_test(path):
    """Odoo tests live in <addon>/tests/; pure-Python ones in the root tests/."""
    parts = path.split("/")
    return len(parts) > 2 and parts[-2] == "tests" and parts[0] != "tests"


def problems(junit_path):
    cases = list(ET.parse(junit_path).getroot().iter("testcase"))
    odoo_cases = [c for c in cases if is_addon_test(c.get("file", ""))]
    skipped = [c for c in cases if c.find("skipped") is not None]
    tours = [
        c
        for c in odoo_cases
        if c.get("name", "").startswith("test_tour_") and c.find("skipped") is None
    ]
    found = []
    # Browser tours are named test_tour_*: at least one must have run in Chromium.
    if not odoo_cases:
        found.append("no Odoo test ran")
    if not tours:
        found.append("no browser tour ran")
    for case in skipped:
        reason = case.find("skipped").get("message", "")
        found.append(f"skipped: {case.get('classname')}.{case.get('name')}: {reason}")
    return found


if __name__ == "__main__":
    found = problems(sys.argv[1])
    for problem in found:
        print(f"[retail-sync] test run incomplete: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
