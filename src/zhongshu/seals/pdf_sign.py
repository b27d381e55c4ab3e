"""Sign a PDF as PAdES (ETSI EN 319 142, baseline B-B) with pyHanko, and check one.

One signature per organ, each an incremental update over everything before it (a joint
issue is signed in issuing order). The seal itself is part of the page (the renderer
draws the organ's seal image at the place the layout computed); the signature's field is
named after the organ's code so a reader lists "Seal-sw", "Seal-swb". Keys are ECDSA
P-256 with SHA-256 (docs/decisions/1200): PDF readers verify those, none verifies SM2.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import warnings
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

with warnings.catch_warnings():
    # pyHanko imports DSA, which cryptography deprecates; we sign with ECDSA only.
    warnings.simplefilter("ignore")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko.stamp import NoOpStampStyle

from zhongshu.layout.geometry import PAGE_H

from .keys import OrganKey
from .ofd_sign import SealPlace

logging.getLogger("pyhanko").setLevel(logging.ERROR)


class PdfSignError(ValueError):
    pass


def field_name(organ_code: str) -> str:
    return f"Seal-{organ_code}"


PT_PER_MM = 72 / 25.4


def _widget_box(place: SealPlace) -> tuple[int, int, int, int]:
    """The seal's box in PDF user space (points, origin at the bottom left of an A4 page,
    as the renderer makes every page)."""
    x0, x1 = place.x * PT_PER_MM, (place.x + place.w) * PT_PER_MM
    top, bottom = place.y * PT_PER_MM, (place.y + place.h) * PT_PER_MM
    return round(x0), round(PAGE_H - bottom), round(x1), round(PAGE_H - top)


def sign_pdf(data: bytes, key: OrganKey, *, reason: str = "", place: SealPlace | None = None) -> bytes:
    """``data`` with one more PAdES signature, by ``key``. With ``place`` the signature's
    field lies over the seal (no appearance of its own: the seal on the page is it), so a
    reader shows the signature when the seal is clicked."""
    cert = asn1_x509.Certificate.load(key.ec_cert)
    signer = signers.SimpleSigner(signing_cert=cert,
                                  signing_key=asn1_keys.PrivateKeyInfo.load(key.ec_private_der),
                                  cert_registry=SimpleCertificateStore.from_certs([cert]))
    name = field_name(key.organ_code)
    meta = signers.PdfSignatureMetadata(field_name=name, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=reason or "电子印章", name=key.name)
    try:
        if place is not None:
            spec = fields.SigFieldSpec(name, on_page=place.page, box=_widget_box(place))
        else:
            spec = fields.SigFieldSpec(name)
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = signers.PdfSigner(meta, signer, stamp_style=NoOpStampStyle(), new_field_spec=spec).sign_pdf(writer)
    except (PdfError, ValueError, KeyError) as exc:
        raise PdfSignError(f"PDF 无法签章（{exc}）") from exc
    return out.getvalue()


@dataclass
class PdfSignatureCheck:
    index: int
    sig_field: str = ""
    organ: str = ""
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


def _contents_exact(data: bytes, sig: object) -> bool:
    """The bytes the signature does not cover (its own /Contents) are exactly the CMS value in
    hex and zero padding: a changed padding digit would otherwise go unseen."""
    from asn1crypto import cms

    try:
        start, length, after = sig.byte_range[0], sig.byte_range[1], sig.byte_range[2]  # type: ignore[attr-defined]
        raw = bytes(sig.sig_object.raw_get("/Contents"))  # type: ignore[attr-defined]
        der = cms.ContentInfo.load(raw, strict=False).dump()
    except (AttributeError, IndexError, TypeError, ValueError):
        return False
    gap = data[start + length:after]
    expected = b"<" + der.hex().encode() + b"0" * (len(gap) - 2 - 2 * len(der)) + b">"
    # Exactly, case included: hex digits are read in either case, so "a" and "A" are the
    # same value, but a changed byte is a changed file.
    return gap in (expected, expected.upper())


def verify_pdf(data: bytes) -> list[PdfSignatureCheck]:
    """Each signature: its digest over the bytes it covers, its signature by the
    certificate it carries (trusted here only as itself: the registry of seals decides
    whether that certificate is an organ's, see ``seals.verify``), and what it covers."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a readable PDF"
        raise PdfSignError(f"不是完整的 PDF 文件（{exc}）") from exc
    checks = []
    for i, sig in enumerate(embedded, start=1):
        check = PdfSignatureCheck(index=i, sig_field=sig.field_name or "")
        try:
            cert = sig.signer_cert
            check.cert = cert.dump()
            check.organ = cert.subject.native.get("organization_name", "")
            validity = cert["tbs_certificate"]["validity"]
            check.valid_start, check.valid_end = validity["not_before"].native, validity["not_after"].native
            context = ValidationContext(trust_roots=[cert], allow_fetching=False)
            status = validate_pdf_signature(sig, context)
        except Exception as exc:  # noqa: BLE001 - a broken signature dictionary
            check.problems.append(f"签名无法解析（{exc}）")
            checks.append(check)
            continue
        check.signed_at = status.signer_reported_dt
        if not _contents_exact(data, sig):
            check.problems.append("签名值的填充区已被改动")
        if not status.intact:
            check.problems.append("文件内容已被改动（摘要不符）")
        elif not status.valid:
            check.problems.append("签名值验证失败")
        check.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
            check.problems.append("签名未覆盖其所在版本的全部内容")
        checks.append(check)
    if checks and not checks[-1].covers_whole_file:
        # Bytes after the last signature: an edit made after sealing.
        last = checks[-1]
        last.problems.append("最后一次签章后文件又被改动")
    return checks
