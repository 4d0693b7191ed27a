from . import rest_api
