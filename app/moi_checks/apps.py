from django.apps import AppConfig


class MoiChecksConfig(AppConfig):
    name = "moi_checks"
    verbose_name = "MOI checks"
