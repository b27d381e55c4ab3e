"""收文 through the REST API, called as another system with a personal API token: the
register, one document, acting on one's open task, downloading a file."""

from __future__ import annotations

import pytest

from tests import uploads
from tests.documents.incoming.helpers import PDF, register, to_handling
from zhongshu.audit.models import AuditEvent
from zhongshu.documents.incoming.models import IncomingDocument, TaskKind
from zhongshu.documents.incoming.selectors import extensions_of, tasks_of

BASE = "/api/documents/incoming"


def task_of(caller, doc, kind):
    tasks = caller.get(f"{BASE}/{doc.pk}").json()["my_tasks"]
    return next(t for t in tasks if t["kind"] == kind)


def test_the_register_filters_like_the_page(org, bearer):
    doc = register(org)
    register(org, title="关于另一件事的函", doc_type="函")
    secretary = bearer(org.secretary)
    listed = secretary.get(BASE).json()
    assert listed["count"] == 2
    row = next(i for i in listed["items"] if i["id"] == doc.pk)
    assert row["receipt_number"] == doc.receipt_number and row["status"] == "intake"
    assert row["holders"][0]["step"] == "初审" and org.secretary.full_name in row["holders"][0]["people"]
    assert row["sender"] == org.sub.name and row["overdue"] is False
    assert [i["id"] for i in secretary.get(BASE, {"q": "专项经费"}).json()["items"]] == [doc.pk]
    assert secretary.get(BASE, {"doc_type": "函"}).json()["count"] == 1
    assert secretary.get(BASE, {"status": "completed"}).json()["count"] == 0
    assert secretary.get(BASE, {"limit": 1, "offset": 1}).json()["count"] == 2
    assert len(secretary.get(BASE, {"limit": 1, "offset": 1}).json()["items"]) == 1
    bad = secretary.get(BASE, {"status": "nonsense"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "状态" in bad.json()["message"]
    assert secretary.get(BASE, {"sort": "colour"}).status_code == 400


def test_a_token_sees_only_what_its_holder_may(org, bearer):
    doc = register(org)
    # The liaison officer keeps a register but is not in this document's need-to-know.
    liaison = bearer(org.liaison)
    assert liaison.get(BASE).json() == {"count": 0, "capped": False, "items": []}
    missing = liaison.get(f"{BASE}/{doc.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert liaison.get(f"{BASE}/{doc.pk}/files/{doc.files.get().pk}").status_code == 404
    assert liaison.post(f"{BASE}/{doc.pk}/tasks/{tasks_of(doc).first().pk}/act", {}).status_code == 404
    # Someone without the register is refused it (403), as on the page.
    forbidden = bearer(org.handler).get(BASE)
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden"


def test_detail_shows_my_open_tasks_and_the_timeline(org, bearer):
    doc = register(org)
    detail = bearer(org.secretary).get(f"{BASE}/{doc.pk}").json()
    assert detail["title"] == doc.title and detail["files"][0]["name"] == "请示.pdf"
    assert [(t["kind"], t["actions"]) for t in detail["my_tasks"]] == [("intake", ["accept", "return"])]
    assert [e["label"] for e in detail["timeline"]] == ["登记"]


def test_a_document_walks_its_whole_path_through_the_api(org, bearer):
    doc = register(org)
    secretary, director, leader, handler = (bearer(p) for p in (org.secretary, org.director,
                                                                org.leader, org.handler))

    def act(caller, task_kind, **data):
        task = task_of(caller, doc, task_kind)
        response = caller.post(f"{BASE}/{doc.pk}/tasks/{task['id']}/act", data)
        assert response.status_code == 200, response.json()
        return response.json()

    assert act(secretary, "intake", action="accept")["status"] == "proposing"
    missing = director.post(f"{BASE}/{doc.pk}/tasks/{task_of(director, doc, 'propose')['id']}/act", {})
    assert missing.status_code == 400 and "请填写拟办意见" in missing.json()["message"]
    assert act(director, "propose", opinion="拟请书记阅示。", leader=org.leader.pk)["status"] == "instructing"
    assert act(leader, "instruct", kind="actionable", text="请督查处办理。")["status"] == "assigning"
    assigned = act(secretary, "assign", action="assign", handling_unit=org.dept.pk, workdays=5)
    assert assigned["status"] == "handling" and assigned["handling_unit"] == org.dept.name
    assert act(handler, "handle", action="holding", text="正在调研。")["status"] == "handling"
    done = act(handler, "handle", action="complete", summary="已按批示办结。")
    assert done["status"] == "completed" and done["summary"] == "已按批示办结。"
    timeline = secretary.get(f"{BASE}/{doc.pk}").json()["timeline"]
    assert [e["kind"] for e in timeline] == ["registered", "accepted", "proposed", "instructed",
                                             "assigned", "holding_reply", "completed"]
    assert secretary.get(f"{BASE}/{doc.pk}").json()["instructions"][0]["text"] == "请督查处办理。"


def test_refusals_come_back_as_409_400_and_change_nothing(org, bearer):
    doc = to_handling(org)
    handler, director, clerk = bearer(org.handler), bearer(org.director), bearer(org.clerk)
    handle = task_of(handler, doc, TaskKind.HANDLE)
    url = f"{BASE}/{doc.pk}/tasks/{handle['id']}/act"
    # The task is someone else's.
    other = clerk.post(url, {"action": "complete", "summary": "抢办"})
    assert other.status_code == 409 and other.json()["code"] == "no_open_task"
    # An action the task does not allow.
    wrong = handler.post(url, {"action": "instruct"})
    assert wrong.status_code == 400 and "承办" in wrong.json()["message"]
    asked = handler.post(url, {"action": "extension", "workdays": 3, "reason": "需要调研"})
    assert asked.status_code == 200
    # A second request while the first waits: the service refuses the step (409).
    again = handler.post(url, {"action": "extension", "workdays": 3, "reason": "再延"})
    assert again.status_code == 409 and again.json()["code"] == "step_refused"
    assert "已有一项延期申请等待审批" in again.json()["message"]
    assert extensions_of(doc).count() == 1
    # The director decides the request (his step on its approval route), at the URL the
    # detail gives for it.
    decide = task_of(director, doc, "extension")
    assert decide["extension"] == extensions_of(doc).get().pk
    assert decide["act_url"] == f"{BASE}/{doc.pk}/extensions/{decide['extension']}/decide"
    assert task_of(handler, doc, TaskKind.HANDLE)["act_url"] == url
    refused = director.post(decide["act_url"], {"action": "refuse"})
    assert refused.status_code == 400 and "不同意延期的理由" in refused.json()["message"]
    # Someone else may not decide it.
    assert clerk.post(decide["act_url"], {"action": "approve"}).status_code == 409
    ok = director.post(decide["act_url"], {"action": "approve"})
    assert ok.status_code == 200 and ok.json()["deadline"] > handle["deadline"]
    # Decided requests are not open any more.
    done = director.post(decide["act_url"], {"action": "approve"})
    assert done.status_code == 409 and done.json()["code"] == "no_open_task"


def test_download_is_the_pages_download(org, bearer):
    doc = register(org)
    secretary = bearer(org.secretary)
    f = doc.files.get()
    response = secretary.get(f"{BASE}/{doc.pk}/files/{f.pk}")
    assert response.status_code == 200 and response.getvalue() == PDF
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    other = register(org, title="另一件")
    assert secretary.get(f"{BASE}/{doc.pk}/files/{other.files.get().pk}").status_code == 404


@pytest.mark.parametrize("damaged", [True, False])
def test_classified_downloads_are_watermarked_or_refused(org, bearer, damaged):
    import pymupdf

    with pymupdf.open() as pdf:
        pdf.new_page()
        content = pdf.tobytes()
    doc = register(org, actor=org.clerk, classification=2, secrecy_years=5,
                   files=[("来文.pdf", content)])
    if damaged:  # stored before intake checked PDFs
        uploads.store_as_before(doc.files.get(), uploads.DAMAGED_PDF)
    clerk = bearer(org.clerk)
    assert clerk.get(f"{BASE}/{doc.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="object.view", object_id=str(doc.pk),
                                     actor_id=org.clerk.pk).exists()
    response = clerk.get(f"{BASE}/{doc.pk}/files/{doc.files.get().pk}")
    if damaged:
        assert response.status_code == 409 and response.json()["code"] == "cannot_watermark"
        assert not AuditEvent.objects.filter(action="object.download").exists()
    else:
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        with pymupdf.open(stream=response.getvalue(), filetype="pdf") as pdf:
            assert org.clerk.full_name in pdf[0].get_text()
        assert AuditEvent.objects.filter(action="object.download", object_id=str(doc.pk),
                                         actor_id=org.clerk.pk).exists()
    assert IncomingDocument.objects.get(pk=doc.pk).status == "intake"


def test_openapi_describes_the_incoming_operations(client, db):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/documents/incoming", "/api/documents/incoming/{doc_id}",
            "/api/documents/incoming/{doc_id}/tasks/{task_id}/act",
            "/api/documents/incoming/{doc_id}/files/{file_id}"} <= set(schema["paths"])
    act = schema["paths"]["/api/documents/incoming/{doc_id}/tasks/{task_id}/act"]["post"]
    assert {"BearerToken": []} in act["security"] and {"409", "200"} <= set(act["responses"])
