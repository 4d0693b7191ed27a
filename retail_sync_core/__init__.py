from . import controllers, models, wizards
from .controllers.edge import install as post_load
