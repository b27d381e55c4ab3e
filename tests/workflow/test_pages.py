import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.workflow.conftest import pending, start
from zhongshu.workflow.models import RouteTemplate, StepAction, StepStatus

pytestmark = pytest.mark.django_db


def stage_data(index, **fields):
    data = {"name": "", "mode": "single", "deadline_workdays": "", "actions": ["agree"],
            "delegable": "on", "ORDER": str(index + 1)}
    data.update(fields)
    return {f"stages-{index}-{k}": v for k, v in data.items()}


def editor_post(stages, initial=0, **template):
    data = {"stages-TOTAL_FORMS": str(len(stages)), "stages-INITIAL_FORMS": str(initial),
            "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "1000",
            "code": "review", "name": "审核流程", "description": "", "is_active": "on", "note": "",
            "purpose": "memo_approval"}
    data.update(template)
    for index, stage in enumerate(stages):
        data.update(stage_data(index, **stage))
    return data


def test_template_pages_are_for_the_office(client, org):
    client.force_login(PersonFactory())
    assert client.get(reverse("workflow:template_list")).status_code == 403
    assert client.get(reverse("workflow:template_create")).status_code == 403
    client.logout()
    assert client.get(reverse("workflow:template_list")).status_code == 302


def test_office_creates_and_versions_a_template_in_the_editor(client, director, org):
    client.force_login(director)
    units = org["units"]
    response = client.post(reverse("workflow:template_create"), editor_post([
        {"name": "处长审核", "dynamic": ["drafter_unit_head"], "deadline_workdays": "2"},
        {"name": "会签", "mode": "all", "unit_heads": [str(u.pk) for u in units],
         "actions": ["agree", "agree_opinion", "return"], "deadline_workdays": "3"},
    ]))
    assert response.status_code == 302, response.content.decode()
    template = RouteTemplate.objects.get(code="review")
    v1 = template.current_version
    assert v1.number == 1
    assert [(s.name, s.mode, s.deadline_workdays) for s in v1.stages.all()] == [
        ("处长审核", "single", 2), ("会签", "all", 3)]
    assert v1.stages.get(position=1).assignees == [{"kind": "unit_head", "unit": u.pk} for u in units]

    # The editor shows the current stages; saving makes version 2, reordered.
    page = client.get(reverse("workflow:template_edit", args=[template.pk])).content.decode()
    assert "处长审核" in page and "第 1 版" in page
    response = client.post(reverse("workflow:template_edit", args=[template.pk]), editor_post([
        {"name": "处长审核", "dynamic": ["drafter_unit_head"], "ORDER": "2"},
        {"name": "领导先阅", "persons": [str(org["leader"].pk)], "ORDER": "1"},
        {"name": "会签", "DELETE": "on"},
    ], initial=2, note="先送领导"))
    assert response.status_code == 302, response.content.decode()
    v2 = template.current_version
    assert v2.number == 2 and v2.note == "先送领导"
    assert [s.name for s in v2.stages.all()] == ["领导先阅", "处长审核"]
    assert [s.name for s in v1.stages.all()] == ["处长审核", "会签"], "version 1 is unchanged"

    listing = client.get(reverse("workflow:template_list")).content.decode()
    assert "第 2 版" in listing and "v1" in listing
    old = client.get(reverse("workflow:template_version", args=[template.pk, 1])).content.decode()
    assert "会签" in old and "财政局负责人" in old and "3 个工作日" in old


def test_editor_shows_the_services_refusal(client, director):
    client.force_login(director)
    response = client.post(reverse("workflow:template_create"), editor_post([
        {"name": "审核", "actions": ["reject"], "dynamic": ["drafter"]},
    ]))
    assert response.status_code == 200
    assert "至少要允许“同意”或“同意并附意见”" in response.content.decode()
    assert not RouteTemplate.objects.exists()


def test_route_page_shows_the_timeline_to_people_on_the_route(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    url = reverse("workflow:route_detail", args=[route.pk])
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404, "an outsider cannot tell the route exists"
    client.force_login(org["drafter"])
    page = client.get(url).content.decode()
    assert memo.title in page and "发文标准流程（第 1 版）" in page
    assert "办理：" not in page, "the drafter has nothing to do here"


def test_assignee_acts_from_the_route_page(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    url = reverse("workflow:route_detail", args=[route.pk])
    client.force_login(org["head"])
    page = client.get(url).content.decode()
    assert "办理：处长审核" in page
    response = client.post(reverse("workflow:route_act", args=[route.pk]),
                           {"action": StepAction.AGREE_WITH_OPINION, "text": "同意，请会签。"})
    assert response.status_code == 302
    route.refresh_from_db()
    assert route.current_position == 1
    # Sending it twice (a double click) changes nothing and says why.
    response = client.post(reverse("workflow:route_act", args=[route.pk]),
                           {"action": StepAction.AGREE}, follow=True)
    assert "没有待办理的环节" in response.content.decode()
    assert route.opinions.count() == 1


def test_a_return_is_visible_on_the_route_page(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    client.force_login(org["head"])
    client.post(reverse("workflow:route_act", args=[route.pk]), {"action": StepAction.AGREE})
    countersigner = pending(route)[0].assignee
    client.force_login(countersigner)
    response = client.post(reverse("workflow:route_act", args=[route.pk]),
                           {"action": StepAction.RETURN, "return_to": "0", "text": "数据需核实"},
                           follow=True)
    assert "已办理" in response.content.decode()
    client.force_login(org["head"])
    page = client.get(reverse("workflow:route_detail", args=[route.pk])).content.decode()
    assert "数据需核实" in page and "退回" in page and "办理：处长审核" in page
    assert route.steps.filter(assignee=org["head"], status=StepStatus.PENDING, round=1).exists()


def test_a_refused_action_is_explained(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    client.force_login(org["head"])
    client.post(reverse("workflow:route_act", args=[route.pk]), {"action": StepAction.AGREE})
    client.force_login(pending(route)[0].assignee)
    response = client.post(reverse("workflow:route_act", args=[route.pk]),
                           {"action": StepAction.REJECT, "text": ""}, follow=True)
    assert "须填写意见" in response.content.decode()


def test_outsider_cannot_act(client, standard_template, memo, org):
    route = start(memo, standard_template, org)
    client.force_login(PersonFactory())
    response = client.post(reverse("workflow:route_act", args=[route.pk]), {"action": "agree"})
    assert response.status_code == 404
    assert not route.opinions.exists()


def test_the_office_finds_the_templates_from_its_inbox(client, director):
    client.force_login(director)
    assert reverse("workflow:template_list") in client.get(reverse("inbox:home")).content.decode()
    client.force_login(PersonFactory())
    assert reverse("workflow:template_list") not in client.get(reverse("inbox:home")).content.decode()
