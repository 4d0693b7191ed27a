"""Make retail_sync_core/engine importable as ``retail_sync_engine`` without Odoo.

The engine package has no Odoo import; loading it through its addon would import the
addon's models, which need a running Odoo.
"""

import importlib.util
import pathlib
import sys

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "retail_sync_core" / "engine"

if "retail_sync_engine" not in sys.modules:
    spec = importlib.util.spec_from_file_location(
        "retail_sync_engine",
        ENGINE / "__init__.py",
        submodule_search_locations=[str(ENGINE)],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["retail_sync_engine"] = module
    spec.loader.exec_module(module)
