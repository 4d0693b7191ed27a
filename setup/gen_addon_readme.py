"""Build each addon's README.rst and static/description/index.html from readme/*.md.

The layout is OCA's (what maintainer-tools' oca-gen-addon-readme produces, which is not
on PyPI): title, a "generated" banner with a digest of the sources, maturity / license /
repository badges, the description, a table of contents, the optional sections, Bug
Tracker, then Credits (Authors, Contributors, Other credits, Maintainers).
index.html is that RST rendered by docutils, as the Odoo Apps store shows it.

Usage: gen_addon_readme.py [--check] (--all | ADDON_DIR...)
  --all    every addon of the repository (folders beside this one's parent, and under
           addons/, holding a __manifest__.py)
  --check  write nothing; exit 1 naming each README.rst / index.html that is missing or
           stale
"""

import ast
import hashlib
import pathlib
import re
import sys
from urllib.parse import quote

REPO = pathlib.Path(__file__).resolve().parent.parent

# (fragment, section title) in OCA's order; DESCRIPTION comes before the contents.
SECTIONS = [
    ("CONTEXT.md", "Use Cases / Context"),
    ("INSTALL.md", "Installation"),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("HISTORY.md", "Changelog"),
]
MATURITY_COLOURS = {
    "Alpha": "red",
    "Beta": "yellow",
    "Production/Stable": "green",
    "Mature": "brightgreen",
}
LICENSES = {
    "LGPL-3": "https://www.gnu.org/licenses/lgpl-3.0-standalone.html",
    "AGPL-3": "https://www.gnu.org/licenses/agpl-3.0-standalone.html",
    "GPL-3": "https://www.gnu.org/licenses/gpl-3.0-standalone.html",
    "OPL-1": "https://www.odoo.com/documentation/18.0/legal/licenses.html",
}
DEVELOPMENT_STATUS_URL = "https://odoo-community.org/page/development-status"
# Section adornments below the README's own "=" sections: Credits uses "-", headings
# inside a fragment go one level further down.
FRAGMENT_HEADINGS = {1: "-", 2: "~", 3: "^"}


# --- Markdown fragments to reStructuredText -----------------------------------------


def _inline(text):
    """Inline Markdown (code, links, images, emphasis) to RST."""
    pieces = re.split(r"(`[^`]+`)", text)
    out = []
    for piece in pieces:
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            out.append(f"``{piece[1:-1]}``")
            continue
        piece = re.sub(
            r"\[([^\]]+)\]\(([^)\s]+)\)", lambda m: f"`{m[1]} <{m[2]}>`__", piece
        )
        # Markdown's __bold__ and _italic_ (RST knows only the * forms)
        piece = re.sub(r"(?<!\w)__(\S[^_]*\S|\S)__(?!\w)", r"**\1**", piece)
        piece = re.sub(r"(?<![\w*])_(\S[^_]*\S|\S)_(?!\w)", r"*\1*", piece)
        out.append(piece)
    return "".join(out)


def md_to_rst(text):
    """The Markdown our fragments use: paragraphs, headings, lists, fences, images."""
    out, fence = [], None
    for line in text.splitlines():
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
                out.append("")
            else:
                out.append("    " + line if line.strip() else "")
            continue
        fence_match = re.match(r"\s*(```+|~~~+)\s*([\w+-]*)", line)
        if fence_match:
            fence, lang = fence_match[1], fence_match[2]
            if out and out[-1].strip():
                out.append("")
            out += [f".. code-block:: {lang}" if lang else "::", ""]
            continue
        heading = re.match(r"(#{1,3})\s+(.*?)\s*#*\s*$", line)
        if heading:
            title = _inline(heading[2])
            if out and out[-1].strip():
                out.append("")
            out += [title, FRAGMENT_HEADINGS[len(heading[1])] * len(title), ""]
            continue
        image = re.match(r"\s*!\[([^\]]*)\]\(([^)\s]+)\)\s*$", line)
        if image:
            out += [f".. image:: {image[2]}", f"   :alt: {image[1]}", ""]
            continue
        # "* item" and "+ item" lists become "- item"; "1) item" becomes "1. item"
        line = re.sub(r"^(\s*)[*+](\s+)", r"\1-\2", line)
        line = re.sub(r"^(\s*)(\d+)\)(\s+)", r"\1\2.\3", line)
        out.append(_inline(line))
    if fence is not None:
        out.append("")
    return "\n".join(out).strip() + "\n"


# --- README.rst ---------------------------------------------------------------------


def _heading(title, char, overline=False):
    bar = char * len(title)
    return [bar, title, bar, ""] if overline else [title, bar, ""]


def _source_digest(addon):
    """sha256 over the manifest and the fragments, as OCA's "source digest" line."""
    digest = hashlib.sha256()
    for path in [addon / "__manifest__.py", *sorted((addon / "readme").glob("*"))]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _repo_links(manifest, addon):
    """(repository name, repository URL, URL of the addon's folder) from `website`."""
    website = manifest.get("website", "").rstrip("/")
    match = re.match(r"https://github\.com/([^/]+/[^/]+)$", website)
    if not match:
        return None, website or None, website or None
    branch = manifest["version"].split(".")[0] + "." + manifest["version"].split(".")[1]
    path = addon.resolve().relative_to(REPO).as_posix()
    return match[1], website, f"{website}/tree/{branch}/{path}"


def _badges(manifest, addon):
    badges = []
    status = manifest.get("development_status")
    if status:
        colour = MATURITY_COLOURS.get(status, "lightgrey")
        label = quote(status.replace("-", "--").replace("_", "__"), safe="")
        badges.append(
            (
                f"https://img.shields.io/badge/maturity-{label}-{colour}.png",
                DEVELOPMENT_STATUS_URL,
                status,
            )
        )
    licence = manifest.get("license", "LGPL-3")
    licence_label = quote(licence.replace("-", "--"), safe="")
    badges.append(
        (
            f"https://img.shields.io/badge/license-{licence_label}-blue.png",
            LICENSES.get(licence, "https://spdx.org/licenses/"),
            f"License: {licence}",
        )
    )
    repo_name, _repo_url, addon_url = _repo_links(manifest, addon)
    if repo_name:
        label = quote(repo_name.replace("-", "--"), safe="")
        badges.append(
            (
                f"https://img.shields.io/badge/github-{label}-lightgray.png?logo=github",
                addon_url,
                repo_name,
            )
        )
    lines = []
    for index, (image, target, alt) in enumerate(badges, 1):
        lines += [
            f".. |badge{index}| image:: {image}",
            f"    :target: {target}",
            f"    :alt: {alt}",
        ]
    lines += ["", " ".join(f"|badge{i}|" for i in range(1, len(badges) + 1)), ""]
    return lines


def _fragment(addon, name):
    path = addon / "readme" / name
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return md_to_rst(text) if text.strip() else None


def readme_rst(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text(encoding="utf-8"))
    title = manifest["name"]
    banner = [
        "!! This file is generated by setup/gen_addon_readme.py (make readme) !!",
        "!! from readme/*.md: changes made here will be overwritten.          !!",
    ]
    bangs = "!" * len(banner[0])
    parts = [
        *_heading(title, "=", overline=True),
        "..",
        f"   {bangs}",
        *(f"   {line}" for line in banner),
        f"   {bangs}",
        f"   !! source digest: sha256:{_source_digest(addon)}",
        f"   {bangs}",
        "",
        *_badges(manifest, addon),
    ]
    description = _fragment(addon, "DESCRIPTION.md")
    if description:
        parts += [description]
    if manifest.get("development_status") == "Alpha":
        parts += [
            ".. IMPORTANT::",
            "   This is an alpha version: the data model and the design may change at",
            "   any time without warning. Use it for development or testing only, not",
            "   in production.",
            f"   `More details on development status <{DEVELOPMENT_STATUS_URL}>`_",
            "",
        ]
    parts += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for fragment, heading in SECTIONS:
        body = _fragment(addon, fragment)
        if body:
            parts += [*_heading(heading, "="), body]

    repo_name, repo_url, addon_url = _repo_links(manifest, addon)
    parts += _heading("Bug Tracker", "=")
    if repo_name:
        parts += [
            f"Bugs are tracked on `GitHub Issues <{repo_url}/issues>`_.",
            "Please look there first whether your issue has already been reported.",
            "If it has not, file one with the steps to reproduce it, what you expected",
            "and what happened.",
            "",
        ]
    else:
        parts += [
            "Report bugs to the authors listed below"
            + (f" (`{repo_url} <{repo_url}>`_)." if repo_url else "."),
            "",
        ]

    parts += _heading("Credits", "=")
    authors = [a.strip() for a in manifest.get("author", "").split(",") if a.strip()]
    if authors:
        parts += [*_heading("Authors", "-"), *(f"* {a}" for a in authors), ""]
    contributors = _fragment(addon, "CONTRIBUTORS.md")
    if contributors:
        parts += [*_heading("Contributors", "-"), contributors]
    credits_ = _fragment(addon, "CREDITS.md")
    if credits_:
        parts += [*_heading("Other credits", "-"), credits_]
    parts += _heading("Maintainers", "-")
    maintainers = manifest.get("maintainers", [])
    if maintainers:
        for login in maintainers:
            parts += [
                f".. |maintainer-{login}| image:: https://github.com/{login}.png?size=40px",
                f"    :target: https://github.com/{login}",
                f"    :alt: {login}",
            ]
        parts += [
            "",
            "Current maintainer" + ("s" if len(maintainers) > 1 else "") + ":",
            "",
            " ".join(f"|maintainer-{login}|" for login in maintainers),
            "",
        ]
    if repo_name:
        parts += [
            f"This module is part of the `{repo_name} <{addon_url}>`_ project on"
            " GitHub.",
            "",
            "You are welcome to contribute.",
            "",
        ]
    else:
        maintained_by = ", ".join(authors) or "its authors"
        parts += [f"This module is maintained by {maintained_by}.", ""]
    return "\n".join(parts).rstrip() + "\n"


# --- index.html ---------------------------------------------------------------------


class RstError(Exception):
    pass


def index_html(rst, source_path):
    """The RST rendered to one self-contained HTML page (docutils' html4css1 writer)."""
    import io

    from docutils.core import publish_string

    warnings = io.StringIO()
    html = publish_string(
        source=rst,
        source_path=str(source_path),
        writer_name="html4css1",
        settings_overrides={
            "embed_stylesheet": True,
            "output_encoding": "unicode",
            "xml_declaration": False,
            "report_level": 2,  # warnings and above go to `warnings`
            "halt_level": 5,
            "warning_stream": warnings,
            "datestamp": None,
            "generator": False,
            "source_link": False,
            "footnote_backlinks": True,
            "syntax_highlight": "none",  # same page with or without Pygments
            "_disable_config": True,  # no docutils.conf from the user's machine
        },
    )
    if warnings.getvalue():
        raise RstError(warnings.getvalue().strip())
    return html if html.endswith("\n") else html + "\n"


# --- command line -------------------------------------------------------------------


def all_addons():
    candidates = sorted(REPO.glob("*/__manifest__.py")) + sorted(
        REPO.glob("addons/*/__manifest__.py")
    )
    return [path.parent for path in candidates]


def outputs(addon):
    rst = readme_rst(addon)
    html = index_html(rst, addon / "README.rst")
    return {
        addon / "README.rst": rst,
        addon / "static" / "description" / "index.html": html,
    }


def main(argv):
    check = "--check" in argv
    names = [a for a in argv if a not in ("--check", "--all")]
    addons = [pathlib.Path(n) for n in names]
    if "--all" in argv:
        addons += all_addons()
    if not addons:
        sys.stderr.write(__doc__)
        return 2
    stale, failed = [], []
    for addon in addons:
        if not (addon / "__manifest__.py").is_file():
            failed.append(f"{addon}: no __manifest__.py")
            continue
        try:
            files = outputs(addon)
        except RstError as exc:
            failed.append(f"{addon}: readme/*.md do not make valid RST:\n{exc}")
            continue
        for target, content in files.items():
            if target.is_file() and target.read_text(encoding="utf-8") == content:
                continue
            stale.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
                print(f"wrote {target}")
    for message in failed:
        sys.stderr.write(f"error: {message}\n")
    if check:
        for path in stale:
            sys.stderr.write(f"{path} is missing or stale: run make readme\n")
    return 1 if failed or (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
