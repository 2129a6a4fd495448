from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrioritisationConfig(AppConfig):
    name = "prioritisation"
    verbose_name = "Prioritisation"

    def ready(self) -> None:
        from pmo import extensions
        from prioritisation import demo, project_tabs, reporting
        from prioritisation.services import scoring_model_ensure_default

        extensions.register_pack_sections(self.label, reporting.pack_sections)
        extensions.register_project_tabs(self.label, project_tabs.tabs)
        extensions.register_demo(self.label, demo.seed, demo.seed_scale)

        # The default scoring model must exist whenever the database does,
        # including after a test flush (the data migration covers migrate).
        post_migrate.connect(
            scoring_model_ensure_default,
            sender=self,
            dispatch_uid="prioritisation.ensure_default_model",
        )
