"""Walk an incoming document to a given stage through the services."""

from tests import uploads
from zhongshu.documents.incoming import services

PDF = uploads.pdf("来文扫描件")


def register(org, **kw):
    args = dict(actor=org.secretary, recipient_unit=org.committee, title="关于申请专项经费的请示",
                doc_type="请示", doc_number="测区委〔2026〕9号", sender_unit=org.sub,
                urgency="normal", files=[("请示.pdf", PDF)])
    args.update(kw)
    return services.incoming_register(**args)


def to_proposing(org, **kw):
    doc = register(org, **kw)
    return services.incoming_intake_check(actor=kw.get("actor", org.secretary), incoming=doc,
                                          accept=True)


def to_instructing(org, **kw):
    doc = to_proposing(org, **kw)
    return services.incoming_propose(actor=org.director, incoming=doc, opinion="拟请书记阅示。",
                                     leader=org.leader)


def to_assigning(org, **kw):
    doc = to_instructing(org, **kw)
    services.incoming_instruct(actor=org.leader, incoming=doc, kind="actionable",
                               text="请督查处研究办理。")
    doc.refresh_from_db()
    return doc


def to_handling(org, workdays=5, **kw):
    doc = to_assigning(org, **kw)
    return services.incoming_assign(actor=org.secretary, incoming=doc, handling_unit=org.dept,
                                    workdays=workdays)
