from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "zhongshu.workflow"
    label = "workflow"
    verbose_name = "流转"

    def ready(self) -> None:
        from zhongshu.access import registry as access
        from zhongshu.inbox import registry as inbox
        from zhongshu.kernel.calendar import on_year_known

        from . import (
            checks,  # noqa: F401 (registers the system check)
            registry,
        )
        from .actions import policy
        from .approvals import (
            COMPLETION_PURPOSE,
            EXTENSION_PURPOSE,
            CompletionItem,
            ExtensionItem,
        )
        from .deadlines import recompute_year
        from .inbox import TaskInboxProvider, WorkflowInboxProvider
        from .models import TaskExtension, TaskReport

        access.register(policy())
        # Due dates counted provisionally are counted again when their year is entered.
        on_year_known(recompute_year, key="workflow.deadlines")
        # Extension requests and completion requests are routed items of the engine.
        registry.register_purpose(EXTENSION_PURPOSE)
        registry.register_purpose(COMPLETION_PURPOSE)
        registry.register_item(TaskExtension, ExtensionItem())
        registry.register_item(TaskReport, CompletionItem())
        # Pending steps and open tasks are 待办/待阅.
        inbox.register(WorkflowInboxProvider())
        inbox.register(TaskInboxProvider())
