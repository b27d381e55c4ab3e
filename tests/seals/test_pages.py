"""The seal pages as the security administrator, the confidential clerk and others meet them."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from zhongshu.audit.models import AuditEvent
from zhongshu.seals.events import SealEvent
from zhongshu.seals.models import KeyStatus, Seal, SealKey, SealStatus

pytestmark = pytest.mark.django_db


def _png(size=(300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (230, 0, 18, 255)).save(out, "PNG")
    return out.getvalue()


def _upload(data: bytes, name="seal.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def test_security_admin_sees_the_register(client, secadmin, demo_seals):
    client.force_login(secadmin)
    body = client.get(reverse("seals:list")).content.decode()
    assert "中共示例市委员会" in body and "中共示例市委办公室" in body
    assert "<code>sw</code>" in body and "制作印章" in body
    body = client.get(reverse("seals:list"), {"q": "办公室"}).content.decode()
    assert "中共示例市委办公室" in body and "<code>sw</code>" not in body


def test_clerk_sees_the_register_but_may_not_make_seals(client, clerk, demo_seals):
    client.force_login(clerk)
    body = client.get(reverse("seals:list")).content.decode()
    assert "中共示例市委员会" in body and "制作印章" not in body
    assert client.get(reverse("seals:create")).status_code == 403
    seal = Seal.objects.get(organ_code="sw")
    detail = client.get(reverse("seals:detail", args=[seal.pk])).content.decode()
    assert "sw-1" in detail and "停用印章" not in detail
    assert client.post(reverse("seals:revoke", args=[seal.pk]), {"reason": "x"}).status_code == 403
    assert Seal.objects.get(pk=seal.pk).status == SealStatus.ACTIVE


def test_others_may_not_open_the_pages(client, staff, demo_seals):
    client.force_login(staff)
    seal = Seal.objects.get(organ_code="sw")
    for url in (reverse("seals:list"), reverse("seals:detail", args=[seal.pk]), reverse("seals:image", args=[seal.pk]),
                reverse("seals:revocations")):
        response = client.get(url)
        assert response.status_code == 403
        assert "中共示例市委员会" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client, demo_seals):
    response = client.get(reverse("seals:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_make_a_seal_with_a_drawn_image(client, secadmin):
    client.force_login(secadmin)
    form = client.get(reverse("seals:create")).content.decode()
    assert "机关代码" in form and 'class="req"' in form
    response = client.post(reverse("seals:create"), {"organ_code": "szf", "name": "示例市人民政府",
                                                     "valid_until": "2031-12-31"}, follow=True)
    body = response.content.decode()
    assert "已为“示例市人民政府”制作电子印章" in body and "szf-1" in body and "按印章名称生成" in body
    seal = Seal.objects.get(organ_code="szf")
    assert bytes(seal.image).startswith(b"\x89PNG") and not seal.image_uploaded
    image = client.get(reverse("seals:image", args=[seal.pk]))
    assert image["Content-Type"] == "image/png" and image.content == bytes(seal.image)
    assert AuditEvent.objects.filter(action=SealEvent.CREATE, actor_id=secadmin.pk).exists()


def test_make_a_seal_with_an_uploaded_image(client, secadmin):
    client.force_login(secadmin)
    png = _png()
    client.post(reverse("seals:create"), {"organ_code": "rd", "name": "示例市人大常委会办公厅", "image": _upload(png)})
    seal = Seal.objects.get(organ_code="rd")
    assert bytes(seal.image) == png and seal.image_uploaded


@pytest.mark.parametrize(("data", "message"), [
    ({"organ_code": "SW 1", "name": "甲"}, "机关代码须以小写字母开头"),
    ({"organ_code": "sw", "name": "另一个市委"}, "机关代码“sw”已有印章"),
    ({"organ_code": "x1", "name": ""}, "这个字段是必填项"),
    ({"organ_code": "x2", "name": "甲", "valid_until": "2000-01-01"}, "有效期须晚于今天"),
    ({"organ_code": "x3", "name": "甲", "valid_until": "明年"}, "输入一个有效的日期"),
])
def test_bad_input_gets_a_chinese_message_and_changes_nothing(client, secadmin, demo_seals, data, message):
    client.force_login(secadmin)
    response = client.post(reverse("seals:create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Seal.objects.count() == 2


def test_a_bad_image_is_refused(client, secadmin):
    client.force_login(secadmin)
    response = client.post(reverse("seals:create"), {"organ_code": "x", "name": "甲",
                                                     "image": _upload(b"GIF89a not a png", "a.gif")})
    assert "PNG" in response.content.decode() and not Seal.objects.exists()
    response = client.post(reverse("seals:create"), {"organ_code": "x", "name": "甲",
                                                     "image": _upload(_png((400, 100)))})
    assert "接近正方形" in response.content.decode() and not Seal.objects.exists()


def test_rotate_the_key(client, secadmin, demo_seals):
    client.force_login(secadmin)
    seal = Seal.objects.get(organ_code="sw")
    body = client.post(reverse("seals:rotate", args=[seal.pk]), {"reason": "年度更换"}, follow=True).content.decode()
    assert "已更换签章密钥" in body and "sw-2" in body and "已轮换" in body
    assert SealKey.objects.get(es_id="sw-1").status == KeyStatus.RETIRED
    body = client.post(reverse("seals:rotate", args=[seal.pk]), {"reason": ""}, follow=True).content.decode()
    assert "更换原因" in body and "这个字段是必填项" in body
    assert SealKey.objects.filter(seal=seal).count() == 2


def test_revoke_a_key_and_see_the_revocation_list(client, secadmin, demo_seals):
    client.force_login(secadmin)
    key = SealKey.objects.get(es_id="swb-1")
    body = client.post(reverse("seals:key_revoke", args=[key.pk]), {"reason": "私钥泄露"}, follow=True).content.decode()
    assert "已吊销密钥 swb-1" in body and "swb-2" in body
    body = client.get(reverse("seals:revocations")).content.decode()
    assert "swb-1" in body and "私钥泄露" in body and "中共示例市委办公室" in body
    assert AuditEvent.objects.filter(action=SealEvent.KEY_REVOKE).count() == 1


def test_stop_a_seal(client, secadmin, demo_seals):
    client.force_login(secadmin)
    seal = Seal.objects.get(organ_code="sw")
    body = client.post(reverse("seals:revoke", args=[seal.pk]), {"reason": "机构调整"}, follow=True).content.decode()
    assert "已停用“中共示例市委员会”的印章" in body and "机构调整" in body
    assert "更换密钥" not in body.split("签章密钥")[-1].split("返回印章列表")[0].replace("更换密钥或印模", "")
    assert Seal.objects.get(pk=seal.pk).status == SealStatus.REVOKED
    body = client.post(reverse("seals:revoke", args=[seal.pk]), {"reason": "再次"}, follow=True).content.decode()
    assert "印章已停用" in body


def test_missing_seal_is_404(client, secadmin):
    client.force_login(secadmin)
    assert client.get(reverse("seals:detail", args=[9999])).status_code == 404


def test_the_menu_shows_seals_to_whom_may_see_them(client, clerk, staff, demo_seals):
    client.force_login(clerk)
    assert reverse("seals:list") in client.get(reverse("seals:list")).content.decode()
    client.force_login(staff)
    assert reverse("seals:list") not in client.get(reverse("home")).content.decode()
