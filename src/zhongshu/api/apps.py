from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhongshu.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from zhongshu.access import registry

        from .actions import policy

        registry.register(policy())
