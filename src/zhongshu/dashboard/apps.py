from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "zhongshu.dashboard"
    verbose_name = "首页"

    def ready(self) -> None:
        from zhongshu.access import registry

        from .actions import policy

        registry.register(policy())
