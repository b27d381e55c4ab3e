"""Stage semantics follow the stage's stable key, never its editable name (issue 9 §1).

A reviewer renamed 签发 to 领导签发 with ``template_update`` and found that a secretary
holding a delegation "signed off", that the document was numbered, distributed and
archived with no signer, and that a leader without the clearance acted on a 机密
document's renamed sign-off stage. Here every stage of every default template is
renamed, and nothing changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.documents.conftest import notice_spec
from tests.documents.helpers import pending
from zhongshu.access.classification import Level
from zhongshu.access.models import Delegation
from zhongshu.documents import doctypes, routing, services
from zhongshu.org.models import Clearance, RoleCode
from zhongshu.workflow import services as workflow
from zhongshu.workflow.models import RouteTemplate
from zhongshu.workflow.services import WorkflowError

pytestmark = pytest.mark.django_db


def _stages_of(template: RouteTemplate) -> list[dict]:
    return [{"key": s.key, "name": s.name, "mode": s.mode, "assignees": s.assignees,
             "actions": s.actions, "deadline_workdays": s.deadline_workdays,
             "delegable": s.delegable} for s in template.current_version.stages.all()]


@pytest.fixture
def renamed(office):
    """Every default template with every stage renamed (and 签发 made "delegable" in the
    editor's flag), saved by someone entitled to edit templates."""
    office.secretary.roles.add(*office.secretary.roles.model.objects.filter(
        code=RoleCode.OFFICE_DIRECTOR))
    for template in routing.ensure_all():
        stages = _stages_of(template)
        for i, stage in enumerate(stages):
            stage["name"] = f"第{i + 1}步（改名）" if stage["key"] != doctypes.SIGN_OFF else "领导签发"
            stage["delegable"] = True
        workflow.template_update(actor=office.secretary, template=template, name=template.name,
                                 stages=stages, note="全部改名")
    return office


def _walk(doc, *, until_key: str) -> None:
    for _ in range(40):
        steps = pending(doc)
        if not steps or steps[0].stage_key == until_key:
            return
        for step in steps:
            services.outgoing_act(actor=step.assignee, document=doc, step=step, action="agree")
    raise AssertionError(f"never reached {until_key}")


def test_renaming_keeps_every_key_and_the_never_delegable_sign_off(renamed):
    for template in RouteTemplate.objects.filter(code__startswith="outgoing-"):
        version = template.current_version
        assert version.number == 2
        kind = routing.kind_of_template(template.code)
        assert [s.key for s in version.stages.all()] == [
            s["key"] for s in doctypes.default_stages(kind)]
        assert not any(s.name in doctypes.STAGE_LABELS.values() for s in version.stages.all())
        # The editor's flag cannot make 签发 delegable: the key says it never is.
        assert version.stages.get(key=doctypes.SIGN_OFF).delegable is False


def test_a_delegate_cannot_sign_off_the_renamed_stage(renamed):
    office = renamed
    now = timezone.now()
    Delegation.objects.create(delegator=office.leader, delegate=office.secretary,
                              actions=["object.view", "opinion.prepare"],
                              starts_at=now - timezone.timedelta(days=1),
                              ends_at=now + timezone.timedelta(days=1))
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(),
                                   sign_off_leader=office.leader)
    services.outgoing_submit(actor=office.drafter, document=doc)
    _walk(doc, until_key=doctypes.SIGN_OFF)
    [step] = pending(doc)
    assert step.stage_name == "领导签发" and step.assignee == office.leader
    with pytest.raises(ValidationError, match="不得由他人代为处理"):
        services.outgoing_act(actor=office.secretary, document=doc, step=step, action="agree",
                              on_behalf_of=office.leader)
    doc.refresh_from_db()
    assert doc.status == "routing" and doc.signed_off_by is None and not doc.doc_number
    # The leader signs himself; the number comes at the renamed 编号 stage, not before.
    services.outgoing_act(actor=office.leader, document=doc, step=step, action="agree")
    doc.refresh_from_db()
    assert doc.signed_off_by == office.leader and not doc.doc_number
    _walk(doc, until_key=doctypes.NUMBERING)
    [numbering] = pending(doc)
    assert numbering.stage_name.endswith("（改名）")
    services.outgoing_act(actor=numbering.assignee, document=doc, step=numbering, action="agree")
    doc.refresh_from_db()
    assert doc.doc_number.startswith("示委办发〔")


def test_an_uncleared_leader_is_refused_on_the_renamed_sign_off(renamed):
    office = renamed
    office.other_leader.clearance = Clearance.GENERAL
    office.other_leader.save()
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(),
                                   classification=Level.SECRET, secrecy_years=5,
                                   sign_off_leader=office.other_leader)
    services.outgoing_submit(actor=office.drafter, document=doc)
    with pytest.raises(ValidationError, match="涉密等级不能办理该密级的事项"):
        _walk(doc, until_key=doctypes.SIGN_OFF)
    assert all(s.assignee != office.other_leader for s in pending(doc))
    # A step forced onto him anyway is refused at the act, by key.
    step = pending(doc)[0]
    type(step).objects.filter(pk=step.pk).update(assignee=office.other_leader,
                                                 stage_key=doctypes.SIGN_OFF)
    step.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.outgoing_act(actor=office.other_leader, document=doc, step=step, action="agree")


def test_a_version_that_drops_or_duplicates_a_required_key_is_refused(renamed):
    office = renamed
    template = RouteTemplate.objects.get(code="outgoing-tongzhi")
    stages = _stages_of(template)
    without_sign_off = [s for s in stages if s["key"] != doctypes.SIGN_OFF]
    with pytest.raises(WorkflowError, match="必须保留以下环节：签发"):
        workflow.template_update(actor=office.secretary, template=template, name=template.name,
                                 stages=without_sign_off)
    twice = [*stages[:5], {**stages[4], "name": "再签发"}, *stages[5:]]
    with pytest.raises(WorkflowError, match="环节标识“sign_off”出现了两次"):
        workflow.template_update(actor=office.secretary, template=template, name=template.name,
                                 stages=twice)
    # Numbering moved before sign-off would number unsigned documents.
    keys = [s["key"] for s in stages]
    numbering = stages[keys.index(doctypes.NUMBERING)]
    reordered = [s for s in stages if s["key"] != doctypes.NUMBERING]
    reordered.insert(keys.index(doctypes.SIGN_OFF), numbering)
    with pytest.raises(WorkflowError, match="环节顺序不符合规定"):
        workflow.template_update(actor=office.secretary, template=template, name=template.name,
                                 stages=reordered)
    # A key that belongs to no purpose is refused; a stage the office adds gets its own.
    with pytest.raises(WorkflowError, match="不属于发文审批"):
        workflow.template_update(actor=office.secretary, template=template, name=template.name,
                                 stages=[*stages[:-1], {**stages[-1], "key": "approve_all"}])
    added = {**stages[2], "key": "", "name": "法规室审核"}
    version = workflow.template_update(actor=office.secretary, template=template,
                                       name=template.name, stages=[*stages[:3], added, *stages[3:]])
    assert version.stages.get(name="法规室审核").key == "custom-1"
    assert template.current_version.number == 3


def test_no_reviewing_stage_of_any_default_template_goes_to_the_drafter(office):
    """The drafter heads his department, is a secretary of the issuing office, heads the
    countersigning unit and is named to sign off: the engine never gives him a stage
    that reviews his own draft — another takes it, or the route stops and says why."""
    office.dept.head = office.drafter
    office.dept.leader_in_charge = office.other_leader
    office.dept.save()
    office.drafter.roles.add(*office.drafter.roles.model.objects.filter(code=RoleCode.SECRETARY))
    for kind in doctypes.KINDS:
        spec = notice_spec(title=f"关于测试{kind.name}的{kind.name}")
        if kind.single_main_recipient:
            spec["main_recipients"] = "示例市委"
        if kind.contact_in_notes:
            spec["notes"] = "联系人：陈科员，电话：0771-1234567"
        if not kind.seal:
            spec["seal"] = False
        doc = services.outgoing_create(actor=office.drafter, doc_type=kind.name, spec=spec,
                                       sign_off_leader=office.leader)
        services.outgoing_submit(actor=office.drafter, document=doc)
        route = services.current_route(doc)
        purpose = routing.PURPOSE
        stopped = ""
        for _ in range(40):
            steps = pending(doc)
            if not steps:
                break
            for step in steps:
                meaning = purpose.key(step.stage_key)
                if meaning is not None and meaning.reviews and not meaning.author:
                    assert step.assignee != office.drafter, (kind.name, step.stage_name)
                try:
                    services.outgoing_act(actor=step.assignee, document=doc, step=step,
                                          action="agree")
                except WorkflowError as exc:
                    stopped = "；".join(exc.messages)
                    break
            if stopped:
                break
        # Here the office's only secretary is the drafter himself: 核稿 has nobody else,
        # so the route stops there and says why, rather than letting him review.
        assert "陈科员是拟稿人，不能审核本人起草的事项" in stopped, (kind.name, stopped)
        assert "核稿" in stopped
        assert not route.steps.exclude(stage_key__in=routing.CLERICAL | {doctypes.DRAFTING}).filter(
            assignee=office.drafter).exists(), kind.name
        # His own department's review went to the leader in charge of the department (the
        # agreement itself rolled back with the refused 核稿: it waits for him still).
        assert list(route.steps.filter(stage_key=doctypes.DEPARTMENT_REVIEW).values_list(
            "assignee", flat=True)) == [office.other_leader.pk], kind.name


def test_a_reviewing_step_cannot_be_transferred_to_the_drafter(office):
    # The office lets its department review be transferred (转办).
    office.secretary.roles.add(*office.secretary.roles.model.objects.filter(
        code=RoleCode.OFFICE_DIRECTOR))
    template = routing.ensure_template(doctypes.BY_NAME["通知"])
    stages = _stages_of(template)
    stages[1]["actions"] = [*stages[1]["actions"], "transfer"]
    workflow.template_update(actor=office.secretary, template=template, name=template.name,
                             stages=stages)
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec(),
                                   sign_off_leader=office.leader)
    services.outgoing_submit(actor=office.drafter, document=doc)
    [step] = pending(doc)
    assert step.stage_key == doctypes.DEPARTMENT_REVIEW and step.assignee == office.head
    with pytest.raises(WorkflowError, match="拟稿人，不能办理审核本人起草事项的环节"):
        workflow.step_act(actor=office.head, step=step, action="transfer", target=office.drafter)
    assert [s.assignee for s in pending(doc)] == [office.head]
    workflow.step_act(actor=office.head, step=step, action="transfer", target=office.colleague)
    assert [s.assignee for s in pending(doc)] == [office.colleague]
