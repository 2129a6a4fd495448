from django.apps import AppConfig


class PmoConfig(AppConfig):
    """The service-wide app: permissions, security logging, and what spans the
    three domain apps (report runs, the monthly packs and their schedule)."""

    name = "pmo"
    verbose_name = "Transformation PMO"

    def ready(self) -> None:
        from pmo import security  # noqa: F401  (connects the sign-in log receivers)
