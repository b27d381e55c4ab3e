from django.apps import AppConfig


class IncomingConfig(AppConfig):
    name = "zhongshu.documents.incoming"
    label = "incoming"
    verbose_name = "收文"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhongshu.access import grants
        from zhongshu.access import registry as access
        from zhongshu.kernel import exports
        from zhongshu.workflow import registry

        from .actions import policy
        from .exports import incoming_register
        from .items import IncomingItem, task_kinds
        from .models import IncomingDocument
        from .rules import need_to_know_q

        access.register(policy())
        # The people on the document's route (every task ever given on it, the leaders who
        # instructed it) and the handling unit are inside its need-to-know.
        grants.register_implicit(IncomingDocument, need_to_know_q, in_place=True)
        # Its steps are tasks of the shared task model; the inbox lists them from there.
        registry.register_item(IncomingDocument, IncomingItem())
        for kind in task_kinds():
            registry.register_task_kind(kind)
        exports.register(incoming_register)
