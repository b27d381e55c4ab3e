from django.apps import AppConfig


class WorkflowSampleConfig(AppConfig):
    """A stand-in for an app built on the platform (supervision, meetings …): it adds an
    action, a routed item and a task kind from its own ``ready`` — without editing
    ``access/policy.py``, ``workflow/`` or ``inbox/`` (issue 9)."""

    name = "tests.workflow_sample"
    label = "workflow_sample"

    def ready(self) -> None:
        from zhongshu.access import registry as access
        from zhongshu.workflow import registry

        from .hooks import FOLLOW_UP, MEMO_APPROVAL, POLICY, MemoItem
        from .models import Memo

        access.register(POLICY)
        registry.register_purpose(MEMO_APPROVAL)
        registry.register_item(Memo, MemoItem())
        registry.register_task_kind(FOLLOW_UP)
