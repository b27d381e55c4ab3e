"""The seals' cryptography: SM2 signatures with SM3 (GB/T 32918, GB/T 32905) for OFD
(GB/T 38540), ECDSA P-256 certificates for PDF (PAdES, which PDF readers verify), and the
encryption of private keys at rest (SM4-CBC with an HMAC-SM3 tag).

SM2 comes from ``gmssl`` (pure Python); its own nonce generator uses ``random``, so every
signature here passes a nonce drawn from ``secrets``. Certificates with SM2 keys are built
with ``asn1crypto`` (``cryptography`` has no SM2)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from asn1crypto import algos, core, keys, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from gmssl import sm2 as _sm2
from gmssl import sm3 as _sm3
from gmssl import sm4 as _sm4

# GM/T 0006 object identifiers.
OID_SM2_CURVE = "1.2.156.10197.1.301"
OID_SM3 = "1.2.156.10197.1.401"
OID_SM2_WITH_SM3 = "1.2.156.10197.1.501"
_TABLE = _sm2.default_ecc_table
_N = int(_TABLE["n"], 16)


def _has_hashlib_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_NATIVE_SM3 = _has_hashlib_sm3()


def sm3(data: bytes) -> bytes:
    """SM3 digest: OpenSSL's where it has it (fast), gmssl's otherwise (same result)."""
    if _NATIVE_SM3:
        return hashlib.new("sm3", data).digest()
    return bytes.fromhex(_sm3.sm3_hash(list(data)))


# --- SM2 ------------------------------------------------------------------------------------

def _crypt(private_hex: str, public_hex: str) -> _sm2.CryptSM2:
    crypt = _sm2.CryptSM2(private_key=private_hex, public_key="00")
    # gmssl strips a leading "04" with lstrip, which eats more than the prefix when x
    # starts with 0 or 4: set the raw x‖y ourselves.
    crypt.public_key = public_hex
    return crypt


def sm2_generate() -> tuple[str, str]:
    """A new SM2 key pair: private d and public x‖y, both as hex."""
    d = secrets.randbelow(_N - 2) + 1
    private_hex = f"{d:064x}"
    public_hex = _crypt(private_hex, "00")._kg(d, _TABLE["g"])
    return private_hex, public_hex


def sm2_sign(private_hex: str, public_hex: str, data: bytes) -> bytes:
    """SM2 signature with SM3 over ``data`` (Z computed with the default ID
    1234567812345678, as GM/T 0009 says), DER-encoded SEQUENCE {r, s}."""
    crypt = _crypt(private_hex, public_hex)
    while True:
        nonce = f"{secrets.randbelow(_N - 1) + 1:064x}"
        raw = crypt.sign_with_sm3(data, nonce)
        if raw:
            r, s = int(raw[:64], 16), int(raw[64:], 16)
            return algos.DSASignature({"r": r, "s": s}).dump()


def sm2_verify(public_hex: str, data: bytes, signature_der: bytes) -> bool:
    try:
        parsed = algos.DSASignature.load(signature_der)
        r, s = parsed["r"].native, parsed["s"].native
    except (ValueError, TypeError, KeyError):
        return False
    if not (0 < r < _N and 0 < s < _N):
        return False
    crypt = _crypt("00", public_hex)
    try:
        return bool(crypt.verify_with_sm3(f"{r:064x}{s:064x}", data))
    except (ValueError, TypeError):
        return False


# --- certificates ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Subject:
    organ_code: str
    name: str


def _name(subject: Subject) -> x509.Name:
    return x509.Name.build({"country_name": "CN", "organization_name": subject.name,
                            "organizational_unit_name": "电子印章",
                            "common_name": f"{subject.name}（{subject.organ_code}）"}, use_printable=False)


def _time(value: dt.datetime) -> x509.Time:
    return x509.Time({"utc_time" if value.year < 2050 else "general_time": value})


def sm2_certificate(subject: Subject, private_hex: str, public_hex: str, serial: int,
                    not_before: dt.datetime, not_after: dt.datetime) -> bytes:
    """A self-issued X.509 v3 certificate of an organ's SM2 signing key (DER), signed
    with SM2-with-SM3: the organ's seal certificate inside the OFD signature."""
    name = _name(subject)
    tbs = x509.TbsCertificate({
        "version": "v3", "serial_number": serial,
        "signature": {"algorithm": OID_SM2_WITH_SM3},
        "issuer": name, "subject": name,
        "validity": {"not_before": _time(not_before), "not_after": _time(not_after)},
        "subject_public_key_info": {
            "algorithm": {"algorithm": "ec", "parameters": keys.ECDomainParameters(
                name="named", value=OID_SM2_CURVE)},
            "public_key": bytes.fromhex("04" + public_hex)},
        "extensions": [
            {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": False}},
            {"extn_id": "key_usage", "critical": True,
             "extn_value": {"digital_signature", "non_repudiation"}},
        ],
    })
    signature = sm2_sign(private_hex, public_hex, tbs.dump())
    cert = x509.Certificate({"tbs_certificate": tbs, "signature_algorithm": {"algorithm": OID_SM2_WITH_SM3},
                             "signature_value": signature})
    return cert.dump()


@dataclass(frozen=True)
class CertInfo:
    public_hex: str
    not_before: dt.datetime
    not_after: dt.datetime
    subject: str
    serial: int


def sm2_certificate_info(der: bytes) -> CertInfo:
    """The SM2 public key and validity of a certificate; ValueError if it is not one."""
    cert = x509.Certificate.load(der)
    tbs = cert["tbs_certificate"]
    spki = tbs["subject_public_key_info"]
    point = spki["public_key"].native
    if not isinstance(point, bytes) or len(point) != 65 or point[0] != 4:
        raise ValueError("不是 SM2 公钥证书")
    validity = tbs["validity"]
    return CertInfo(public_hex=point[1:].hex(), not_before=validity["not_before"].native,
                    not_after=validity["not_after"].native,
                    subject=tbs["subject"].human_friendly, serial=tbs["serial_number"].native)


def sm2_certificate_verify(der: bytes) -> bool:
    """A self-issued SM2 certificate's own signature holds."""
    cert = x509.Certificate.load(der)
    info = sm2_certificate_info(der)
    return sm2_verify(info.public_hex, cert["tbs_certificate"].dump(), cert["signature_value"].native)


def ecdsa_certificate(subject: Subject, serial: int, not_before: dt.datetime,
                      not_after: dt.datetime) -> tuple[bytes, bytes]:
    """A new ECDSA P-256 key and its self-issued certificate, for PAdES signatures that
    every PDF reader can check (PDF readers know no SM2). Returns (PKCS#8 DER key, cert DER)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = cx509.Name([cx509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                       cx509.NameAttribute(NameOID.ORGANIZATION_NAME, subject.name),
                       cx509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "电子印章"),
                       cx509.NameAttribute(NameOID.COMMON_NAME, f"{subject.name}（{subject.organ_code}）")])
    cert = (cx509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(serial)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(cx509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(cx509.KeyUsage(digital_signature=True, content_commitment=True,
                                          key_encipherment=False, data_encipherment=False,
                                          key_agreement=False, key_cert_sign=False, crl_sign=False,
                                          encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return key_der, cert.public_bytes(serialization.Encoding.DER)


def fingerprint(cert_der: bytes) -> str:
    """How a certificate is found again: the SM3 digest of its DER, hex."""
    return sm3(cert_der).hex()


# --- private keys at rest --------------------------------------------------------------------

_MAGIC = b"ZSK1"


class KeyDecryptError(ValueError):
    pass


def _keys(secret: str) -> tuple[bytes, bytes]:
    root = hmac.new(secret.encode(), b"zhongshu.seals.private-keys", hashlib.sha256).digest()
    enc = hmac.new(root, b"sm4", hashlib.sha256).digest()[:16]
    mac = hmac.new(root, b"mac", hashlib.sha256).digest()
    return enc, mac


def _mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, "sm3" if _NATIVE_SM3 else "sha256").digest()


def encrypt_private(secret: str, plain: bytes) -> str:
    """SM4-CBC under a key derived from ``secret``, then an HMAC tag over all of it
    (encrypt-then-MAC); base64 text for a database column."""
    enc, mac = _keys(secret)
    iv = secrets.token_bytes(16)
    cipher = _sm4.CryptSM4()
    cipher.set_key(enc, _sm4.SM4_ENCRYPT)
    body = _MAGIC + iv + cipher.crypt_cbc(iv, plain)
    return base64.b64encode(body + _mac(mac, body)).decode()


def decrypt_private(secret: str, stored: str) -> bytes:
    enc, mac = _keys(secret)
    try:
        raw = base64.b64decode(stored.encode(), validate=True)
    except ValueError as exc:
        raise KeyDecryptError("私钥密文已损坏") from exc
    body, tag = raw[:-32], raw[-32:]
    if not body.startswith(_MAGIC) or not hmac.compare_digest(tag, _mac(mac, body)):
        raise KeyDecryptError("私钥无法解密：密钥不符或密文已被改动")
    iv = body[4:20]
    cipher = _sm4.CryptSM4()
    cipher.set_key(enc, _sm4.SM4_DECRYPT)
    return cipher.crypt_cbc(iv, body[20:])


__all__ = ["OID_SM2_CURVE", "OID_SM2_WITH_SM3", "OID_SM3", "CertInfo", "KeyDecryptError", "Subject",
           "core", "decrypt_private", "ecdsa_certificate", "encrypt_private", "fingerprint", "sm2_certificate",
           "sm2_certificate_info", "sm2_certificate_verify", "sm2_generate", "sm2_sign", "sm2_verify", "sm3"]
