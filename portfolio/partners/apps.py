from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "portfolio.partners"
    label = "partners"
    verbose_name = "Strategic partners"
