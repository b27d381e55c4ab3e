"""Every write of the seals, each checked against the policy and audited in its own
transaction; and the one entry point for sealing an issued document (用印):

    seal_issued(*, actor, organ_codes, pdf, ofd, spec) -> (signed PDF, signed OFD or None)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhongshu.access.classification import Level
from zhongshu.access.policy import can
from zhongshu.audit.models import Outcome
from zhongshu.audit.services import record

from . import crypto, images
from .actions import SealAction
from .events import SealEvent
from .keys import SEAL_DIAMETER_MM, OrganKey, make_seal
from .models import KeyStatus, Seal, SealKey, SealStatus

if TYPE_CHECKING:
    from zhongshu.layout.spec import DocumentSpec
    from zhongshu.org.models import Person

ORGAN_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,29}$")
DEFAULT_YEARS = 5
_LEVELS = {"秘密": Level.CONFIDENTIAL, "机密": Level.SECRET, "绝密": Level.TOP_SECRET}


class SealError(ValueError):
    """A seal cannot be applied: the message says why, in Chinese."""


def _secret() -> str:
    return getattr(settings, "SEALS_KEY", "") or settings.SECRET_KEY


def _require(actor: Person | None, action: SealAction) -> None:
    if actor is not None and not can(actor, action):
        raise PermissionDenied


def _now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def _new_key(seal: Seal, *, valid_from: dt.datetime) -> SealKey:
    """Make a key pair of each kind, the organ's certificates and its electronic seal."""
    serial = (seal.keys.order_by("-serial").values_list("serial", flat=True).first() or 0) + 1
    subject = crypto.Subject(seal.organ_code, seal.name)
    es_id = f"{seal.organ_code}-{serial}"
    cert_serial = int.from_bytes(crypto.sm3(f"{es_id}{valid_from.isoformat()}".encode())[:8], "big")
    private_hex, public_hex = crypto.sm2_generate()
    sm2_cert = crypto.sm2_certificate(subject, private_hex, public_hex, cert_serial, valid_from, seal.valid_until)
    esl = make_seal(es_id=es_id, name=seal.name, image_png=bytes(seal.image),
                    image_size=(SEAL_DIAMETER_MM, SEAL_DIAMETER_MM), cert_der=sm2_cert,
                    private_hex=private_hex, public_hex=public_hex, created=valid_from,
                    valid_start=valid_from, valid_end=seal.valid_until)
    ec_private, ec_cert = crypto.ecdsa_certificate(subject, cert_serial, valid_from, seal.valid_until)
    secret = _secret()
    return SealKey.objects.create(
        seal=seal, serial=serial, es_id=es_id, status=KeyStatus.ACTIVE,
        sm2_private=crypto.encrypt_private(secret, private_hex.encode()), sm2_public=public_hex,
        sm2_cert=sm2_cert, sm2_fingerprint=crypto.fingerprint(sm2_cert), seal_esl=esl,
        ec_private=crypto.encrypt_private(secret, ec_private), ec_cert=ec_cert,
        ec_fingerprint=crypto.fingerprint(ec_cert), valid_from=valid_from, valid_until=seal.valid_until)


def _valid_until(value: dt.date | dt.datetime | None, start: dt.datetime) -> dt.datetime:
    if value is None:
        return start.replace(year=start.year + DEFAULT_YEARS)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    if value <= start:
        raise ValidationError({"valid_until": "有效期须晚于今天"})
    return value


def seal_create(*, actor: Person | None, organ_code: str, name: str,
                valid_until: dt.date | dt.datetime | None = None, image: bytes | None = None) -> Seal:
    """A new seal for an issuing organ, with its first key. ``image`` (PNG) is the
    uploaded impression; without it the red round seal is drawn from ``name``."""
    _require(actor, SealAction.MANAGE)
    organ_code = (organ_code or "").strip()
    name = (name or "").strip()
    if not ORGAN_CODE.match(organ_code):
        raise ValidationError({"organ_code": "机关代码须以小写字母开头，只含小写字母、数字、“-”和“_”，至多 30 个字符"})
    if not name:
        raise ValidationError({"name": "请填写印章名称（发文机关全称）"})
    if image:
        try:
            images.check_png(image)
        except ValueError as exc:
            raise ValidationError({"image": str(exc)}) from None
    start = _now()
    until = _valid_until(valid_until, start)
    try:
        with transaction.atomic():
            seal = Seal.objects.create(organ_code=organ_code, name=name[:100],
                                       image=image or images.draw_seal(name), image_uploaded=bool(image),
                                       valid_from=start, valid_until=until)
            key = _new_key(seal, valid_from=start)
            record(actor=actor, action=SealEvent.CREATE, obj=seal,
                   details={"organ_code": organ_code, "name": name, "valid_until": until,
                            "image_uploaded": bool(image), "key": key.es_id,
                            "sm2_fingerprint": key.sm2_fingerprint, "ec_fingerprint": key.ec_fingerprint})
    except IntegrityError:
        raise ValidationError({"organ_code": f"机关代码“{organ_code}”已有印章"}) from None
    return seal


def seal_key_rotate(*, actor: Person | None, seal: Seal, reason: str, image: bytes | None = None) -> SealKey:
    """A new key (and electronic seal) for ``seal``; the old key is retired: it signs no
    more, and what it signed still verifies. A new ``image`` is taken in the same step
    (the image is part of the electronic seal)."""
    _require(actor, SealAction.MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写更换密钥的原因"})
    if image:
        try:
            images.check_png(image)
        except ValueError as exc:
            raise ValidationError({"image": str(exc)}) from None
    with transaction.atomic():
        locked = Seal.objects.select_for_update().get(pk=seal.pk)
        if locked.status != SealStatus.ACTIVE:
            raise ValidationError("印章已停用，不能更换密钥")
        now = _now()
        if image:
            locked.image, locked.image_uploaded = image, True
            locked.save(update_fields=["image", "image_uploaded"])
        old = list(locked.keys.filter(status=KeyStatus.ACTIVE).values_list("es_id", flat=True))
        locked.keys.filter(status=KeyStatus.ACTIVE).update(status=KeyStatus.RETIRED, retired_at=now)
        key = _new_key(locked, valid_from=now)
        record(actor=actor, action=SealEvent.IMAGE_SET if image else SealEvent.KEY_ROTATE, obj=locked,
               details={"reason": reason, "retired": old, "key": key.es_id, "image_uploaded": bool(image),
                        "sm2_fingerprint": key.sm2_fingerprint, "ec_fingerprint": key.ec_fingerprint})
    seal.refresh_from_db()
    return key


def seal_key_revoke(*, actor: Person | None, key: SealKey, reason: str) -> SealKey:
    """Put one key on the revocation list: no signature made with it verifies any more.
    If it was the active key the seal gets a new one at once."""
    _require(actor, SealAction.MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写吊销原因"})
    with transaction.atomic():
        locked = SealKey.objects.select_for_update().select_related("seal").get(pk=key.pk)
        if locked.status == KeyStatus.REVOKED:
            raise ValidationError("该密钥已吊销")
        was_active = locked.status == KeyStatus.ACTIVE
        locked.status, locked.revoked_at, locked.revocation_reason = KeyStatus.REVOKED, _now(), reason[:200]
        locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
        replacement = None
        if was_active and locked.seal.status == SealStatus.ACTIVE:
            replacement = _new_key(locked.seal, valid_from=_now())
        record(actor=actor, action=SealEvent.KEY_REVOKE, obj=locked.seal,
               details={"key": locked.es_id, "reason": reason,
                        "replacement": replacement.es_id if replacement else None})
    return locked


def seal_revoke(*, actor: Person | None, seal: Seal, reason: str) -> Seal:
    """Stop a seal for good: it signs nothing more, and all its keys are revoked."""
    _require(actor, SealAction.MANAGE)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写停用原因"})
    with transaction.atomic():
        locked = Seal.objects.select_for_update().get(pk=seal.pk)
        if locked.status == SealStatus.REVOKED:
            raise ValidationError("印章已停用")
        now = _now()
        locked.status, locked.revoked_at, locked.revocation_reason = SealStatus.REVOKED, now, reason[:200]
        locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
        keys = list(locked.keys.exclude(status=KeyStatus.REVOKED).values_list("es_id", flat=True))
        locked.keys.exclude(status=KeyStatus.REVOKED).update(status=KeyStatus.REVOKED, revoked_at=now,
                                                             revocation_reason=reason[:200])
        record(actor=actor, action=SealEvent.REVOKE, obj=locked, details={"reason": reason, "keys": keys})
    seal.refresh_from_db()
    return seal


# --- applying seals (用印) -------------------------------------------------------------------

def _organ_key(code: str) -> OrganKey:
    seal = Seal.objects.filter(organ_code=code).first()
    if seal is None:
        raise SealError(f"机关代码“{code}”没有电子印章，请安全保密管理员先制作印章")
    if seal.status != SealStatus.ACTIVE:
        raise SealError(f"“{seal.name}”的印章已停用，不能用印")
    now = timezone.now()
    if not seal.valid_from <= now <= seal.valid_until:
        raise SealError(f"“{seal.name}”的印章不在有效期内（{seal.valid_from:%Y-%m-%d}至{seal.valid_until:%Y-%m-%d}）")
    key = seal.keys.filter(status=KeyStatus.ACTIVE).first()
    if key is None or not key.valid_from <= now <= key.valid_until:
        raise SealError(f"“{seal.name}”没有在用的签章密钥，请安全保密管理员更换密钥")
    secret = _secret()
    try:
        sm2_private = crypto.decrypt_private(secret, key.sm2_private).decode()
        ec_private = crypto.decrypt_private(secret, key.ec_private)
    except crypto.KeyDecryptError as exc:
        raise SealError(f"“{seal.name}”的私钥无法解密（{exc}）：请检查 ZHONGSHU_SEALS_KEY") from None
    return OrganKey(organ_code=code, name=seal.name, es_id=key.es_id, sm2_private_hex=sm2_private,
                    sm2_public_hex=key.sm2_public, sm2_cert=bytes(key.sm2_cert), seal_esl=bytes(key.seal_esl),
                    ec_private_der=ec_private, ec_cert=bytes(key.ec_cert), image_png=bytes(seal.image))


def seal_places(spec: DocumentSpec, count: int, *, words: Iterable[str] | None = None) -> list[list]:
    """Where each organ's seal goes, by the organ's index in the 署名: a list of
    ``SealPlace`` (page index, box in mm) per organ, as the layout engine places them
    (with the same extra ``words`` the document was rendered with)."""
    from zhongshu.layout.engine import layout_document

    from .ofd_sign import SealPlace

    mm = 25.4 / 72
    places: list[list] = [[] for _ in range(count)]
    for page, circle in layout_document(spec, words=words).seals():
        if 0 <= circle.issuer < count:
            places[circle.issuer].append(SealPlace(page, (circle.cx - circle.r) * mm, (circle.cy - circle.r) * mm,
                                                   2 * circle.r * mm, 2 * circle.r * mm))
    return places


def _document_details(spec: DocumentSpec) -> tuple[dict, int | None]:
    level = _LEVELS.get(spec.classification)
    details = {"doc_number": spec.doc_number, "doc_type": spec.doc_type}
    if level is None:  # a classified title never reaches the trail's readers below its level
        details["title"] = spec.title
    return details, (int(level) if level is not None else None)


def seal_issued(*, actor: Person | None, organ_codes: list[str], pdf: bytes, ofd: bytes | None,
                spec: DocumentSpec, words: Iterable[str] | None = None) -> tuple[bytes, bytes | None]:
    """Seal an issued document (用印): the PDF and, if given, the OFD. See ``seal_document``."""
    signed_pdf, signed_ofd = seal_document(actor=actor, organ_codes=organ_codes, pdf=pdf, ofd=ofd, spec=spec,
                                           words=words)
    return signed_pdf or pdf, signed_ofd


def seal_document(*, actor: Person | None, organ_codes: list[str], spec: DocumentSpec,
                  pdf: bytes | None = None, ofd: bytes | None = None,
                  words: Iterable[str] | None = None) -> tuple[bytes | None, bytes | None]:
    """Seal an issued document (用印): the PDF gets one PAdES signature per organ and
    the OFD one GB/T 38540 signature per organ, with the seal's appearance where the
    layout puts that organ's seal. ``organ_codes`` are in issuing order, one per 署名
    (joint issue: several). Render ``pdf`` and ``ofd`` with ``seal_images=
    selectors.seal_images(organ_codes)`` first so every reader shows the seals, and pass
    the ``words`` given to ``render`` (if any): the seal places are laid out again here.

    Raises ``PermissionDenied`` when ``actor`` may not use seals and ``SealError`` (a
    Chinese message) when a seal is missing, stopped or out of date; then nothing is
    signed, and the refusal is audited. ``actor=None`` is the system (``zhongshu render
    --seal`` run by the operator on the server)."""
    details, level = _document_details(spec)
    if actor is not None and not can(actor, SealAction.USE):
        record(actor=actor, action=SealEvent.APPLY_REFUSED, outcome=Outcome.DENIED,
               object_type="seals.document", object_repr=spec.doc_number, classification=level,
               details={**details, "organ_codes": list(organ_codes), "reason": "无用印权限"})
        raise PermissionDenied
    try:
        if not organ_codes:
            raise SealError("没有指定用印机关")
        if len(set(organ_codes)) != len(organ_codes):
            raise SealError("同一机关的印章只能用一次")
        if spec.signature and len(organ_codes) != len(spec.signature):
            raise SealError(f"用印机关 {len(organ_codes)} 个，与发文机关署名 {len(spec.signature)} 个不符")
        keys = [_organ_key(code) for code in organ_codes]
    except SealError as exc:
        record(actor=actor, action=SealEvent.APPLY_REFUSED, outcome=Outcome.FAILURE,
               object_type="seals.document", object_repr=spec.doc_number, classification=level,
               details={**details, "organ_codes": list(organ_codes), "reason": str(exc)})
        raise
    from .ofd_sign import sign_ofd
    from .pdf_sign import sign_pdf

    when = _now()
    places = seal_places(spec, len(keys), words=words)
    signed_pdf = pdf
    signed_ofd = ofd
    reason = f"{spec.doc_number} 用印" if spec.doc_number else "用印"
    for key, where in zip(keys, places, strict=True):
        if signed_pdf is not None:
            signed_pdf = sign_pdf(signed_pdf, key, reason=reason, place=where[0] if where else None)
        if signed_ofd is not None:
            signed_ofd = sign_ofd(signed_ofd, key, where, when=when)
    with transaction.atomic():
        for key, where in zip(keys, places, strict=True):
            record(actor=actor, action=SealEvent.APPLY, object_type="seals.seal", object_id=key.organ_code,
                   object_repr=key.name, classification=level,
                   details={**details, "organ_code": key.organ_code, "key": key.es_id,
                            "formats": [f for f, d in (("pdf", pdf), ("ofd", ofd)) if d is not None],
                            "pages": sorted({p.page + 1 for p in where}),
                            "joint": len(keys) > 1})
    return signed_pdf, signed_ofd
