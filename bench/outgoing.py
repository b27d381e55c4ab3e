"""Generate outgoing documents with versions and routes, then time the 发文登记簿, the
document page and the inbox of a secretary who is on every route (the worst case for
need-to-know filtering).

    DOCS=1000000 ZHONGSHU_DATABASE_URL=sqlite:///var/bench-out.sqlite3 .venv/bin/python bench/outgoing.py
    DOCS=1000000 ZHONGSHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zs_out_bench .venv/bin/python bench/outgoing.py

Each document gets two versions, a route on the 通知 template with four steps and three
opinions. Rows are written with bulk_create in chunks (the services are measured by the
tests; this measures reading at size). Reports p50/p95 server time per page over RUNS
requests and the ratio to the page's slowest SQL query run alone. SQLite: the database
file is recreated; PostgreSQL: flushed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

DOCS = int(os.environ.get("DOCS", "1000000"))
CHUNK = int(os.environ.get("CHUNK", "5000"))
RUNS = int(os.environ.get("RUNS", "20"))


def _setup_db():
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        path = connection.settings_dict["NAME"]
        connection.close()
        if os.path.exists(path):
            os.remove(path)
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)


def _generate(n: int):
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from zhongshu.documents import doctypes, routing
    from zhongshu.documents.models import DraftVersion, OutgoingDocument, OutgoingStatus
    from zhongshu.org.models import Person, Role, RoleCode, Unit, UnitKind
    from zhongshu.org.services import roles_ensure
    from zhongshu.workflow.models import Opinion, Route, Step, StepStatus

    roles_ensure()
    organ = Unit.objects.create(name="示例市委办公室", code="B-ORG", kind=UnitKind.ORGAN, issuer_code="示委办发")
    dept = Unit.objects.create(name="综合处", code="B-DEPT", kind=UnitKind.DEPARTMENT, parent=organ)
    drafter = Person.objects.create(username="b-drafter", full_name="拟稿人", unit=dept, clearance="important")
    head = Person.objects.create(username="b-head", full_name="处长", unit=dept, clearance="important")
    secretary = Person.objects.create(username="b-secretary", full_name="秘书", unit=organ, clearance="important")
    secretary.roles.add(Role.objects.get(code=RoleCode.SECRETARY))
    dept.head = head
    dept.save()
    template = routing.ensure_template(doctypes.BY_NAME["通知"])
    version = template.current_version
    ct = ContentType.objects.get_for_model(OutgoingDocument)
    spec = {"title": "", "main_recipients": "各县委办公室", "signature": ["示例市委办公室"], "seal": True,
            "body": [{"type": "paragraph", "text": "为做好有关工作，现通知如下。" * 5},
                     {"type": "heading", "level": 1, "text": "工作要求"},
                     {"type": "paragraph", "text": "各单位要认真抓好落实。" * 8}]}
    types = [k.name for k in doctypes.KINDS if k.issued]
    start = timezone.now() - dt.timedelta(days=365)
    made = 0
    t0 = time.perf_counter()
    while made < n:
        size = min(CHUNK, n - made)
        with transaction.atomic():
            docs = []
            for i in range(made, made + size):
                numbered = i % 3 != 0
                docs.append(OutgoingDocument(
                    owner_unit=dept, registered_by=drafter, doc_type=types[i % len(types)],
                    title=f"关于第{i}项工作的通知", status=OutgoingStatus.DISTRIBUTED if numbered else OutgoingStatus.ROUTING,
                    issuer_code="示委办发", doc_year=2026 if numbered else None, doc_seq=i + 1 if numbered else None,
                    doc_number=f"示委办发〔2026〕{i + 1}号" if numbered else ""))
            docs = OutgoingDocument.objects.bulk_create(docs)
            OutgoingDocument.objects.filter(pk__in=[d.pk for d in docs]).update(
                created_at=start + dt.timedelta(seconds=made * 20))
            versions = []
            for d in docs:
                for number, author in ((1, drafter), (2, head)):
                    versions.append(DraftVersion(document=d, number=number, author=author,
                                                 spec={**spec, "title": d.title}))
            versions = DraftVersion.objects.bulk_create(versions)
            latest = {v.document_id: v.pk for v in versions if v.number == 2}
            for d in docs:
                d.current_version_id = latest[d.pk]
            OutgoingDocument.objects.bulk_update(docs, ["current_version"])
            routes = Route.objects.bulk_create(Route(
                content_type=ct, object_id=d.pk, template_version=version, title=d.title, drafter=drafter,
                started_by=drafter, current_position=4 if d.doc_seq is None else None,
                status="running" if d.doc_seq is None else "completed") for d in docs)
            now = timezone.now()
            steps = []
            for r in routes:
                for pos, (name, who) in enumerate((("拟稿", drafter), ("部门审核", head), ("核稿", secretary),
                                                   ("签发", secretary))):
                    open_ = r.status == "running" and pos == 3
                    steps.append(Step(route=r, position=pos, round=0, stage_name=name, assignee=who,
                                      status=StepStatus.PENDING if open_ else StepStatus.AGREED,
                                      activated_at=now, acted_at=None if open_ else now))
            steps = Step.objects.bulk_create(steps)
            Opinion.objects.bulk_create(Opinion(route_id=s.route_id, step=s, stage_name=s.stage_name,
                                                author_id=s.assignee_id, action="agree", text="同意。")
                                        for s in steps if s.status == StepStatus.AGREED and s.position < 3)
        made += size
        if made % (CHUNK * 20) == 0 or made == n:
            print(f"  {made:>9} documents ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return secretary, OutgoingDocument.objects.order_by("-id").first()


def _time(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    times, slowest = [], None
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
        q = max(ctx.captured_queries, key=lambda q: float(q["time"]))
        slowest = q["sql"]
    alone = []
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            t = time.perf_counter()
            cursor.execute(slowest)
            cursor.fetchall()
            alone.append(time.perf_counter() - t)
    p50 = statistics.median(times)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    main = statistics.median(alone)
    return {"p50_ms": round(p50 * 1000, 1), "p95_ms": round(p95 * 1000, 1),
            "main_sql_ms": round(main * 1000, 1), "ratio": round(p50 / main, 1) if main else None,
            "queries": len(ctx.captured_queries)}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    _setup_db()
    t0 = time.perf_counter()
    secretary, doc = _generate(DOCS)
    print(f"generated {DOCS} documents in {time.perf_counter() - t0:.0f} s on {connection.vendor}")
    client = Client()
    client.force_login(secretary)
    for label, url in [("发文登记簿 (first page)", "/documents/outgoing/"),
                       ("发文登记簿 (type filter, page 50)", "/documents/outgoing/?doc_type=通知&page=50"),
                       ("document page", f"/documents/outgoing/{doc.pk}/"),
                       ("inbox", "/inbox/")]:
        print(f"{label:36} {_time(client, url)}")


if __name__ == "__main__":
    main()
