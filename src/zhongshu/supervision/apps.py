from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhongshu.supervision"
    label = "supervision"
    verbose_name = "督查督办"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zhongshu.access import grants
        from zhongshu.access import registry as access
        from zhongshu.kernel import exports, jobs, schedule
        from zhongshu.workflow import registry

        from .actions import policy
        from .exports import ledger_export
        from .imports import plan_import
        from .items import SUPERVISED_TASK, MatterItem
        from .models import InstructionRecord, Matter
        from .rules import instruction_need_to_know_q, need_to_know_q
        from .tasks import run_daily

        access.register(policy())
        grants.register_implicit(Matter, need_to_know_q, in_place=True)
        grants.register_implicit(InstructionRecord, instruction_need_to_know_q, in_place=True)
        registry.register_item(Matter, MatterItem())
        registry.register_task_kind(SUPERVISED_TASK)
        exports.register(ledger_export)
        jobs.register(plan_import)
        schedule.register("supervision.daily", run_daily)
