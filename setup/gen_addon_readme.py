"""Build each addon's README.rst from its readme/*.md fragments (OCA layout).

Usage: gen_addon_readme.py [--check] ADDON_DIR...
With --check, exit 1 when a README.rst is missing or stale instead of writing it.
"""

import ast
import pathlib
import re
import sys

SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("CONTRIBUTORS.md", "Contributors"),
]


def md_to_rst(text):
    """The small Markdown subset our fragments use: paragraphs, lists, fences, code."""
    out, in_fence = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            if not in_fence:
                lang = line[3:].strip()
                out += [f".. code-block:: {lang}" if lang else "::", ""]
            else:
                out.append("")
            in_fence = not in_fence
            continue
        if in_fence:
            out.append("    " + line if line else "")
            continue
        line = re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", line)
        line = re.sub(r"\*\*([^*]+)\*\*", r"**\1**", line)
        out.append(line)
    return "\n".join(out).strip() + "\n"


def readme(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        f"*{manifest['summary']}*",
        "",
        ".. This file is generated from readme/*.md by setup/gen_addon_readme.py.",
        "",
    ]
    for fragment, heading in SECTIONS:
        path = addon / "readme" / fragment
        if not path.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [md_to_rst(path.read_text()), ""]
    parts += ["License", "=======", "", manifest["license"], ""]
    return "\n".join(parts).rstrip() + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for name in (a for a in argv if a != "--check"):
        addon = pathlib.Path(name)
        target = addon / "README.rst"
        content = readme(addon)
        if target.exists() and target.read_text() == content:
            continue
        if check:
            stale.append(str(target))
        else:
            target.write_text(content)
    for path in stale:
        sys.stderr.write(f"{path} is stale: run make readme\n")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
