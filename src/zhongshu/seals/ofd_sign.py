"""Sign an OFD package per GB/T 38540 / GB/T 33190 §18, and check one.

The package gains (for the n-th signature)::

    OFD.xml                              DocBody/Signatures → Doc_0/Signs/Signatures.xml
    Doc_0/Signs/Signatures.xml           MaxSignId, one <Signature Type="Seal"> per seal
    Doc_0/Signs/Sign_n/Seal.esl          the organ's electronic seal (SESeal, DER)
    Doc_0/Signs/Sign_n/Signature.xml     SignedInfo: provider, SM2-with-SM3, time, the SM3
                                         digest of every protected file, the StampAnnot(s)
                                         (page, box in mm) and the seal
    Doc_0/Signs/Sign_n/SignedValue.dat   SES_Signature over the SM3 digest of Signature.xml

Every file of the package is protected except Signatures.xml (which later seals append
to) and the signature's own Signature.xml and SignedValue.dat. A joint issue is signed
once per organ, each signature over everything before it (earlier seals included).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from . import crypto, ses
from .keys import OrganKey, SealFacts, read_seal
from .zipform import check_canonical, write_canonical

NS = "http://www.ofdspec.org/2016"
_Q = f"{{{NS}}}"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
SIGNS_DIR = "Doc_0/Signs"
SIGNATURES = f"{SIGNS_DIR}/Signatures.xml"
PROVIDER = "中枢 Zhongshu"


class OfdSignError(ValueError):
    pass


@dataclass(frozen=True)
class SealPlace:
    """Where a seal shows: the page's index and its box in millimetres."""

    page: int
    x: float
    y: float
    w: float
    h: float


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _read(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {info.filename: zf.read(info.filename) for info in zf.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError) as exc:
        raise OfdSignError(f"不是完整的 OFD 文件（{exc}）") from exc


def _write(files: dict[str, bytes]) -> bytes:
    """The package in its one canonical ZIP form, OFD.xml first (see ``zipform``)."""
    ordered = {"OFD.xml": files["OFD.xml"], **{n: c for n, c in files.items() if n != "OFD.xml"}}
    return write_canonical(ordered)


def _page_ids(files: dict[str, bytes]) -> list[str]:
    root = etree.fromstring(files["Doc_0/Document.xml"])
    return [p.get("ID") for p in root.iter(f"{_Q}Page")]


def _with_signatures_entry(ofd_xml: bytes) -> bytes:
    text = ofd_xml.decode()
    if "<ofd:Signatures>" in text:
        return ofd_xml
    # DocBody's order: DocInfo, DocRoot, Versions, Signatures.
    text = text.replace("</ofd:DocRoot>", f"</ofd:DocRoot><ofd:Signatures>{SIGNATURES}</ofd:Signatures>", 1)
    return text.encode()


def sign_ofd(data: bytes, key: OrganKey, places: list[SealPlace], *, when: dt.datetime) -> bytes:
    """``data`` signed with ``key``'s seal, its appearance at ``places``."""
    files = _read(data)
    if "OFD.xml" not in files or "Doc_0/Document.xml" not in files:
        raise OfdSignError("OFD 文件缺少 OFD.xml 或 Doc_0/Document.xml")
    files["OFD.xml"] = _with_signatures_entry(files["OFD.xml"])
    existing = []
    if SIGNATURES in files:
        root = etree.fromstring(files[SIGNATURES])
        existing = [(s.get("ID"), s.get("Type", "Seal"), s.get("BaseLoc")) for s in root.iter(f"{_Q}Signature")]
    n = len(existing)
    folder = f"{SIGNS_DIR}/Sign_{n}"
    files[f"{folder}/Seal.esl"] = key.seal_esl
    signature_xml = f"{folder}/Signature.xml"
    signed_value = f"{folder}/SignedValue.dat"
    page_ids = _page_ids(files)
    refs = "".join(
        f'<ofd:Reference FileRef={quoteattr("/" + name)}><ofd:CheckValue>'
        f"{base64.b64encode(crypto.sm3(content)).decode()}</ofd:CheckValue></ofd:Reference>"
        for name, content in files.items() if name != SIGNATURES)
    annots = []
    for i, place in enumerate(places, start=1):
        if not 0 <= place.page < len(page_ids):
            raise OfdSignError(f"印章位置在第 {place.page + 1} 页，文件只有 {len(page_ids)} 页")
        annots.append(f'<ofd:StampAnnot ID="{i}" PageRef="{page_ids[place.page]}" '
                      f'Boundary="{_n(place.x)} {_n(place.y)} {_n(place.w)} {_n(place.h)}"/>')
    utc = when.astimezone(dt.UTC)
    files[signature_xml] = (
        f'{HEAD}<ofd:Signature xmlns:ofd="{NS}"><ofd:SignedInfo>'
        f'<ofd:Provider ProviderName={quoteattr(PROVIDER)} Version="1.0" Company={quoteattr(PROVIDER)}/>'
        f"<ofd:SignatureMethod>{crypto.OID_SM2_WITH_SM3}</ofd:SignatureMethod>"
        f"<ofd:SignatureDateTime>{utc:%Y%m%d%H%M%S}Z</ofd:SignatureDateTime>"
        f'<ofd:References CheckMethod="{crypto.OID_SM3}">{refs}</ofd:References>'
        f'{"".join(annots)}'
        f"<ofd:Seal><ofd:BaseLoc>/{folder}/Seal.esl</ofd:BaseLoc></ofd:Seal>"
        f"</ofd:SignedInfo><ofd:SignedValue>/{signed_value}</ofd:SignedValue></ofd:Signature>"
    ).encode()
    tbs = ses.TBSSign({"version": ses.VERSION, "eseal": ses.SESeal.load(key.seal_esl), "time_info": utc,
                       "data_hash": crypto.sm3(files[signature_xml]), "property_info": "/" + signature_xml})
    signature = crypto.sm2_sign(key.sm2_private_hex, key.sm2_public_hex, tbs.dump())
    files[signed_value] = ses.SESSignature({
        "to_sign": tbs, "cert": key.sm2_cert, "signature_alg_id": crypto.OID_SM2_WITH_SM3,
        "signature": signature}).dump()
    entries = "".join(f'<ofd:Signature ID="{escape(i or "")}" Type="{escape(t)}" BaseLoc={quoteattr(b or "")}/>'
                      for i, t, b in existing)
    entries += f'<ofd:Signature ID="{n + 1}" Type="Seal" BaseLoc="/{signature_xml}"/>'
    files[SIGNATURES] = (f'{HEAD}<ofd:Signatures xmlns:ofd="{NS}"><ofd:MaxSignId>{n + 1}</ofd:MaxSignId>'
                         f"{entries}</ofd:Signatures>").encode()
    return _write(files)


# --- verification ----------------------------------------------------------------------------

@dataclass
class SignatureCheck:
    """One signature of a file as found: who, when, and what fails (nothing: it holds)."""

    index: int
    organ: str = ""
    es_id: str = ""
    signed_at: dt.datetime | None = None
    cert: bytes = b""
    valid_start: dt.datetime | None = None
    valid_end: dt.datetime | None = None
    covers_whole_file: bool = False
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _path(loc: str, base: str = "") -> str:
    loc = loc.strip()
    if loc.startswith("/"):
        return loc[1:]
    return f"{base}/{loc}" if base else loc


def verify_ofd(data: bytes) -> list[SignatureCheck]:
    """Every signature of an OFD checked on its own: the digest of each file it protects,
    the SM2 signature over Signature.xml, the seal and its maker's signature, the time
    within the seal's validity. Raises OfdSignError if the file is no readable OFD."""
    files = _read(data)
    if "OFD.xml" not in files:
        raise OfdSignError("OFD 文件缺少 OFD.xml")
    try:
        ofd = etree.fromstring(files["OFD.xml"])
    except etree.XMLSyntaxError as exc:
        raise OfdSignError(f"OFD.xml 无法解析（{exc}）") from exc
    checks: list[SignatureCheck] = []
    for loc in ofd.iter(f"{_Q}Signatures"):
        path = _path(loc.text or "")
        if path not in files:
            raise OfdSignError(f"签名列表 {path} 不在文件中")
        try:
            listing = etree.fromstring(files[path])
        except etree.XMLSyntaxError as exc:
            raise OfdSignError(f"签名列表无法解析（{exc}）") from exc
        base = path.rsplit("/", 1)[0]
        for entry in listing.iter(f"{_Q}Signature"):
            checks.append(_check_one(files, _path(entry.get("BaseLoc", ""), base), len(checks) + 1))
    if checks and not check_canonical(data):
        # A ZIP header, time stamp, attribute or comment changed after sealing.
        checks[-1].problems.append("文件容器（ZIP）在签章后已被改动")
    return checks


def _check_one(files: dict[str, bytes], signature_path: str, index: int) -> SignatureCheck:
    check = SignatureCheck(index=index)
    if signature_path not in files:
        check.problems.append(f"签名文件 {signature_path} 缺失")
        return check
    try:
        root = etree.fromstring(files[signature_path])
    except etree.XMLSyntaxError:
        check.problems.append("签名描述文件（Signature.xml）已损坏")
        return check
    base = signature_path.rsplit("/", 1)[0]
    covered = set()
    altered = []
    for ref in root.iter(f"{_Q}Reference"):
        name = _path(ref.get("FileRef", ""))
        covered.add(name)
        value = ref.findtext(f"{_Q}CheckValue") or ""
        try:
            expected = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            expected = b""
        if name not in files:
            altered.append(f"{name}（已被删除）")
        elif crypto.sm3(files[name]) != expected:
            altered.append(name)
    if altered:
        check.problems.append("文件内容已被改动：" + "、".join(altered))
    protected_after = {n for n in files if n != "Doc_0/Signs/Signatures.xml" and not n.startswith(base + "/")}
    added = sorted(protected_after - covered)
    check.covers_whole_file = not added
    # Later seals add their own files under Signs/; anything else unprotected is an addition.
    outside = [n for n in added if not n.startswith(SIGNS_DIR + "/")]
    if outside:
        check.problems.append("文件中加入了未受签名保护的内容：" + "、".join(outside))
    value_path = _path(root.findtext(f"{_Q}SignedValue") or "", base)
    if value_path not in files:
        check.problems.append("签名值（SignedValue.dat）缺失")
        return check
    try:
        signature = ses.SESSignature.load(files[value_path])
        tbs = signature["to_sign"]
        seal = tbs["eseal"]
        facts = read_seal(seal)
        cert = signature["cert"].native
        info = crypto.sm2_certificate_info(cert)
        signed_at = tbs["time_info"].native
        data_hash = tbs["data_hash"].native
        signature_value = signature["signature"].native
        tbs_der = tbs.dump()  # as stored: asn1crypto keeps the bytes it parsed
    except (ValueError, TypeError, KeyError) as exc:
        check.problems.append(f"签名值无法解析（{exc}）")
        return check
    check.organ, check.es_id, check.signed_at, check.cert = facts.name, facts.es_id, signed_at, cert
    check.valid_start, check.valid_end = facts.valid_start, facts.valid_end
    try:
        _check_values(check, files[signature_path], seal, facts, info, tbs_der, data_hash, signature_value)
    except (ValueError, TypeError, KeyError) as exc:
        check.problems.append(f"签名值无法解析（{exc}）")
    return check


def _check_values(check: SignatureCheck, signature_xml: bytes, seal: ses.SESeal, facts: SealFacts,
                  info: crypto.CertInfo, tbs_der: bytes, data_hash: bytes, signature_value: bytes) -> None:
    signed_at, cert = check.signed_at, check.cert
    if data_hash != crypto.sm3(signature_xml):
        check.problems.append("签名描述文件（Signature.xml）已被改动")
    if not crypto.sm2_verify(info.public_hex, tbs_der, signature_value):
        check.problems.append("SM2 签名值验证失败")
    if not facts.maker_signature_ok:
        check.problems.append("电子印章数据的制章签名验证失败")
    if signed_at is not None and not (facts.valid_start <= signed_at <= facts.valid_end):
        check.problems.append("签章时印章不在有效期内")
    if signed_at is not None and not (info.not_before <= signed_at <= info.not_after):
        check.problems.append("签章时证书不在有效期内")
    if seal["cert"].native != cert and cert not in [c.native for c in seal["seal_info"]["property"]["cert_list"]]:
        check.problems.append("签章者证书与印章不符")


def strip_signatures(data: bytes) -> bytes:
    """The package without its signatures (for tests and for re-signing a corrected copy)."""
    files = _read(data)
    files = {n: c for n, c in files.items() if not n.startswith(SIGNS_DIR + "/")}
    files["OFD.xml"] = re.sub(rb"<ofd:Signatures>[^<]*</ofd:Signatures>", b"", files["OFD.xml"])
    return _write(files)
