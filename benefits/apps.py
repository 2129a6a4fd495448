from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = "Benefits"

    def ready(self) -> None:
        from benefits import demo, project_tabs, reporting
        from pmo import extensions

        extensions.register_pack_sections(self.label, reporting.pack_sections)
        extensions.register_project_tabs(self.label, project_tabs.tabs)
        extensions.register_demo(self.label, demo.seed, demo.seed_scale)
