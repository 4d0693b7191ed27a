from . import admin_api
