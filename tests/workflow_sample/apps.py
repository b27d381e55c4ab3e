from django.apps import AppConfig


class WorkflowSampleConfig(AppConfig):
    """A stand-in for an app built on the platform (supervision, meetings …): it adds a
    routed item and a task kind from its own ``ready`` — without editing the platform."""

    name = "tests.workflow_sample"
    label = "workflow_sample"

    def ready(self) -> None:
        from zhongshu.workflow import registry

        from .hooks import MEMO_APPROVAL, MemoItem
        from .models import Memo

        registry.register_purpose(MEMO_APPROVAL)
        registry.register_item(Memo, MemoItem())
