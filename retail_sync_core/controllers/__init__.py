from . import contracts, events, fallback, openapi
