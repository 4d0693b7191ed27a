from . import contracts
