"""Policy-matrix rows for the outgoing pages and the REST API, and the objects they need
in the matrix world: the secretary drafted a 通知 now waiting for the office head (the
leader persona) at 部门审核. Only those two are inside its need-to-know."""

from __future__ import annotations

from types import SimpleNamespace

from tests import uploads
from tests.access.matrix import Row, everyone, only, signed_in


def _task_of(incoming, person) -> int:
    from zhongshu.documents.incoming.selectors import tasks_of

    return tasks_of(incoming).get(person=person).pk

ANON = "anonymous"
# Who may draft: everyone who works in a unit, except the three administrators.
DRAFTERS = {"staff", "leader", "secretary", "clerk", "cleared_granted", "cleared_ungranted",
            "granted_uncleared", "flowadmin"}
# 发文机关: the office and the leaders see them; the office director keeps them (no persona
# here is one: the page refuses everyone else).
ORGAN_VIEWERS = {"leader", "secretary"}
REGISTER = {"leader", "secretary", "clerk"}
ON_ROUTE = {"secretary", "leader"}
# The issuing office sees its organ's 发文 by rule once it has left drafting: of the
# personas, the confidential clerk of the committee's office (state secrets too).
SEES = ON_ROUTE | {"clerk"}
# 收文 in the API, as on the pages: the office and the leaders keep the register; the
# matrix document waits for the office's 初审 (the secretary's and the clerk's task).
INCOMING_LISTERS = {"leader", "secretary", "clerk"}
INCOMING_ROUTE = {"secretary", "clerk"}
# Personal API tokens: everyone but the three administrators; the staff persona holds one.
TOKEN_HOLDERS = DRAFTERS


def api(status_signed_in: dict | int, anonymous: int = 401) -> dict:
    """API rows: anonymous callers get a 401 JSON error, not the sign-in redirect."""
    rows = only(status_signed_in, deny=404) if isinstance(status_signed_in, dict) else signed_in(status_signed_in)
    rows[ANON] = anonymous
    return rows


def _doc(w: SimpleNamespace) -> list:
    return [w.outgoing.pk]


def _file(w: SimpleNamespace) -> list:
    return [w.outgoing.pk, w.outgoing_attachment.pk]


ROWS: dict[str, Row] = {
    "documents:home": Row(get=signed_in()),
    "documents:register": Row(get=only(REGISTER)),
    # POST only: starts a background export and goes to its progress page.
    "documents:register_export": Row(get=signed_in(405), post=only(REGISTER, ok=302)),
    "documents:numbers": Row(get=only(REGISTER)),
    "documents:stats": Row(get=only({"leader", "secretary"})),
    "documents:stats_aggregates": Row(get=only({"leader", "secretary"})),
    # An empty POST gets the form back with its errors.
    "documents:create": Row(get=only(DRAFTERS), post=only(DRAFTERS)),
    # The body editor's buttons (htmx): the editor redrawn, for those who may draft / edit.
    "documents:create_body": Row(get=signed_in(405), post=only(DRAFTERS)),
    # Outside the need-to-know the document does not exist (404).
    "documents:detail": Row(get=only(SEES, deny=404), args=_doc),
    # The leader edits on their pending 部门审核 step; the drafter's turn is over (403).
    "documents:edit": Row(get=only({"leader": 200, "secretary": 403, "clerk": 403}, deny=404),
                          post=only({"leader": 200, "secretary": 403, "clerk": 403}, deny=404), args=_doc),
    "documents:edit_body": Row(get=signed_in(405),
                               post=only({"leader": 200, "secretary": 403, "clerk": 403}, deny=404),
                               args=_doc),
    "documents:submit": Row(get=signed_in(405), post=only({"secretary": 302, "leader": 403, "clerk": 403}, deny=404),
                            args=_doc),
    "documents:act": Row(get=signed_in(405), post=only({"secretary": 302, "leader": 302, "clerk": 302}, deny=404),
                         args=_doc),
    "documents:distribution": Row(get=signed_in(405), post=only({"secretary": 302, "leader": 403, "clerk": 403}, deny=404),
                                  args=_doc),
    # Not yet distributed, not yet numbered: refused to those who see it.
    "documents:chase": Row(get=signed_in(405), post=only({"secretary": 403, "leader": 403, "clerk": 403}, deny=404),
                           args=_doc),
    "documents:void_number": Row(get=signed_in(405), post=only({"secretary": 403, "leader": 403, "clerk": 403},
                                                                    deny=404),
                                 args=_doc),
    # 印发, 预留文号, 撤回: the matrix document waits at 部门审核 with the leader, so none of
    # them applies yet (refused to those who see it); 发文稿纸 to all who see it.
    "documents:issue": Row(get=signed_in(405), post=only({"secretary": 403, "leader": 403, "clerk": 403},
                                                             deny=404), args=_doc),
    # The office's secretary may give the number ahead while it is on its way.
    "documents:reserve_number": Row(get=signed_in(405),
                                    post=only({"secretary": 302, "leader": 403, "clerk": 403}, deny=404),
                                    args=_doc),
    # The secretary sent it and the leader has not acted: she may take it back.
    "documents:withdraw": Row(get=signed_in(405),
                              post=only({"secretary": 302, "leader": 302, "clerk": 302}, deny=404), args=_doc),
    "documents:sheet": Row(get=only(SEES, deny=404), args=_doc),
    "documents:organ_list": Row(get=only(ORGAN_VIEWERS)),
    "documents:organ_create": Row(get=only({}), post=only({})),
    "documents:organ_detail": Row(get=only(ORGAN_VIEWERS), args=lambda w: [w.organ.pk]),
    "documents:organ_edit": Row(get=only({}), post=only({}), args=lambda w: [w.organ.pk]),
    # Refused inside the view with a message (302) to viewers who may not sign or manage.
    "documents:signer_add": Row(get=signed_in(405), post=only({"leader": 302, "secretary": 302}),
                                args=lambda w: [w.organ.pk]),
    "documents:signer_remove": Row(get=signed_in(405), post=only({"leader": 302, "secretary": 302}),
                                   args=lambda w: [w.organ.pk, w.sign_authority.pk]),
    "documents:download": Row(get=only(SEES, deny=404), args=lambda w: [w.outgoing.pk, "pdf"]),
    # Attachment files: whoever may edit adds and removes (the empty upload is sent back
    # to the page with its message), everyone who sees the document downloads.
    "documents:attachment_add": Row(get=signed_in(405),
                                    post=only({"leader": 302, "secretary": 403, "clerk": 403}, deny=404),
                                    args=_doc),
    "documents:attachment_remove": Row(get=signed_in(405),
                                       post=only({"leader": 302, "secretary": 403, "clerk": 403}, deny=404),
                                       args=_file),
    "documents:attachment_download": Row(get=only(SEES, deny=404), args=_file),
    # --- the REST API ---
    # /api/ only names the prefix (django-ninja answers 404 there outside DEBUG).
    "api:api-root": Row(get=everyone(404)),
    "api:openapi-json": Row(get=everyone(200)),
    "api:openapi-view": Row(get=signed_in()),  # Swagger UI: signed-in people only
    # The list shows each caller what they may see; an empty form POST is not the JSON
    # the operation takes (400). A method the path does not have is 405 even anonymously.
    "api:outgoing_list": Row(get=api(200), post=api(400)),
    "api:outgoing_create": Row(get=api(200), post=api(400)),
    "api:outgoing_detail": Row(get=api({"secretary": 200, "leader": 200, "clerk": 200}), post=everyone(405), args=_doc),
    "api:outgoing_save": Row(get=everyone(405), post=api(400), args=_doc),
    "api:outgoing_submit": Row(get=everyone(405), post=api({"secretary": 400, "leader": 403, "clerk": 403}),
                              args=_doc),
    "api:outgoing_act": Row(get=everyone(405), post=api(400), args=_doc),
    "api:outgoing_download": Row(get=api({"secretary": 200, "leader": 200, "clerk": 200}), args=_doc),
    # An empty form has no file: the schema refuses it (422) before anything is looked up.
    "api:outgoing_attachment_add": Row(get=everyone(405), post=api(422), args=_doc),
    "api:outgoing_attachment_download": Row(get=api({"secretary": 200, "leader": 200, "clerk": 200}),
                                            args=_file),
    # 收文 through the API: the register is refused (403) to those without it; a document
    # outside the caller's need-to-know is 404, as on the pages.
    "api:incoming_list": Row(get={**only(INCOMING_LISTERS), ANON: 401}, post=everyone(405)),
    "api:incoming_detail": Row(get=api(dict.fromkeys(INCOMING_ROUTE, 200)), post=everyone(405),
                               args=lambda w: [w.incoming.pk]),
    # An empty form POST is not the JSON the operation takes (400).
    "api:incoming_act": Row(get=everyone(405), post=api(400),
                            args=lambda w: [w.incoming.pk, _task_of(w.incoming, w.secretary)]),
    "api:incoming_decide": Row(get=everyone(405), post=api(400), args=lambda w: [w.incoming.pk, 0]),
    "api:incoming_download": Row(get=api(dict.fromkeys(INCOMING_ROUTE, 200)),
                                 args=lambda w: [w.incoming.pk, w.incoming.files.get().pk]),
    # --- personal API tokens (from the profile page) ---
    # Everyone sees their own list; the three administrators may not create tokens (403);
    # an empty POST gets the form back with its errors.
    "tokens:list": Row(get=signed_in(), post=only(TOKEN_HOLDERS)),
    # Someone else's token is invisible (404); only its holder revokes it.
    "tokens:revoke": Row(get=signed_in(405), post=only({"staff": 302}, deny=404),
                         args=lambda w: [w.api_token.pk]),
}


def add_to_world(w: SimpleNamespace) -> None:
    from tests.documents.conftest import notice_spec
    from zhongshu.api import services as token_services
    from zhongshu.documents import services
    from zhongshu.documents.models import IssuingOrgan, SignAuthority

    w.office.issuer_code = "办发"
    w.office.save()
    w.organ = IssuingOrgan.objects.create(code="bgs", unit=w.office, name="办公室", header_mark="办公室文件",
                                          issuer_code="办发", printing_office="办公室")
    w.sign_authority = SignAuthority.objects.create(organ=w.organ, person=w.leader)
    w.outgoing = services.outgoing_create(actor=w.secretary, doc_type="通知",
                                          spec=notice_spec("关于矩阵测试的通知"))
    w.outgoing_attachment = services.outgoing_attachment_add(
        actor=w.secretary, document=w.outgoing, name="附件.pdf", data=uploads.pdf("矩阵"))
    services.outgoing_submit(actor=w.secretary, document=w.outgoing)
    w.api_token = token_services.token_create(actor=w.staff, name="矩阵测试").token
