"""The picker's dialog endpoints, the fields and the office's groups, as the user meets
them: fragments and pages, bodies asserted."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory, UnitFactory
from zhongshu.audit.models import AuditEvent
from zhongshu.org.models import PickGroup, PickKind, RecentPick, RoleCode, UnitKind
from zhongshu.org.pickers import PeopleField, PersonField, PickerScope, UnitField, UnitsField
from zhongshu.org.pickers import services as picker_services


@pytest.fixture
def org(db):
    organ = UnitFactory(name="中共示例市委员会", short_name="市委", code="SW", kind=UnitKind.ORGAN, sort_order=1)
    office = UnitFactory(name="市委办公室", code="BGS", kind=UnitKind.ORGAN, parent=organ, sort_order=1)
    ms1 = UnitFactory(name="秘书一处", code="MS1", parent=office, sort_order=1)
    district = UnitFactory(name="中共示例市东城区委员会", short_name="东城区委", code="DCQ",
                           kind=UnitKind.SUBORDINATE, parent=organ, sort_order=5)
    external = UnitFactory(name="示例省人民政府办公厅", short_name="省政府办公厅", code="EXT",
                           kind=UnitKind.EXTERNAL, sort_order=9)
    closed = UnitFactory(name="已撤销办", code="OLD", parent=office, is_active=False, sort_order=9)
    people = {
        "zhao": PersonFactory(username="zhaoxd", full_name="赵晓东", unit=ms1, position="处长",
                              roles=[RoleCode.SECRETARY]),
        "qian": PersonFactory(username="qianyi", full_name="钱一", unit=ms1),
        "gone": PersonFactory(username="gone", full_name="离岗人员", unit=ms1, is_active=False),
        "he": PersonFactory(username="lianluo01", full_name="何思远", unit=district),
        "admin": PersonFactory(username="sysadm", full_name="系统管理员许", unit=ms1,
                               roles=[RoleCode.SYSTEM_ADMIN]),
        "director": PersonFactory(username="zhuren", full_name="周文博", unit=office,
                                  roles=[RoleCode.OFFICE_DIRECTOR]),
    }
    return {"organ": organ, "office": office, "ms1": ms1, "district": district,
            "external": external, "closed": closed, **people}


def client_for(person) -> Client:
    c = Client()
    c.force_login(person)
    return c


def token(kind: str = PickKind.PEOPLE, **kw) -> str:
    return PickerScope(kind=kind, key=kw.pop("key", "test.pick"), **kw).token()


def get(c: Client, name: str, **params) -> str:
    r = c.get(reverse(f"org:{name}"), params)
    assert r.status_code == 200, r.content
    return r.content.decode()


def test_search_matches_name_account_and_unit_name(org):
    c = client_for(org["qian"])
    s = token()
    assert "赵晓东" in get(c, "pick_search", s=s, q="晓东")
    assert "赵晓东" in get(c, "pick_search", s=s, q="zhaoxd")
    by_unit = get(c, "pick_search", s=s, q="秘书一处")
    # The minor defect of issue 10: people search now matches unit names.
    assert "赵晓东" in by_unit and "钱一" in by_unit and "何思远" not in by_unit
    assert "何思远" in get(c, "pick_search", s=s, q="东城区委")
    empty = get(c, "pick_search", s=s, q="没有这个人")
    assert "没有找到与“没有这个人”相符的结果" in empty


def test_need_to_know_inactive_people_and_admin_accounts_are_never_listed(org):
    c = client_for(org["qian"])
    s = token()
    html = get(c, "pick_search", s=s, q="秘书一处")
    assert "离岗人员" not in html and "系统管理员许" not in html
    tree = get(c, "pick_tree", s=s, unit=org["ms1"].pk, level=3)
    assert "赵晓东" in tree and "离岗人员" not in tree and "系统管理员许" not in tree
    office = get(c, "pick_tree", s=s, unit=org["office"].pk, level=2)
    assert "秘书一处" in office and "已撤销办" not in office


def test_tree_is_lazy_and_marks_what_opens(org):
    c = client_for(org["qian"])
    dialog = get(c, "pick_dialog", s=token(), b="id_people")
    # The roots are shown, closed; their children come one level at a time.
    assert 'role="tree"' in dialog and 'aria-multiselectable="true"' in dialog
    assert re.search(rf'id="id_people-u{org["organ"].pk}"[^>]*aria-expanded="false"', dialog)
    assert "秘书一处" not in dialog
    level2 = get(c, "pick_tree", s=token(), b="id_people", unit=org["organ"].pk, level=2)
    assert "市委办公室" in level2 and "东城区委" in level2 and 'aria-level="2"' in level2
    # In a people picker units open but are not chosen themselves; people are.
    assert f'data-pick="{org["office"].pk}"' not in level2
    people = get(c, "pick_tree", s=token(), b="id_people", unit=org["ms1"].pk, level=4)
    assert f'data-pick="{org["zhao"].pk}"' in people and 'aria-selected="false"' in people


def test_unit_picker_internal_only_leaves_out_external_units(org):
    c = client_for(org["qian"])
    internal = token(PickKind.UNITS, internal_only=True)
    assert "省政府办公厅" not in get(c, "pick_search", s=internal, q="办公厅")
    assert "省政府办公厅" in get(c, "pick_search", s=token(PickKind.UNITS), q="办公厅")
    roots = get(c, "pick_dialog", s=internal)
    assert "省政府办公厅" not in roots and "市委" in roots
    assert "已撤销办" not in get(c, "pick_search", s=token(PickKind.UNITS), q="撤销")


def test_a_forged_or_missing_token_is_refused_with_a_chinese_message(org):
    c = client_for(org["qian"])
    r = c.get(reverse("org:pick_search"), {"s": "forged", "q": "赵"})
    assert r.status_code == 400 and "选择框已过期" in r.content.decode()
    r = c.get(reverse("org:pick_tree"), {"s": token(), "unit": "x"})
    assert r.status_code == 400


def test_recent_choices_are_kept_per_person_and_picker(org):
    c = client_for(org["qian"])
    s = token(key="documents.countersign")
    r = c.post(reverse("org:pick_recent"), {"s": s, "id": [org["zhao"].pk, org["gone"].pk]})
    assert r.status_code == 204
    r = c.post(reverse("org:pick_recent"), {"s": s, "id": [org["he"].pk]})
    row = RecentPick.objects.get(person=org["qian"], key="documents.countersign")
    # Most recent first; the inactive person was never offered, so never kept.
    assert row.ids == [org["he"].pk, org["zhao"].pk]
    dialog = get(c, "pick_dialog", s=s)
    recent = dialog.split("最近选择")[1]
    assert recent.index("何思远") < recent.index("赵晓东")
    # Another picker, another person: nothing.
    assert "暂无最近选择" in get(c, "pick_dialog", s=token(key="other"))
    assert "暂无最近选择" in get(client_for(org["zhao"]), "pick_dialog", s=s)


def test_groups_are_offered_with_active_members_only(org):
    picker_services.pick_group_save(actor=None, code="districts", name="各区县委", kind=PickKind.UNITS,
                                    units=[org["district"], org["closed"]])
    picker_services.pick_group_save(actor=None, code="team", name="处内同事", kind=PickKind.PEOPLE,
                                    people=[org["zhao"], org["gone"]])
    c = client_for(org["qian"])
    units = get(c, "pick_dialog", s=token(PickKind.UNITS))
    assert "添加“各区县委”" in units and "东城区委" in units and "已撤销办" not in units
    assert "处内同事" not in units
    people = get(c, "pick_dialog", s=token())
    assert "添加“处内同事”" in people and "离岗人员" not in people
    # A single picker offers no groups.
    single = get(c, "pick_dialog", s=token(multiple=False))
    assert "常用分组" not in single


def test_group_pages_for_the_office_director_audited(org):
    c = client_for(org["director"])
    assert "尚未设置常用分组" in get(c, "pick_group_list")
    r = c.post(reverse("org:pick_group_create"), {
        "name": "各区县委", "code": "districts", "kind": "units", "units": [org["district"].pk],
        "sort_order": 1, "is_active": "on"})
    assert r.status_code == 302
    group = PickGroup.objects.get(code="districts")
    assert list(group.units.all()) == [org["district"]]
    assert AuditEvent.objects.filter(action="org.pick_group.create", object_id=str(group.pk)).exists()
    html = get(c, "pick_group_list")
    assert "各区县委" in html and "districts" in html
    # Members must match the kind; the page says so and changes nothing.
    r = c.post(reverse("org:pick_group_edit", args=[group.pk]), {
        "name": "各区县委", "code": "districts", "kind": "units", "units": [], "sort_order": 1})
    assert "请至少选择一个单位" in r.content.decode()
    assert group.units.count() == 1
    # The edit page carries the picker, with the chosen unit as a chip.
    page = c.get(reverse("org:pick_group_edit", args=[group.pk])).content.decode()
    assert "data-picker" in page and f'data-pk="{org["district"].pk}"' in page
    # Someone who does not keep the organisation is refused.
    assert client_for(org["qian"]).get(reverse("org:pick_group_list")).status_code == 403


class _Form(forms.Form):
    people = PeopleField(label="会签人员", key="t.people")
    units = UnitsField(label="主送单位", internal_only=True, required=False)
    one = PersonField(label="加签给", required=False, roles=[RoleCode.SECRETARY])
    unit = UnitField(label="单位", required=False)


def test_fields_validate_like_model_choice_fields(org):
    form = _Form({"people": [org["zhao"].pk, org["qian"].pk], "units": [org["district"].pk],
                  "one": org["zhao"].pk, "unit": org["ms1"].pk})
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["people"]) == {org["zhao"], org["qian"]}
    assert form.cleaned_data["one"] == org["zhao"]
    bad = _Form({"people": [org["gone"].pk], "units": [org["external"].pk], "one": org["qian"].pk})
    assert not bad.is_valid()
    assert "不在可选范围内" in str(bad.errors["people"])
    assert "不在可选范围内" in str(bad.errors["units"])
    assert "one" in bad.errors  # 钱一 is no secretary
    assert "请至少选择一人" in str(_Form({}).errors["people"])
    with pytest.raises(TypeError):
        PeopleField(multiple=False)


def test_widget_renders_a_plain_select_and_the_dialog_shell(org):
    form = _Form(initial={"people": [org["zhao"].pk]})
    html = str(form["people"])
    # Without script: a labelled multi-select with the options and the choice.
    assert '<select name="people"' in html and "multiple" in html
    assert re.search(f'<option value="{org["zhao"].pk}" selected>赵晓东（秘书一处）', html)
    assert "离岗人员" not in html
    # With script: the button, the chips and a labelled modal dialog.
    assert 'aria-haspopup="dialog"' in html and 'aria-modal="true"' in html
    assert 'aria-labelledby="id_people-title"' in html and "选择人员（可多选）" in html
    assert 'aria-label="移除 赵晓东"' in html and "zhongshu/pickers.js" in html


class _Narrowed(forms.Form):
    leader = PersonField(label="签发领导", required=False)
    units = UnitsField(label="会签单位", required=False)

    def __init__(self, *args, only_person, only_unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # As documents' forms do: the form narrows the field after construction.
        self.fields["leader"].queryset = PersonField().queryset.filter(pk=only_person.pk)
        self.fields["units"].queryset = UnitsField().queryset.filter(pk=only_unit.pk)


def test_a_form_that_narrows_the_queryset_narrows_the_dialog_too(org):
    form = _Narrowed(only_person=org["zhao"], only_unit=org["district"])
    html = str(form["leader"])
    token_value = re.search(r'data-token="([^"]+)"', html).group(1)
    c = client_for(org["qian"])
    found = get(c, "pick_search", s=token_value, q="秘书一处")
    assert "赵晓东" in found and "钱一" not in found
    units_token = re.search(r'data-token="([^"]+)"', str(form["units"])).group(1)
    assert "东城区委" in get(c, "pick_search", s=units_token, q="委")
    assert "市委办公室" not in get(c, "pick_search", s=units_token, q="委")
    # Validation follows the same queryset.
    bad = _Narrowed({"leader": org["qian"].pk}, only_person=org["zhao"], only_unit=org["district"])
    assert not bad.is_valid() and "leader" in bad.errors
    # An unnarrowed field's token carries no ids.
    plain = _Form()
    plain_token = re.search(r'data-token="([^"]+)"', str(plain["people"])).group(1)
    assert PickerScope.load(plain_token).ids == ()


def test_the_people_list_of_the_system_admin_finds_people_by_unit_name(org):
    html = client_for(org["admin"]).get(reverse("org:person_list"), {"q": "东城区委"}).content.decode()
    assert "何思远" in html and "赵晓东" not in html


def test_a_large_organisation_renders_only_the_chosen_options(org, monkeypatch):
    from zhongshu.org.pickers import fields

    monkeypatch.setattr(fields, "FALLBACK_LIMIT", 2)
    html = str(_Form(initial={"people": [org["he"].pk]})["people"])
    assert "何思远" in html and "钱一" not in html
    assert "可选人员较多，请启用浏览器脚本后使用选择框" in html
