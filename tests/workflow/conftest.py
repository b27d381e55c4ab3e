import pytest
from django.db import connection

from tests.factories import PersonFactory, UnitFactory
from tests.workflow_sample.models import Memo
from zhongshu.org.models import RoleCode
from zhongshu.workflow import services
from zhongshu.workflow.models import AssigneeKind, StageMode, StepAction

ALL_ACTIONS = [a.value for a in StepAction]
# A first stage has nothing to return to.
FIRST_STAGE_ACTIONS = [a for a in ALL_ACTIONS if a != StepAction.RETURN]


@pytest.fixture(autouse=True)
def _postgres_only(request):
    marker = request.node.get_closest_marker("postgres_only")
    if marker and connection.vendor != "postgresql":
        pytest.skip(marker.kwargs.get(
            "reason", "needs PostgreSQL: SQLite serialises writers, so requests cannot overlap"))


@pytest.fixture
def director(db):
    return PersonFactory(full_name="办公室主任", roles=[RoleCode.OFFICE_DIRECTOR])


@pytest.fixture
def org(db):
    """A drafting department with a head and a leader in charge, three units to
    countersign, and a leader to sign off."""
    leader = PersonFactory(full_name="分管领导", roles=[RoleCode.LEADER])
    dept = UnitFactory(name="秘书一处")
    head = PersonFactory(full_name="秘书一处处长", unit=dept)
    dept.head, dept.leader_in_charge = head, leader
    dept.save()
    drafter = PersonFactory(full_name="拟稿人", unit=dept)
    units = []
    for name in ("财政局", "发改委", "人社局"):
        unit = UnitFactory(name=name)
        unit.head = PersonFactory(full_name=f"{name}负责人", unit=unit)
        unit.save()
        units.append(unit)
    return {"leader": leader, "dept": dept, "head": head, "drafter": drafter, "units": units}


def stage(name, mode, assignees, actions=None, deadline=None, delegable=True):
    return {"name": name, "mode": mode, "assignees": assignees,
            "actions": actions or FIRST_STAGE_ACTIONS, "deadline_workdays": deadline, "delegable": delegable}


@pytest.fixture
def standard_template(director, org):
    """拟稿部门审核 → 三单位会签 → 领导签发."""
    return services.template_create(actor=director, purpose="memo_approval", code="standard", name="发文标准流程", stages=[
        stage("处长审核", StageMode.SINGLE, [{"kind": AssigneeKind.DRAFTER_UNIT_HEAD}], deadline=2),
        stage("会签", StageMode.ALL, [{"kind": AssigneeKind.UNIT_HEAD, "unit": u.pk} for u in org["units"]],
              actions=ALL_ACTIONS, deadline=3),
        stage("签发", StageMode.SINGLE, [{"kind": AssigneeKind.DRAFTER_UNIT_LEADER}],
              actions=[StepAction.AGREE, StepAction.AGREE_WITH_OPINION, StepAction.RETURN,
                       StepAction.REJECT], delegable=False),
    ])


@pytest.fixture
def memo(org):
    return Memo.objects.create(title="关于做好年终工作的通知", owner=org["drafter"])


def start(memo, template, org, **kwargs):
    return services.route_start(actor=org["drafter"], obj=memo, template=template,
                                title=memo.title, **kwargs)


def pending(route):
    return list(route.steps.filter(status="pending").order_by("order", "id"))
