from . import test_domains
