from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "zhongshu.inspections"
    label = "inspections"
    verbose_name = _("督查检查考核计划")

    def ready(self) -> None:
        from zhongshu.access import registry as access
        from zhongshu.workflow import registry

        from .actions import policy
        from .models import InspectionPlan
        from .routing import PURPOSE, PlanItem

        access.register(policy())
        # 计划审批 on the routing engine, and what the engine asks a plan.
        registry.register_purpose(PURPOSE)
        registry.register_item(InspectionPlan, PlanItem())
