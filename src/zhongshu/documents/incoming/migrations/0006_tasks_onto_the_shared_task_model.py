"""收文's own task engine moves onto the shared task model (issue 9 §3):

- every ``IncomingTask`` becomes a ``workflow.Task`` of kind ``incoming.<step>`` on its
  document, keeping its person, status, times, deadline, comment and order; the open
  copies of a shared office step (签收, 初审, 拟办, 交办) form one first-to-act group;
- every ``Circulation`` becomes a ``workflow.TaskBatch`` (same id), its readers' tasks
  in it;
- every ``ExtensionRequest`` becomes a ``workflow.TaskExtension`` (same id) of the
  document's 承办 task; a pending one gets its approval route (延期审批) with a pending
  step for each office director who had the decision, so nothing waiting is lost;
- then the three old tables go.

Set-based SQL for the bulk (a million documents hold millions of tasks); Python only
for the few pending extension requests. Runs once; the old tables are gone after it.
"""

from django.db import migrations

OFFICE_KINDS = ("receive", "intake", "propose", "assign")


def _ct(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0].pk


def copy_tasks(apps, schema_editor):
    conn = schema_editor.connection
    doc_ct = _ct(apps, "incoming", "incomingdocument")
    kind_index = " ".join(f"WHEN '{k}' THEN {i + 1}" for i, k in enumerate(OFFICE_KINDS))
    office = ", ".join(f"'{k}'" for k in OFFICE_KINDS)
    with conn.cursor() as cur:
        cur.execute(f"""
            INSERT INTO workflow_taskbatch (id, subject_type_id, subject_id, kind, started_by_id,
                                            started_at, sequential, due_date, finished_at)
            SELECT c.id, {doc_ct}, c.incoming_id, 'incoming.read', c.started_by_id, c.started_at,
                   c.sequential, c.deadline, c.finished_at
            FROM incoming_circulation c""")
        cur.execute(f"""
            INSERT INTO workflow_task (subject_type_id, subject_id, kind, title, person_id, unit_id,
                role, "group", batch_id, parent_id, position, status, urgency, importance,
                created_at, given_by_id, activated_at, due_date, due_provisional, due_workdays,
                due_from, accepted_at, done_at, done_by_id, comment, report_every,
                next_report_due, last_report_at, reminders, last_reminded_at)
            SELECT {doc_ct}, t.incoming_id, 'incoming.' || t.kind, substr(d.title, 1, 300),
                   t.person_id, NULL, '',
                   CASE WHEN t.kind IN ({office}) AND t.status = 'open'
                        THEN -(t.incoming_id * 16 + CASE t.kind {kind_index} ELSE 0 END)
                        ELSE NULL END,
                   t.circulation_id, NULL, t.position, t.status, d.urgency, 0,
                   t.created_at, NULL, t.activated_at, t.deadline, FALSE, NULL,
                   NULL, NULL, t.done_at, CASE WHEN t.status = 'done' THEN t.person_id ELSE NULL END,
                   t.comment, NULL, NULL, NULL, 0, NULL
            FROM incoming_incomingtask t JOIN incoming_incomingdocument d ON d.id = t.incoming_id
            WHERE t.kind <> 'extension'
            ORDER BY t.id""")
        cur.execute(f"""
            INSERT INTO workflow_taskextension (id, task_id, requested_by_id, requested_at, workdays,
                requested_due, reason, old_due, status, decided_by_id, decided_at, note, new_due)
            SELECT e.id,
                   (SELECT MAX(w.id) FROM workflow_task w WHERE w.subject_type_id = {doc_ct}
                      AND w.subject_id = e.incoming_id AND w.kind = 'incoming.handle'),
                   e.requested_by_id, e.requested_at, e.workdays, NULL, e.reason, e.old_deadline,
                   e.status, e.decided_by_id, e.decided_at, e.note, e.new_deadline
            FROM incoming_extensionrequest e""")
    if conn.vendor == "postgresql":
        with conn.cursor() as cur:
            for table in ("workflow_taskbatch", "workflow_taskextension"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table}), 1))")
    _pending_extension_routes(apps, doc_ct)


def _pending_extension_routes(apps, doc_ct):
    """A pending request keeps waiting: its approval route, one pending step for each
    office director who held the decision."""
    ExtensionRequest = apps.get_model("incoming", "ExtensionRequest")
    IncomingTask = apps.get_model("incoming", "IncomingTask")
    pending = list(ExtensionRequest.objects.filter(status="pending").select_related("incoming"))
    if not pending:
        return
    RouteTemplate = apps.get_model("workflow", "RouteTemplate")
    TemplateVersion = apps.get_model("workflow", "TemplateVersion")
    StageDef = apps.get_model("workflow", "StageDef")
    Route = apps.get_model("workflow", "Route")
    Step = apps.get_model("workflow", "Step")
    code = "extension_approval--incoming-handle"
    template = RouteTemplate.objects.filter(code=code).first()
    if template is None:
        template = RouteTemplate.objects.create(
            code=code, purpose="extension_approval", name="承办延期审批",
            description="“承办”任务的延期审批流程")
        version = TemplateVersion.objects.create(template=template, number=1, note="默认流程")
        StageDef.objects.create(
            version=version, position=0, key="approval", name="延期审批", mode="any",
            assignees=[{"kind": "item", "slot": "reviewers"}],
            actions=["agree", "agree_opinion", "reject"], deadline_workdays=2, delegable=True)
    version = TemplateVersion.objects.filter(template=template).order_by("-number").first()
    stage = StageDef.objects.get(version=version, position=0)
    ext_ct = _ct(apps, "workflow", "taskextension")
    for ext in pending:
        route = Route.objects.create(
            content_type_id=ext_ct, object_id=ext.pk, purpose="extension_approval",
            template_version=version, title=f"{ext.incoming.title[:180]}（延期审批）",
            drafter_id=ext.requested_by_id, started_by_id=ext.requested_by_id,
            status="running", current_position=0, urgency=ext.incoming.urgency, importance=0)
        deciders = IncomingTask.objects.filter(extension_id=ext.pk, status="open")
        Step.objects.bulk_create([
            Step(route=route, position=0, round=0, order=i, stage_key=stage.key,
                 stage_name=stage.name, assignee_id=t.person_id, status="pending",
                 activated_at=t.activated_at or t.created_at, due_date=t.deadline)
            for i, t in enumerate(deciders)])


class Migration(migrations.Migration):
    dependencies = [
        ("incoming", "0005_register_newest_index"),
        ("workflow", "0006_task_model"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(copy_tasks, migrations.RunPython.noop),
        migrations.DeleteModel(name="IncomingTask"),
        migrations.DeleteModel(name="ExtensionRequest"),
        migrations.DeleteModel(name="Circulation"),
    ]
