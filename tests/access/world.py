"""One small office with every persona the access and audit tests need."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.access.testapp.models import Dossier
from tests.factories import PersonFactory, UnitFactory
from tests.workflow_sample.models import Memo
from zhongshu.access.classification import Level
from zhongshu.access.models import Delegation, Grant
from zhongshu.inbox.models import Notification, NotificationKind
from zhongshu.layout.proofread import services as term_services
from zhongshu.org.models import Clearance, RoleCode
from zhongshu.workflow import services as wf_services
from zhongshu.workflow.models import AssigneeKind, StageMode, StepAction

# Personas of the policy matrix, in the order failures are reported.
PERSONAS = ["anonymous", "staff", "sysadmin", "secadmin", "auditor", "leader", "secretary",
            "clerk", "cleared_granted", "cleared_ungranted", "granted_uncleared", "flowadmin"]
# Personas at the clearances the list above lacks, and a route participant below the
# item's level (issue 11 §3): people of 政研室 without a role, who get what
# "cleared_ungranted" (the same, with nothing of its own in the world) gets from every
# row that does not name them. Their bodies are checked like everyone's: no
# title they may not see.
LIKE_STAFF = ["general", "core", "route_below"]


def build_world() -> SimpleNamespace:
    office = UnitFactory(name="办公室", code="BGS")
    other = UnitFactory(name="政研室", code="ZYS")
    p = {
        "staff": PersonFactory(username="staff", full_name="普通职员", unit=other),
        "sysadmin": PersonFactory(username="sysadmin", full_name="系统管理员甲", unit=office,
                                  roles=[RoleCode.SYSTEM_ADMIN]),
        "secadmin": PersonFactory(username="secadmin", full_name="安全保密管理员乙", unit=office,
                                  roles=[RoleCode.SECURITY_ADMIN], clearance=Clearance.CORE),
        "auditor": PersonFactory(username="auditor", full_name="安全审计员丙", unit=office,
                                 roles=[RoleCode.AUDITOR], clearance=Clearance.GENERAL),
        "leader": PersonFactory(username="leader", full_name="王主任", unit=office,
                                roles=[RoleCode.LEADER], clearance=Clearance.CORE),
        "secretary": PersonFactory(username="secretary", full_name="李秘书", unit=office,
                                   roles=[RoleCode.SECRETARY], clearance=Clearance.IMPORTANT),
        "clerk": PersonFactory(username="clerk", full_name="机要员赵", unit=office,
                               roles=[RoleCode.CONFIDENTIAL_CLERK], clearance=Clearance.IMPORTANT),
        "cleared_granted": PersonFactory(username="cg", full_name="有权有授权", unit=other,
                                         clearance=Clearance.IMPORTANT),
        "cleared_ungranted": PersonFactory(username="cu", full_name="有权无授权", unit=other,
                                           clearance=Clearance.IMPORTANT),
        "granted_uncleared": PersonFactory(username="gu", full_name="有授权无权", unit=other,
                                           clearance=Clearance.NONE),
        # Keeps the routing templates (流程管理员), and nothing else.
        "flowadmin": PersonFactory(username="flowadmin", full_name="流程管理员丁", unit=other,
                                   roles=[RoleCode.WORKFLOW_ADMIN], clearance=Clearance.GENERAL),
        "general": PersonFactory(username="general", full_name="一般涉密甲", unit=other,
                                 clearance=Clearance.GENERAL),
        "core": PersonFactory(username="core", full_name="核心涉密乙", unit=other,
                              clearance=Clearance.CORE),
        # Cleared 重要 when given a 机密 draft's review, lowered to 一般 since (matrix_world).
        "route_below": PersonFactory(username="below", full_name="降级审核人", unit=other,
                                     clearance=Clearance.IMPORTANT),
    }
    office.head = p["leader"]
    office.save()
    dossier = Dossier.objects.create(
        title="关于某重大事项的请示", classification=Level.SECRET, secrecy_years=10,
        classified_on=dt.date(2026, 1, 5), owner_unit=office, registered_by=p["clerk"])
    ct = ContentType.objects.get_for_model(Dossier)
    for key in ("cleared_granted", "granted_uncleared", "leader"):
        Grant.objects.create(content_type=ct, object_id=dossier.pk, person=p[key],
                             reason="测试授权", granted_by=p["secadmin"])
    now = timezone.now()
    delegation = Delegation.objects.create(
        delegator=p["leader"], delegate=p["secretary"], actions=["object.view", "opinion.prepare"],
        starts_at=now - dt.timedelta(days=1), ends_at=now + dt.timedelta(days=7))
    # Routing (workflow): the secretary keeps a template and sends a memo to the leader.
    template = wf_services.template_create(actor=None, purpose="memo_approval", code="matrix", name="矩阵测试流程", stages=[{
            "name": "领导审批", "mode": StageMode.SINGLE, "delegable": True,
            "assignees": [{"kind": AssigneeKind.PERSON, "person": p["leader"].pk}],
            "actions": [StepAction.AGREE, StepAction.AGREE_WITH_OPINION, StepAction.REJECT],
            "deadline_workdays": 2}])
    memo = Memo.objects.create(title="关于矩阵测试的签报", owner=p["secretary"])
    route = wf_services.route_start(actor=p["secretary"], obj=memo, template=template,
                                    title=memo.title)
    notification = Notification.objects.create(
        recipient=p["staff"], kind=NotificationKind.DUE_TODAY, item_key="matrix:1",
        day=dt.date(2026, 11, 20), title="测试提醒")
    term = term_services.term_create(actor=p["secretary"], term="矩阵测试词", replacement="规范词")
    return SimpleNamespace(office=office, other=other, dossier=dossier, delegation=delegation,
                           template=template, route=route, notification=notification, term=term,
                           people=p, **p)
