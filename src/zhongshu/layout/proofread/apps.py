from django.apps import AppConfig


class ProofreadConfig(AppConfig):
    """公文校对: its own small app so that its term list has a home of its own."""

    name = "zhongshu.layout.proofread"
    label = "proofread"
    verbose_name = "公文校对"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhongshu.access import registry

        from .actions import policy

        registry.register(policy())
