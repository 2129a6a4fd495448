from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrioritisationConfig(AppConfig):
    name = "prioritisation"
    verbose_name = "Prioritisation"

    def ready(self) -> None:
        from prioritisation.services import scoring_model_ensure_default

        # The default scoring model must exist whenever the database does,
        # including after a test flush (the data migration covers migrate).
        post_migrate.connect(
            scoring_model_ensure_default,
            sender=self,
            dispatch_uid="prioritisation.ensure_default_model",
        )
