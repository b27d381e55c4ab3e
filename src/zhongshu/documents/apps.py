from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "zhongshu.documents"
    label = "documents"
    verbose_name = _("办文")

    def ready(self) -> None:
        from zhongshu.access import grants
        from zhongshu.access import registry as access
        from zhongshu.kernel import exports
        from zhongshu.workflow import registry

        from .actions import policy
        from .exports import outgoing_register
        from .models import OutgoingDocument
        from .routing import PURPOSE, OutgoingItem
        from .selectors import implicit_need_to_know

        access.register(policy())
        # 发文审批 on the routing engine, and what the engine asks a document.
        registry.register_purpose(PURPOSE)
        registry.register_item(OutgoingDocument, OutgoingItem())

        # The route's people and the distribution list are the document's need-to-know.
        grants.register_implicit(OutgoingDocument, implicit_need_to_know, in_place=True)
        # The 发文登记簿 is exported in the background (导出 Excel).
        exports.register(outgoing_register)
