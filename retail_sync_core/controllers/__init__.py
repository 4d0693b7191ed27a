from . import contracts, events
