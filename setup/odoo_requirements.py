"""Print Odoo's requirements.txt as pins that install on this interpreter.

Odoo 18's pins for Python 3.11 include old source releases (cbor2 5.4.2 among them) that
no longer build with current setuptools; its Python 3.12 pins all install on 3.11 and
Odoo runs on them. So markers are evaluated as if the interpreter were at least 3.12.
"""

import sys

from packaging.requirements import Requirement


def pins(requirements_text, python_version):
    env = {"python_version": python_version, "python_full_version": python_version}
    for raw in requirements_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate(env):
            continue
        requirement.marker = None
        yield str(requirement)


if __name__ == "__main__":
    current = "{}.{}".format(*sys.version_info[:2])
    target = max(current, "3.12", key=lambda v: tuple(map(int, v.split("."))))
    with open(sys.argv[1], encoding="utf-8") as handle:
        print("\n".join(pins(handle.read(), target)))
