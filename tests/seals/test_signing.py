"""Sealing an issued document (用印) and verifying it: OFD per GB/T 38540, PDF PAdES."""

import io
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from zhongshu.audit.models import AuditEvent
from zhongshu.seals import crypto, ses
from zhongshu.seals.events import SealEvent
from zhongshu.seals.models import KeyStatus, Seal, SealKey
from zhongshu.seals.selectors import revocation_list, seal_images
from zhongshu.seals.services import (
    SealError,
    seal_issued,
    seal_key_revoke,
    seal_key_rotate,
    seal_places,
    seal_revoke,
)
from zhongshu.seals.verify import verify_file

pytestmark = pytest.mark.django_db


def _flip(data: bytes, at: int) -> bytes:
    out = bytearray(data)
    out[at] ^= 0x01
    return bytes(out)


def _rezip(data: bytes, name: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            content = src.read(info.filename)
            zf.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


@pytest.fixture
def sealed(clerk, demo_seals, single_spec, single_files):
    pdf, ofd = single_files
    return seal_issued(actor=clerk, organ_codes=["swb"], pdf=pdf, ofd=ofd, spec=single_spec)


def test_seal_images_in_order_and_empty_for_unknown(demo_seals):
    images = seal_images(["swb", "nobody", "sw"])
    assert images[0].startswith(b"\x89PNG") and images[2].startswith(b"\x89PNG")
    assert images[1] == b""


def test_sealed_pdf_verifies(sealed):
    report = verify_file(sealed[0])
    assert report.ok, report
    [finding] = report.findings
    assert finding.organ == "中共示例市委办公室" and finding.organ_code == "swb"
    assert finding.es_id == "swb-1" and finding.signed_at is not None


def test_sealed_ofd_verifies_and_has_the_gbt38540_structure(sealed, single_spec):
    ofd = sealed[1]
    report = verify_file(ofd)
    assert report.ok, report
    assert report.findings[0].organ_code == "swb"
    zf = zipfile.ZipFile(io.BytesIO(ofd))
    assert b"<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures>" in zf.read("OFD.xml")
    signature_xml = zf.read("Doc_0/Signs/Sign_0/Signature.xml").decode()
    assert "<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>" in signature_xml
    assert 'CheckMethod="1.2.156.10197.1.401"' in signature_xml
    assert 'FileRef="/Doc_0/Document.xml"' in signature_xml
    # the seal's appearance sits where the layout put the seal (42 mm round), on its page
    [[place]] = seal_places(single_spec, 1)
    annot = re.search(r'<ofd:StampAnnot ID="1" PageRef="(\d+)" Boundary="([^"]+)"/>', signature_xml)
    x, y, w, h = map(float, annot[2].split())
    assert abs(x - place.x) < 0.01 and abs(y - place.y) < 0.01
    assert abs(w - 42) < 0.05 and abs(h - 42) < 0.05
    pages = re.findall(r'<ofd:Page ID="(\d+)"', zf.read("Doc_0/Document.xml").decode())
    assert annot[1] == pages[place.page]
    value = ses.SESSignature.load(zf.read("Doc_0/Signs/Sign_0/SignedValue.dat"))
    assert value["to_sign"]["version"].native == 4
    assert value["to_sign"]["data_hash"].native == crypto.sm3(signature_xml.encode())
    assert value["to_sign"]["eseal"]["seal_info"]["property"]["name"].native == "中共示例市委办公室"
    assert value["to_sign"]["eseal"]["seal_info"]["picture"]["type"].native == "PNG"


def test_independent_reader_reads_the_sealed_ofd(sealed, single_spec):
    """ofdkit (an OFD reader of its own) reads the sealed package with its text intact."""
    import ofdkit

    text = ofdkit.extract_text(sealed[1])
    assert single_spec.doc_number in text
    assert "中共示范市委办公室" in text and "此件发至县级" in text


@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.8])
def test_one_byte_changed_in_the_pdf_fails(sealed, fraction):
    pdf = sealed[0]
    report = verify_file(_flip(pdf, int(len(pdf) * fraction)))
    assert not report.ok


def test_bytes_appended_to_the_pdf_fail(sealed):
    report = verify_file(sealed[0] + b"\n% added after sealing\n")
    assert not report.ok


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_one_byte_changed_in_the_ofd_file_fails(sealed, fraction):
    ofd = sealed[1]
    report = verify_file(_flip(ofd, int(len(ofd) * fraction)))
    assert not report.ok


def test_one_byte_changed_inside_a_page_of_the_ofd_fails(sealed):
    changed = _rezip(sealed[1], "Doc_0/Pages/Page_0/Content.xml", lambda c: c.replace("示".encode(), "市".encode(), 1))
    report = verify_file(changed)
    assert not report.ok
    assert any("Doc_0/Pages/Page_0/Content.xml" in p for p in report.findings[0].problems)


def test_a_file_added_to_the_ofd_fails(sealed):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(sealed[1])) as src, zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            zf.writestr(info.filename, src.read(info.filename))
        zf.writestr("Doc_0/Res/extra.png", b"\x89PNG")
    report = verify_file(out.getvalue())
    assert not report.ok and "未受签名保护" in " ".join(report.findings[0].problems)


def test_joint_issue_signs_once_per_organ_in_order(clerk, demo_seals, joint_spec, joint_files):
    pdf, ofd = joint_files
    signed_pdf, signed_ofd = seal_issued(actor=clerk, organ_codes=["sw", "swb"], pdf=pdf, ofd=ofd, spec=joint_spec)
    for data in (signed_pdf, signed_ofd):
        report = verify_file(data)
        assert report.ok, report
        assert [f.organ_code for f in report.findings] == ["sw", "swb"]
    zf = zipfile.ZipFile(io.BytesIO(signed_ofd))
    assert "<ofd:MaxSignId>2</ofd:MaxSignId>" in zf.read("Doc_0/Signs/Signatures.xml").decode()
    assert AuditEvent.objects.filter(action=SealEvent.APPLY).count() == 2


def test_revoked_seal_is_refused_and_the_refusal_audited(clerk, secadmin, demo_seals, single_spec, single_files):
    seal = Seal.objects.get(organ_code="swb")
    seal_revoke(actor=secadmin, seal=seal, reason="印章停用测试")
    with pytest.raises(SealError, match="已停用"):
        seal_issued(actor=clerk, organ_codes=["swb"], pdf=single_files[0], ofd=single_files[1], spec=single_spec)
    refused = AuditEvent.objects.get(action=SealEvent.APPLY_REFUSED)
    assert "已停用" in refused.details["reason"]
    assert not AuditEvent.objects.filter(action=SealEvent.APPLY).exists()


def test_unknown_organ_and_wrong_count_are_refused(clerk, demo_seals, single_spec, single_files):
    with pytest.raises(SealError, match="没有电子印章"):
        seal_issued(actor=clerk, organ_codes=["zz"], pdf=single_files[0], ofd=None, spec=single_spec)
    with pytest.raises(SealError, match="不符"):
        seal_issued(actor=clerk, organ_codes=["sw", "swb"], pdf=single_files[0], ofd=None, spec=single_spec)


def test_a_person_without_the_role_may_not_seal(staff, demo_seals, single_spec, single_files):
    with pytest.raises(PermissionDenied):
        seal_issued(actor=staff, organ_codes=["swb"], pdf=single_files[0], ofd=None, spec=single_spec)
    assert AuditEvent.objects.filter(action=SealEvent.APPLY_REFUSED, outcome="denied").exists()


def test_classified_title_stays_out_of_the_audit_details(sealed, single_spec):
    event = AuditEvent.objects.get(action=SealEvent.APPLY)
    assert single_spec.classification == "秘密"
    assert "title" not in event.details and event.classification == 2
    assert event.details["doc_number"] == single_spec.doc_number


def test_revoked_key_makes_what_it_signed_fail(sealed, secadmin):
    key = SealKey.objects.get(es_id="swb-1")
    seal_key_revoke(actor=secadmin, key=key, reason="私钥泄露")
    for data in sealed:
        report = verify_file(data)
        assert not report.ok
        assert "已吊销" in " ".join(report.findings[0].problems)
    assert list(revocation_list()) == [SealKey.objects.get(es_id="swb-1")]
    # the seal got a new key at once and still seals
    assert SealKey.objects.get(seal__organ_code="swb", status=KeyStatus.ACTIVE).es_id == "swb-2"


def test_rotation_keeps_old_signatures_valid(sealed, secadmin, clerk, single_spec, single_files):
    seal_key_rotate(actor=secadmin, seal=Seal.objects.get(organ_code="swb"), reason="年度更换")
    report = verify_file(sealed[1])
    assert report.ok and "已轮换" in " ".join(report.findings[0].notes)
    pdf, _ = seal_issued(actor=clerk, organ_codes=["swb"], pdf=single_files[0], ofd=None, spec=single_spec)
    assert verify_file(pdf).findings[0].es_id == "swb-2"


def test_a_seal_unknown_to_this_installation_fails(sealed):
    # as if the file had been sealed by another installation's key for "swb"
    SealKey.objects.filter(es_id="swb-1").update(sm2_fingerprint="0" * 64, ec_fingerprint="1" * 64)
    for data in sealed:
        report = verify_file(data)
        assert not report.ok and "未在本系统登记" in " ".join(report.findings[0].problems)


def test_unsigned_and_foreign_files_fail(single_files):
    assert verify_file(single_files[0]).error == "文件没有电子签章"
    assert verify_file(b"hello").error == "不是 PDF 或 OFD 文件"
    assert not verify_file(b"PK\x03\x04broken").ok


def test_private_keys_are_stored_encrypted(demo_seals):
    from django.conf import settings

    key = SealKey.objects.get(es_id="sw-1")
    assert len(key.sm2_private) > 64 and key.sm2_public not in key.sm2_private
    plain = crypto.decrypt_private(settings.SEALS_KEY or settings.SECRET_KEY, key.sm2_private).decode()
    assert len(plain) == 64 and plain not in key.sm2_private
    with pytest.raises(crypto.KeyDecryptError):
        crypto.decrypt_private("another-key", key.sm2_private)


def test_seal_changes_are_audited(secadmin, demo_seals):
    seal = Seal.objects.get(organ_code="sw")
    seal_key_rotate(actor=secadmin, seal=seal, reason="年度更换")
    seal_revoke(actor=secadmin, seal=seal, reason="机构调整")
    actions = list(AuditEvent.objects.filter(object_type="seals.seal").values_list("action", flat=True))
    assert actions.count(SealEvent.CREATE) == 2
    assert SealEvent.KEY_ROTATE in actions and SealEvent.REVOKE in actions


def test_pdf_signature_field_lies_over_the_seal(sealed, single_spec):
    import pymupdf

    from zhongshu.layout.engine import layout_document

    [(page, circle)] = layout_document(single_spec).seals()
    doc = pymupdf.open(stream=sealed[0], filetype="pdf")
    [widget] = list(doc[page].widgets())
    assert widget.field_name == "Seal-swb"
    assert abs(widget.rect.x0 - (circle.cx - circle.r)) < 1 and abs(widget.rect.y0 - (circle.cy - circle.r)) < 1
    assert abs(widget.rect.width - 2 * circle.r) < 1


@pytest.mark.parametrize("fmt", [0, 1], ids=["pdf", "ofd"])
def test_any_single_byte_changed_anywhere_fails(sealed, fmt):
    """Headers, time stamps, padding and data alike: 40 places spread over the whole file,
    each bit of the byte in turn."""
    data = sealed[fmt]
    for k in range(40):
        at = (len(data) - 1) * k // 39
        changed = bytearray(data)
        changed[at] ^= 1 << (k % 8)
        assert not verify_file(bytes(changed)).ok, (at, len(data))


def test_the_case_of_a_hex_digit_in_the_pdf_signature_counts(sealed):
    data = sealed[0]
    start = data.rindex(b"/Contents <") + len(b"/Contents <")
    at = next(i for i in range(start, start + 200) if data[i:i + 1].isalpha())
    changed = bytearray(data)
    changed[at] ^= 0x20  # "a" <-> "A": the same value, another byte
    assert not verify_file(bytes(changed)).ok
