from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = "Project register"

    def ready(self) -> None:
        from pmo import extensions
        from portfolio import reporting
        from portfolio.roles import ensure_roles

        extensions.register_pack_sections(self.label, reporting.pack_sections)

        # After the last app has migrated, so every app's permissions exist.
        post_migrate.connect(ensure_roles, dispatch_uid="portfolio.ensure_roles")
