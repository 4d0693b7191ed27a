from . import contracts, events, openapi
