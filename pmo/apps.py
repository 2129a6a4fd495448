from django.apps import AppConfig


class PmoConfig(AppConfig):
    """The service-wide package: permissions, security logging, and what spans
    the three domain apps."""

    name = "pmo"
    verbose_name = "Transformation PMO"

    def ready(self) -> None:
        from pmo import security  # noqa: F401  (connects the sign-in log receivers)
