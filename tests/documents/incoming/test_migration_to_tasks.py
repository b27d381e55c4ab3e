"""收文's own tasks, circulations and extension requests move onto the shared task model
by migration, keeping every row's facts — and a pending extension keeps waiting for its
decider, now on an approval route (issue 9 §3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# org stays at its newest state: the people made below need its later NOT NULL columns,
# which have no database default.
BEFORE = [("incoming", "0005_register_newest_index"), ("org", "0005_remove_importjob")]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_world(apps):
    Unit = apps.get_model("org", "Unit")
    Person = apps.get_model("org", "Person")
    Doc = apps.get_model("incoming", "IncomingDocument")
    Task = apps.get_model("incoming", "IncomingTask")
    Circulation = apps.get_model("incoming", "Circulation")
    Extension = apps.get_model("incoming", "ExtensionRequest")
    unit = Unit.objects.create(name="迁移测试单位", kind="organ", code="MIG")
    people = {name: Person.objects.create(username=f"mig{i}", full_name=name, unit=unit)
              for i, name in enumerate(["秘书甲", "秘书乙", "承办人", "主任", "书记"])}
    now = timezone.now()
    doc = Doc.objects.create(
        classification=1, owner_unit=unit, registered_by=people["秘书甲"], channel="paper",
        sender_name="某区委", recipient_unit=unit, title="关于迁移的请示", doc_type="请示",
        urgency="urgent", status="handling", created_at=now,
        deadline=dt.date(2026, 12, 20), handler=people["承办人"], handling_unit=unit)
    # A shared office step still open for two secretaries, a done 初审, the handling
    # task, a circulation with one reader done and one waiting, and a pending extension
    # with the director's decision task.
    for who in ("秘书甲", "秘书乙"):
        Task.objects.create(incoming=doc, person=people[who], kind="assign", status="open",
                            created_at=now, activated_at=now)
    Task.objects.create(incoming=doc, person=people["秘书甲"], kind="intake", status="done",
                        created_at=now, activated_at=now, done_at=now, comment="同意。")
    Task.objects.create(incoming=doc, person=people["承办人"], kind="handle", status="open",
                        created_at=now, activated_at=now, deadline=dt.date(2026, 12, 20))
    circ = Circulation.objects.create(incoming=doc, started_by=people["秘书甲"], started_at=now,
                                      sequential=True, deadline=dt.date(2026, 12, 18))
    Task.objects.create(incoming=doc, person=people["书记"], kind="read", status="done",
                        circulation=circ, position=0, created_at=now, done_at=now, comment="已阅")
    Task.objects.create(incoming=doc, person=people["主任"], kind="read", status="waiting",
                        circulation=circ, position=1, created_at=now)
    ext = Extension.objects.create(incoming=doc, requested_by=people["承办人"], workdays=3,
                                   reason="需要调研", old_deadline=dt.date(2026, 12, 20))
    Task.objects.create(incoming=doc, person=people["主任"], kind="extension", status="open",
                        extension=ext, created_at=now, activated_at=now)
    return doc.pk, circ.pk, ext.pk, {k: p.pk for k, p in people.items()}


def test_tasks_circulations_and_extensions_move_with_their_facts(newest_schema_after):
    old = _migrate(BEFORE)
    doc_id, circ_id, ext_id, people = _old_world(old)
    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Task = new.get_model("workflow", "Task")
    Batch = new.get_model("workflow", "TaskBatch")
    Extension = new.get_model("workflow", "TaskExtension")
    Step = new.get_model("workflow", "Step")
    tasks = Task.objects.filter(subject_id=doc_id)
    by = {(t.kind, t.person_id): t for t in tasks}
    assert len(tasks) == 6  # the decider's task became a step on the approval route
    assign = [by[("incoming.assign", people[w])] for w in ("秘书甲", "秘书乙")]
    assert {t.status for t in assign} == {"open"} and assign[0].group == assign[1].group is not None
    intake = by[("incoming.intake", people["秘书甲"])]
    assert (intake.status, intake.done_by_id, intake.comment) == ("done", people["秘书甲"], "同意。")
    handle = by[("incoming.handle", people["承办人"])]
    assert handle.due_date == dt.date(2026, 12, 20) and handle.urgency == "urgent"
    assert handle.title == "关于迁移的请示" and handle.group is None
    batch = Batch.objects.get(pk=circ_id)
    assert batch.sequential and batch.due_date == dt.date(2026, 12, 18) and batch.kind == "incoming.read"
    readers = {t.person_id: t for t in tasks.filter(batch=batch)}
    assert readers[people["书记"]].status == "done" and readers[people["主任"]].status == "waiting"
    ext = Extension.objects.get(pk=ext_id)
    assert (ext.task_id, ext.workdays, ext.status, ext.old_due) == (handle.pk, 3, "pending",
                                                                    dt.date(2026, 12, 20))
    [step] = Step.objects.filter(route__object_id=ext_id, route__purpose="extension_approval")
    assert (step.assignee_id, step.status, step.stage_key) == (people["主任"], "pending", "approval")
