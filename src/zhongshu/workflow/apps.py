from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zhongshu.workflow"
    label = "workflow"
    verbose_name = "流转"

    def ready(self) -> None:
        # The engine is the inbox's first provider: pending steps are 待办.
        from zhongshu.inbox import registry

        from .inbox import WorkflowInboxProvider

        registry.register(WorkflowInboxProvider())
