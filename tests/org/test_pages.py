import pytest
from django.urls import reverse

from tests.factories import PersonFactory, UnitFactory
from zhongshu.org.models import Person, Unit, UnitKind


@pytest.mark.django_db
def test_unit_tree_lists_children_under_parents(admin_client):
    root = UnitFactory(name="示例市委", kind=UnitKind.ORGAN, sort_order=1)
    UnitFactory(name="乙处", parent=root, sort_order=2)
    UnitFactory(name="甲处", parent=root, sort_order=1)
    html = admin_client.get(reverse("org:unit_list")).content.decode()
    assert html.index("示例市委") < html.index("甲处") < html.index("乙处")
    assert "--depth: 1" in html


@pytest.mark.django_db
def test_unit_search_and_pagination(admin_client):
    for i in range(45):
        UnitFactory(name=f"搜索目标{i:02d}")
    UnitFactory(name="无关单位")
    page1 = admin_client.get(reverse("org:unit_list"), {"q": "搜索目标"}).content.decode()
    assert "第 1 / 2 页，共 45 条" in page1 and "无关单位" not in page1
    page2 = admin_client.get(reverse("org:unit_list"), {"q": "搜索目标", "page": 2}).content.decode()
    assert "搜索目标44" in page2


@pytest.mark.django_db
def test_create_unit_with_validation_messages(admin_client):
    response = admin_client.post(reverse("org:unit_create"), {"name": "", "code": "", "kind": "organ",
                                                              "sort_order": 1})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = admin_client.post(reverse("org:unit_create"), {
        "name": "新设处", "code": "NEW", "kind": "department", "sort_order": 5, "is_active": "on",
        "issuer_code": ""})
    assert response.status_code == 302
    assert Unit.objects.get(code="NEW").name == "新设处"


@pytest.mark.django_db
def test_unit_cannot_become_its_own_descendant(admin_client):
    parent = UnitFactory(name="上级")
    child = UnitFactory(name="下级", parent=parent)
    response = admin_client.post(reverse("org:unit_edit", args=[parent.pk]), {
        "name": "上级", "code": parent.code, "kind": parent.kind, "sort_order": 1,
        "parent": child.pk, "is_active": "on"})
    assert "上级单位不能是本单位或其下级单位" in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent_id is None


@pytest.mark.django_db
def test_person_search_filters_and_paginates(admin_client):
    unit = UnitFactory(name="信息处")
    for i in range(35):
        PersonFactory(full_name=f"张{i:02d}", unit=unit, roles=["information_officer"])
    PersonFactory(full_name="李四")
    html = admin_client.get(reverse("org:person_list"), {"unit": unit.pk}).content.decode()
    assert "第 1 / 2 页，共 35 条" in html and "李四" not in html
    html = admin_client.get(reverse("org:person_list"), {"q": "李四"}).content.decode()
    assert "李四" in html and "张00" not in html
    html = admin_client.get(reverse("org:person_list"), {"role": "information_officer", "page": 2}).content.decode()
    assert "张34" in html


@pytest.mark.django_db
def test_create_person_applies_password_policy(admin_client):
    unit = UnitFactory()
    data = {"username": "newbie", "full_name": "新同志", "unit": unit.pk, "position": "科员",
            "clearance": "general", "sort_order": 1, "is_active": "on", "roles": [],
            "password": "12345"}
    response = admin_client.post(reverse("org:person_create"), data)
    assert "密码太短" in response.content.decode()
    assert not Person.objects.filter(username="newbie").exists()
    data["password"] = "Good-Password-2026"
    assert admin_client.post(reverse("org:person_create"), data).status_code == 302
    person = Person.objects.get(username="newbie")
    assert person.check_password("Good-Password-2026") and person.unit == unit


@pytest.mark.django_db
def test_edit_person_roles(admin_client):
    person = PersonFactory()
    response = admin_client.post(reverse("org:person_edit", args=[person.pk]), {
        "username": person.username, "full_name": "改名", "unit": person.unit.pk,
        "clearance": "none", "sort_order": 1, "is_active": "on", "roles": [],
        "password": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "改名"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["org:unit_list", "org:unit_create", "org:person_list",
                                  "org:person_create", "org:import_start", "kernel:calendar"])
def test_system_pages_refuse_staff_without_the_role(client, staff, name):
    client.force_login(staff)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.django_db
def test_system_admin_sees_system_navigation(admin_client):
    html = admin_client.get(reverse("home")).content.decode()
    assert "系统管理" in html
