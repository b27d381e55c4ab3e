"""No English or technical words where people read (issue 10, minor): no "Item slots", no
slot codes, no "v1", no Django stock help texts, no "---------", and every required field
marked with an asterisk by the site's one form rendering rule."""

import re

from django import forms
from django.urls import reverse

from zhongshu.documents import routing
from zhongshu.layout.spec import human_problem
from zhongshu.org.models import Unit


def test_the_workflow_editor_and_list_speak_the_offices_words(client, office):
    template = routing.ensure_all()[0]
    client.force_login(office.secretary)
    listing = client.get(reverse("workflow:template_list")).content.decode()
    assert not re.search(r">v\d+<", listing)
    editor = client.get(reverse("workflow:template_edit", args=[template.pk])).content.decode()
    text = re.sub(r"<[^>]+>", " ", editor)
    assert "Item slots" not in text and "Item slots" not in editor
    for code in ("（office）", "（sign_off）", "（countersign）"):
        assert code not in text
    assert "---------" not in editor


def test_the_person_form_has_no_stock_help_text_and_marks_required_fields(admin_client):
    page = admin_client.get(reverse("org:person_create")).content.decode()
    assert "150个字符" not in page and "@/./+/-/_" not in page
    assert "---------" not in page and "请选择" in page
    label = re.search(r'<label for="id_username">(.*?)</label>', page, re.S).group(1)
    assert 'class="req"' in label


def test_the_site_form_renderer_marks_required_fields_and_names_the_empty_choice():
    class Probe(forms.Form):
        title = forms.CharField(label="标题")
        note = forms.CharField(label="备注", required=False)
        unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False)

    html = str(Probe())
    assert re.search(r'<label for="id_title">标题<span class="req"', html)
    assert not re.search(r'<label for="id_note">备注<span class="req"', html)
    assert "请选择" in html and "---------" not in html


def test_spec_problems_name_the_field_in_chinese():
    assert human_problem("body：不能为空") == "正文：不能为空"
    assert human_problem("body[2].rows[1][0]：单元格应为文字") == "正文第 3 块表格第 2 行第 1 列：单元格应为文字"
    assert human_problem("title：缺少此项（必填）") == "标题：缺少此项（必填）"
    assert human_problem("文件无法读取") == "文件无法读取"


def test_the_password_change_says_the_rule_in_one_line(admin_client):
    page = admin_client.get(reverse("org:profile")).content.decode()
    assert "你的密码不能与你的其他个人信息太相似" not in page and "<li>密码至少需要" not in page
    assert "至少 10 位；不能与姓名、账号相近" in page
