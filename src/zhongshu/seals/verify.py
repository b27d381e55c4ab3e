"""Check a sealed PDF or OFD: each signature's digests and value, and the seal it was made
with against this installation's register (known, in validity, not revoked).

    verify_file(data) -> Report   (report.ok: every signature holds and there is one)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import DatabaseError

from . import crypto
from .models import KeyStatus, SealStatus


@dataclass
class Finding:
    index: int
    organ: str
    organ_code: str = ""
    es_id: str = ""
    signed_at: dt.datetime | None = None
    valid_start: dt.datetime | None = None
    valid_end: dt.datetime | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    kind: str
    findings: list[Finding] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and bool(self.findings) and all(f.ok for f in self.findings)


def kind_of(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK"):
        return "ofd"
    return ""


def verify_file(data: bytes) -> Report:
    from .ofd_sign import OfdSignError, verify_ofd
    from .pdf_sign import PdfSignError, verify_pdf

    kind = kind_of(data)
    report = Report(kind=kind)
    if not kind:
        report.error = "不是 PDF 或 OFD 文件"
        return report
    try:
        checks = verify_pdf(data) if kind == "pdf" else verify_ofd(data)
    except (OfdSignError, PdfSignError) as exc:
        report.error = str(exc)
        return report
    if not checks:
        report.error = "文件没有电子签章"
        return report
    for check in checks:
        finding = Finding(index=check.index, organ=check.organ, es_id=getattr(check, "es_id", ""),
                          signed_at=check.signed_at, valid_start=check.valid_start, valid_end=check.valid_end,
                          problems=list(check.problems), notes=list(check.notes))
        _against_register(finding, check.cert)
        report.findings.append(finding)
    return report


def _against_register(finding: Finding, cert: bytes) -> None:
    from .selectors import key_by_fingerprint

    if not cert:
        finding.problems.append("签名中没有签章者证书")
        return
    try:
        key = key_by_fingerprint(crypto.fingerprint(cert))
    except DatabaseError:
        finding.notes.append("无法查询本系统的印章登记（数据库不可用）")
        finding.problems.append("无法确认印章是否登记、是否吊销")
        return
    if key is None:
        finding.problems.append("印章未在本系统登记：无法确认签章机关")
        return
    seal = key.seal
    finding.organ_code, finding.es_id = seal.organ_code, key.es_id
    if key.status == KeyStatus.REVOKED:
        when = f"{key.revoked_at:%Y-%m-%d}" if key.revoked_at else ""
        finding.problems.append(f"印章密钥已吊销（{when}，{key.revocation_reason or '未说明原因'}）")
    elif seal.status == SealStatus.REVOKED:
        finding.problems.append(f"印章已停用（{seal.revocation_reason or '未说明原因'}）")
    elif key.status == KeyStatus.RETIRED:
        finding.notes.append("签章所用密钥已轮换，签章时有效")
    if finding.signed_at is not None and not key.valid_from <= finding.signed_at <= key.valid_until:
        finding.problems.append("签章时间不在印章密钥的有效期内")
