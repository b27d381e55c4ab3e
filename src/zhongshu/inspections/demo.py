"""Demo inspection plans for the demo organisation (``zhongshu demo``): a few plans of
this quarter, through the same services and approval route as the office would use,
among them a pair that visits 东城区委 in the same week on similar topics, and a pair on
营商环境 a month apart."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhongshu.org.models import Person, RoleCode, Unit
from zhongshu.workflow.models import StepAction, StepStatus
from zhongshu.workflow.services import step_act

from . import routing, services
from .models import InspectionPlan, PlanForm

# (organiser code, topic, inspected unit codes, start offset, days, form, participants, end state)
PLANS = [
    ("YJJ", "安全生产专项检查", ("DCQ", "XCQ", "LJX"), 14, 5, PlanForm.INSPECT,
     "市应急管理局副局长带队，5人", "approved"),
    ("ZJJ", "建筑施工安全生产大检查", ("DCQ", "NHQ"), 16, 4, PlanForm.INSPECT,
     "市住房城乡建设局安全处，4人", "submitted"),
    ("BGS-DC", "优化营商环境专项督查", ("BSQ", "LJX"), 35, 3, PlanForm.SUPERVISE,
     "市委督查室，3人", "approved"),
    ("SWJ", "营商环境建设情况调研", ("LJX",), 65, 2, PlanForm.SURVEY, "市商务局，2人", "submitted"),
    ("JYJ", "校园安全和食品安全检查", ("QSX",), 50, 2, PlanForm.INSPECT, "市教育局，3人", "draft"),
    ("WJW", "基层医疗卫生机构服务能力考核", ("QSX", "NHQ"), 20, 3, PlanForm.ASSESS,
     "市卫生健康委，4人", "approved"),
]


def _registrant(unit: Unit) -> Person | None:
    """Who registers a body's plan: its liaison officer, else its first member."""
    people = Person.objects.filter(unit=unit, is_active=True).order_by("sort_order", "id")
    return people.filter(roles__code=RoleCode.LIAISON_OFFICER).first() or people.first()


def _act_all(plan: InspectionPlan) -> None:
    """Every stage of the plan's route agreed by its first assignee, as the office would."""
    for _ in range(5):
        from zhongshu.workflow.models import Step

        step = (Step.objects.filter(route__object_id=plan.pk, route__purpose=routing.PLAN_APPROVAL,
                                    status=StepStatus.PENDING).select_related("assignee")
                .order_by("id").first())
        if step is None:
            return
        step_act(actor=step.assignee, step=step, action=StepAction.AGREE_WITH_OPINION,
                 text="同意。请严格控制人数和时间，不得要求基层准备汇报材料。")


@transaction.atomic
def load_demo_plans(today: dt.date | None = None) -> int:
    """Create the demo plans; returns how many. Does nothing if plans exist."""
    if InspectionPlan.objects.exists():
        return 0
    today = today or timezone.localdate()
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    units = {u.code: u for u in Unit.objects.all()}
    count = 0
    for organiser_code, topic, unit_codes, offset, days, form, participants, state in PLANS:
        organiser = units.get(organiser_code)
        if organiser is None or any(code not in units for code in unit_codes):
            continue
        actor = _registrant(organiser)
        if actor is None:
            continue
        starts = quarter_start + dt.timedelta(days=offset)
        plan = services.plan_create(
            actor=actor, topic=f"{starts.year}年{topic}", organiser=organiser,
            units=[units[c] for c in unit_codes], starts_on=starts,
            ends_on=starts + dt.timedelta(days=days - 1), form=form, participants=participants,
            description="听取汇报、查阅资料、实地察看，不要求基层专门准备汇报材料。")
        if state != "draft":
            services.plan_submit(actor=actor, plan=plan)
        if state == "approved":
            _act_all(plan)
        count += 1
    return count
