from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "zhongshu.seals"
    label = "seals"
    verbose_name = "电子印章"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhongshu.access import registry

        from .actions import policy

        registry.register(policy())
