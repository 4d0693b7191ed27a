from . import (
    test_catalog_contracts,
    test_catalog_documents,
    test_catalog_full_pass,
    test_catalog_push,
)
