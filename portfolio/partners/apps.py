from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """Its pack section is part of the portfolio pack's (portfolio.reporting
    puts it after the month ahead), so it registers no pack section of its own."""

    name = "portfolio.partners"
    label = "partners"
    verbose_name = "Strategic partners"

    def ready(self) -> None:
        from pmo import extensions
        from portfolio.partners import demo, project_tabs

        extensions.register_project_tabs(self.label, project_tabs.tabs)
        extensions.register_demo(self.label, demo.seed)
