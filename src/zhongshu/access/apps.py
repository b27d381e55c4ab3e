from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "zhongshu.access"
    verbose_name = "访问控制"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 (registers the system check)
            registry,
        )
        from .policy import POLICY

        registry.register(POLICY)
        # Writes that change what the policy decides bump its cache generation.
        from . import generation

        generation.connect()
