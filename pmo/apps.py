from django.apps import AppConfig


class PmoConfig(AppConfig):
    """The service-wide app: permissions, security logging, and what spans the
    three domain apps (report runs, the monthly packs and their schedule)."""

    name = "pmo"
    verbose_name = "Transformation PMO"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from pmo import datacache, security  # noqa: F401  (security: the sign-in log receivers)

        connection_created.connect(datacache.install, dispatch_uid="pmo.datacache")
        pre_migrate.connect(datacache.migration_started, dispatch_uid="pmo.datacache")
        post_migrate.connect(datacache.migration_finished, dispatch_uid="pmo.datacache")
