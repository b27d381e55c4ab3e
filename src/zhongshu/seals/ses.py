"""GB/T 38540-2020 structures (电子签章数据格式, version 4) in ASN.1, with asn1crypto.

    SESeal         ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING,
                                  signAlgID OBJECT IDENTIFIER, signedValue BIT STRING }
    SES_Signature  ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING,
                                  signatureAlgID OBJECT IDENTIFIER, signature BIT STRING,
                                  timeStamp [0] EXPLICIT BIT STRING OPTIONAL }
    TBS_Sign       ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo GeneralizedTime,
                                  dataHash BIT STRING, propertyInfo IA5String,
                                  extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }

The seal (``Seal.esl``) is made and signed once per organ key; the signature
(``SignedValue.dat``) signs TBS_Sign, whose ``dataHash`` is the SM3 digest of the OFD's
``Signature.xml`` (which lists the SM3 digest of every protected file)."""

from __future__ import annotations

from asn1crypto import core

VERSION = 4
SEAL_TYPE_ORGAN = 1  # 单位印章
CERT_LIST_CERTS = 1


class SESHeader(core.Sequence):
    _fields = [("id", core.IA5String), ("version", core.Integer), ("vid", core.IA5String)]


class CertInfoList(core.SequenceOf):
    _child_spec = core.OctetString


class SESPropertyInfo(core.Sequence):
    _fields = [("type", core.Integer), ("name", core.UTF8String), ("cert_list_type", core.Integer),
               ("cert_list", CertInfoList), ("create_date", core.GeneralizedTime),
               ("valid_start", core.GeneralizedTime), ("valid_end", core.GeneralizedTime)]


class SESPictureInfo(core.Sequence):
    # width and height in millimetres
    _fields = [("type", core.IA5String), ("data", core.OctetString), ("width", core.Integer),
               ("height", core.Integer)]


class ExtData(core.Sequence):
    _fields = [("extn_id", core.ObjectIdentifier), ("critical", core.Boolean, {"default": False}),
               ("extn_value", core.OctetString)]


class ExtensionDatas(core.SequenceOf):
    _child_spec = ExtData


class SESSealInfo(core.Sequence):
    _fields = [("header", SESHeader), ("es_id", core.IA5String), ("property", SESPropertyInfo),
               ("picture", SESPictureInfo), ("ext_datas", ExtensionDatas, {"optional": True})]


class SESealToSign(core.Sequence):
    """What the seal maker signs: the seal's information, its certificate, the algorithm."""

    _fields = [("seal_info", SESSealInfo), ("cert", core.OctetString), ("sign_alg_id", core.ObjectIdentifier)]


class SESeal(core.Sequence):
    _fields = [("seal_info", SESSealInfo), ("cert", core.OctetString), ("sign_alg_id", core.ObjectIdentifier),
               ("signed_value", core.OctetBitString)]


class TBSSign(core.Sequence):
    _fields = [("version", core.Integer), ("eseal", SESeal), ("time_info", core.GeneralizedTime),
               ("data_hash", core.OctetBitString), ("property_info", core.IA5String),
               ("ext_datas", ExtensionDatas, {"explicit": 0, "optional": True})]


class SESSignature(core.Sequence):
    _fields = [("to_sign", TBSSign), ("cert", core.OctetString), ("signature_alg_id", core.ObjectIdentifier),
               ("signature", core.OctetBitString),
               ("time_stamp", core.OctetBitString, {"explicit": 0, "optional": True})]
