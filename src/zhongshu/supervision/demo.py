"""Demo data of 督查督办 for `zhongshu demo`: two leaders' instructions in the 批示件
register (one 批办性 already given to units, one 参阅性), a meeting decision and a key
item of the annual work plan with their tasks — one of them red. Written as the system
(no person acts in a demo load), like the rest of the demo."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from zhongshu.org.models import Person, Unit
from zhongshu.workflow import tasking
from zhongshu.workflow.models import Task, TaskRole
from zhongshu.workflow.tasking import UnitHolder

from . import services
from .models import (
    TASK_KIND,
    InstructionOrigin,
    InstructionRecord,
    LedgerRow,
    Matter,
    Milestone,
    SourceKind,
)


@transaction.atomic
def load_demo() -> int:
    """Create the demo matters (the demo organisation must exist). Returns the tasks made."""
    officer = Person.objects.filter(username="ducha").first()
    leader = Person.objects.filter(username="shuji").first()
    if officer is None or leader is None or Matter.objects.exists():
        return 0
    units = {u.code: u for u in Unit.objects.filter(code__in=["FGW", "NHQ", "STJ", "ZJJ"])}
    today = timezone.localdate()
    now = timezone.now()
    owner = officer.unit
    ins = InstructionRecord.objects.create(
        origin=InstructionOrigin.PAPER, leader=leader, kind="actionable",
        text="请督查室督促市发展改革委牵头，南湖区委配合，一个月内拿出优化营商环境的具体措施。",
        document_title="关于我市营商环境评价情况的报告", given_at=now - dt.timedelta(days=3),
        owner_unit=owner, registered_by=officer)
    InstructionRecord.objects.create(
        origin=InstructionOrigin.PAPER, leader=leader, kind="reference", text="阅。供参考。",
        document_title="兄弟城市基层减负经验做法", given_at=now - dt.timedelta(days=1),
        owner_unit=owner, registered_by=officer)
    plans = [
        (dict(source=SourceKind.INSTRUCTION, instruction=ins, leader=leader,
              title="制定优化营商环境具体措施", requirement=ins.text, importance=2),
         [units.get("FGW"), units.get("NHQ")], 20),
        (dict(source=SourceKind.MEETING, source_ref="demo:meeting:1", leader=leader,
              source_title="市委常委会2026年第20次会议", title="推进生态环境问题整改",
              requirement="按期完成中央生态环保督察反馈问题整改。", importance=1),
         [units.get("STJ")], 5),
        (dict(source=SourceKind.WORK_PLAN, plan_year=today.year, source_ref=f"demo:{today.year}:1",
              title="完成城镇老旧小区改造", requirement="年内完成改造120个小区。", importance=2),
         [units.get("ZJJ"), units.get("NHQ")], 60),
    ]
    made = 0
    for fields, holders, workdays in plans:
        matter = Matter.objects.create(owner_unit=owner, registered_by=officer, **fields)
        held = [u for u in holders if u is not None]
        if not held:
            continue
        roles = [TaskRole.LEAD] + [TaskRole.CO] * (len(held) - 1)
        tasks = tasking.give(actor=None, subject=matter, kind=TASK_KIND, title=matter.title,
                             holders=[UnitHolder(u, r) for u, r in zip(held, roles, strict=True)],
                             due_workdays=workdays, report_every=10, importance=matter.importance)
        LedgerRow.objects.bulk_create([services._row_for(t, matter) for t in tasks])
        made += len(tasks)
        if matter.source == SourceKind.WORK_PLAN:
            for q, (month, day) in enumerate(((3, 31), (6, 30), (9, 30), (12, 31)), 1):
                Milestone.objects.create(matter=matter, title=f"第{q}季度完成{30 * q}个小区",
                                         due_date=dt.date(today.year, month, day))
        if matter.source == SourceKind.MEETING:
            # Shown red in the demo: its due date has passed (set on the demo's own record).
            late = today - dt.timedelta(days=7)
            Task.objects.filter(pk__in=[t.pk for t in tasks]).update(due_date=late)
            LedgerRow.objects.filter(pk__in=[t.pk for t in tasks]).update(due_date=late)
    services.lights_recompute(today=today)
    return made
