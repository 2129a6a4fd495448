from django.apps import AppConfig


class PmoConfig(AppConfig):
    """The service-wide app: report runs, the monthly packs and their schedule."""

    name = "pmo"
    verbose_name = "Reports"
