"""Reads of the seals that leave the app."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import KeyStatus, Seal, SealKey, SealStatus


def seal_images(organ_codes: list[str]) -> list[bytes]:
    """Each organ's seal image (PNG), in the order given, for on-screen and print
    rendering (``layout.render(..., seal_images=…)``). An organ without a seal in use
    gets ``b""``: nothing is drawn there (GB/T 9704 7.3.5.1: never an empty seal)."""
    found = {s.organ_code: bytes(s.image) for s in Seal.objects.filter(organ_code__in=organ_codes,
                                                                       status=SealStatus.ACTIVE)}
    return [found.get(code, b"") for code in organ_codes]


def organ_codes_by_name(names: list[str]) -> list[str | None]:
    """The organ code of the seal in use named as each 署名 (the organ's full name)."""
    found = dict(Seal.objects.filter(name__in=names, status=SealStatus.ACTIVE).values_list("name", "organ_code"))
    return [found.get(name) for name in names]


def seal_list(*, q: str = "", status: str = "") -> QuerySet[Seal]:
    qs = Seal.objects.all()
    if q:
        qs = qs.filter(Q(organ_code__icontains=q) | Q(name__icontains=q))
    if status in SealStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("organ_code")


def seal_keys(seal: Seal) -> QuerySet[SealKey]:
    return seal.keys.order_by("-serial")


def revocation_list() -> QuerySet[SealKey]:
    """The revoked keys (吊销列表), newest first."""
    return SealKey.objects.filter(status=KeyStatus.REVOKED).select_related("seal").order_by("-revoked_at", "-pk")


def key_by_fingerprint(fingerprint: str) -> SealKey | None:
    return (SealKey.objects.select_related("seal")
            .filter(Q(sm2_fingerprint=fingerprint) | Q(ec_fingerprint=fingerprint)).first())
