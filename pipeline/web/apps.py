"""The portal's Django app."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "pipeline.web"
    label = "portal"
    verbose_name = "党建述职门户"
    default_auto_field = "django.db.models.BigAutoField"
