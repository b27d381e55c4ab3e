"""An organ's signing material in memory (decrypted only for the moment of signing), and
the making of its GB/T 38540 seal (``Seal.esl``). No Django here: the OFD and PDF signers
and verifiers use these plain objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import crypto, ses

SEAL_DIAMETER_MM = 42  # the usual organ seal, and the place the layout keeps for it


@dataclass(frozen=True)
class OrganKey:
    organ_code: str
    name: str
    es_id: str
    sm2_private_hex: str
    sm2_public_hex: str
    sm2_cert: bytes
    seal_esl: bytes
    ec_private_der: bytes
    ec_cert: bytes
    image_png: bytes


def make_seal(*, es_id: str, name: str, image_png: bytes, image_size: tuple[int, int],
              cert_der: bytes, private_hex: str, public_hex: str, created: dt.datetime,
              valid_start: dt.datetime, valid_end: dt.datetime) -> bytes:
    """The electronic seal (SESeal v4, DER): organ name, validity, the signer's
    certificate, the red seal picture; signed by the maker (here the organ's own SM2 key:
    the installation is its own seal maker)."""
    info = ses.SESSealInfo({
        "header": {"id": "ES", "version": ses.VERSION, "vid": "zhongshu"},
        "es_id": es_id,
        "property": {"type": ses.SEAL_TYPE_ORGAN, "name": name, "cert_list_type": ses.CERT_LIST_CERTS,
                     "cert_list": [cert_der], "create_date": created, "valid_start": valid_start,
                     "valid_end": valid_end},
        "picture": {"type": "PNG", "data": image_png, "width": image_size[0], "height": image_size[1]},
    })
    to_sign = ses.SESealToSign({"seal_info": info, "cert": cert_der, "sign_alg_id": crypto.OID_SM2_WITH_SM3})
    signed = crypto.sm2_sign(private_hex, public_hex, to_sign.dump())
    return ses.SESeal({"seal_info": info, "cert": cert_der, "sign_alg_id": crypto.OID_SM2_WITH_SM3,
                       "signed_value": signed}).dump()


@dataclass(frozen=True)
class SealFacts:
    """What a seal says about itself, once its maker's signature is checked."""

    es_id: str
    name: str
    valid_start: dt.datetime
    valid_end: dt.datetime
    picture: bytes
    maker_signature_ok: bool


def read_seal(seal: ses.SESeal) -> SealFacts:
    info = seal["seal_info"]
    prop = info["property"]
    cert = seal["cert"].native
    try:
        public = crypto.sm2_certificate_info(cert).public_hex
        to_sign = ses.SESealToSign({"seal_info": info, "cert": cert, "sign_alg_id": seal["sign_alg_id"].dotted})
        ok = crypto.sm2_verify(public, to_sign.dump(), seal["signed_value"].native)
    except ValueError:
        ok = False
    return SealFacts(es_id=info["es_id"].native, name=prop["name"].native,
                     valid_start=prop["valid_start"].native, valid_end=prop["valid_end"].native,
                     picture=info["picture"]["data"].native, maker_signature_ok=ok)
