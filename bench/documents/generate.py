"""Fill a database with many documents for the 办文 benchmark (bench_pages.py).

    ZHONGSHU_DATABASE_URL=sqlite:////work/var/zs_bench.sqlite3 \\
        .venv/bin/python bench/documents/generate.py --count 1000000
    ZHONGSHU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/zs_bench \\
        .venv/bin/python bench/documents/generate.py --count 1000000

Migrates the database, loads the demo organisation (``zhongshu demo``) if it is empty and
the default routing templates of outgoing documents, then writes ``--count`` documents:
``--outgoing-share`` (default 40 %) 发文 and the rest 收文, spread evenly over ``--years``
years ending at ``--until``. Deterministic: the same arguments give the same rows.

Each document is simulated as the services would have handled it, with a random but
plausible time for each step; whatever would happen after ``--until`` has not happened
yet, so recent documents are still in drafting or on an open step and the inbox has
work, while old ones are archived or completed:

* 发文: 1–4 versions (drafter, then the department head and the office editing), the
  type's default route (拟稿 … 签发 … 归档) with one step and one opinion per stage (four
  in a hundred refused at 签发), 会签 by one or two subordinate units for three documents
  in ten, 发文字号 from ``documents.outgoing:<code>:<year>`` at the 编号 stage, copy
  numbers at 印制, and a distribution list (主送/抄送, internal units and external
  recipients by their channel) delivered at 分发.
* 收文: every internal delivery becomes an incoming item in the recipient unit (source =
  the delivery, as electronic exchange does), the rest are paper documents registered by
  the committee's office; then 签收 (收文号 from ``receipt:<unit>:<year>``), 初审, 拟办,
  for half of the committee's documents a leader's 批示 (an ``Instruction``), 交办 to a
  handling unit with a deadline, 传阅 to two or three leaders for one in four, and 办结.
  Each step is a task of the shared task model (``workflow.Task``, kind ``incoming.<step>``)
  and a timeline ``IncomingEvent``.
* Classification as an office has it: 35 % 公开, 50 % 内部, 10 % 秘密, 5 % 机密, with a
  secrecy period; the people on each step are cleared for the level.

It bypasses the services on purpose — they take milliseconds per action and write the
hash-chained audit trail, which would make a million documents take days. Rows are
written with the database's fastest bulk path (``executemany`` in large transactions on
SQLite, ``COPY`` on PostgreSQL) with ids assigned here, and satisfy every constraint of
the models; the ``kernel.Sequence`` rows are advanced to the last number given, so the
services continue the numbering without a gap. What it does NOT write (documented in
docs/benchmarks/documents.md): audit events (the hash chain is not needed for bulk data
and would be recomputed in order), the ``closed`` steps the engine gives the other office
secretaries of an 'any' stage once one has acted (open stages do carry one pending step
per secretary), the colleagues' office tasks that the incoming services delete when one
acts (same rule), files of registered paper documents, returns (退回) and notifications.

Progress (rows written per second) goes to stderr. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

# (Chinese doc type, weight) — what a committee's office issues.
OUT_TYPES = [("通知", 30), ("签报", 14), ("报告", 10), ("请示", 8), ("意见", 6), ("函", 10),
             ("通报", 6), ("纪要", 5), ("批复", 4), ("决定", 3), ("公告", 1), ("通告", 1),
             ("决议", 1), ("议案", 1)]
IN_TYPES = [("通知", 35), ("请示", 15), ("报告", 20), ("函", 10), ("通报", 8), ("意见", 5), ("纪要", 4),
            ("批复", 3)]
# 0 公开, 1 内部, 2 秘密, 3 机密
LEVELS = [(0, 35), (1, 50), (2, 10), (3, 5)]
URGENCIES = [("normal", 85), ("urgent", 12), ("extra_urgent", 3)]
SUBJECTS = ["做好年终各项工作", "加强安全生产工作", "做好防汛抗旱工作", "开展营商环境评价", "推进政务公开",
            "规范公文处理", "加强保密管理", "做好信访维稳工作", "开展调查研究", "加强值班值守",
            "推进乡村振兴", "做好节日期间有关工作", "加强督促检查", "优化政务服务", "深化作风建设",
            "做好重大活动保障", "落实意识形态工作责任制", "加强基层组织建设", "推进数字政府建设", "做好统计工作"]
SENTENCES = ["各单位要高度重视，切实加强组织领导，确保各项措施落实到位。",
             "要坚持问题导向，聚焦重点领域和关键环节，抓紧抓实抓细。",
             "请各单位于规定时间前将工作进展情况报送市委办公室。",
             "对工作不力、造成严重后果的，依规依纪严肃追究有关人员责任。",
             "要加强统筹协调，形成工作合力，确保工作取得实效。",
             "要严格落实值班制度，遇有重大情况及时报告。"]
OPINIONS = ["同意。", "已阅，同意。", "请按程序办理。", "文字已修改，请审核。", "拟同意，请领导审定。",
            "建议加快办理。", "同意印发。"]
PROPOSALS = ["拟请{leader}同志阅示。", "拟交{unit}办理。", "拟送有关领导阅。"]
INSTRUCTIONS = ["请{unit}抓紧研究落实，及时报告进展。", "同意拟办意见。", "阅。", "请认真贯彻落实。"]
EXTERNAL_RECIPIENTS = [("中共示例省委", "confidential"), ("中共示例省委办公厅", "confidential"),
                       ("示例省人民政府办公厅", "mail"), ("示例市人大常委会办公室", "hand"),
                       ("政协示例市委员会办公室", "hand")]


def pick(rng: random.Random, weighted: list[tuple]) -> object:
    total = sum(w for _v, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


class Writer:
    """Buffers rows per table and writes them with the fastest bulk path of the vendor."""

    def __init__(self, connection, batch: int) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.batch = batch
        self.buffers: dict[str, list[tuple]] = defaultdict(list)
        self.columns: dict[str, tuple[str, ...]] = {}
        self.written = 0
        self.started = time.perf_counter()
        self.last_report = self.started

    # Values in the form each driver wants: SQLite stores datetimes as naive UTC text.
    def ts(self, value: dt.datetime | None):
        if value is None or self.vendor != "sqlite":
            return value
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def day(self, value: dt.date | None):
        if value is None or self.vendor != "sqlite":
            return value
        return value.isoformat()

    def flag(self, value: bool):
        return int(value) if self.vendor == "sqlite" else value

    @staticmethod
    def js(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def add(self, table: str, columns: tuple[str, ...], row: tuple) -> None:
        self.columns[table] = columns
        buf = self.buffers[table]
        buf.append(row)
        if len(buf) >= self.batch:
            self.flush(table)

    def flush(self, table: str) -> None:
        rows = self.buffers[table]
        if not rows:
            return
        cols = self.columns[table]
        raw = self.connection.connection
        names = ", ".join(f'"{c}"' for c in cols)
        if self.vendor == "sqlite":
            sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(cols))})'
            raw.executemany(sql, rows)
        else:
            with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        self.written += len(rows)
        self.buffers[table] = []
        now = time.perf_counter()
        if now - self.last_report > 5:
            self.last_report = now
            self.report()

    def flush_all(self) -> None:
        for table in list(self.buffers):
            self.flush(table)

    def report(self, prefix: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        print(f"{prefix}{self.written:,} rows in {elapsed:,.0f} s ({self.written / max(elapsed, 1e-9):,.0f} rows/s)",
              file=sys.stderr, flush=True)


class Ids:
    """Ids assigned here, continuing each table's existing ids."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        if table not in self.next:
            with self.connection.cursor() as cur:
                cur.execute(f'SELECT MAX(id) FROM "{table}"')
                self.next[table] = (cur.fetchone()[0] or 0) + 1
        value = self.next[table]
        self.next[table] = value + 1
        return value


# Columns written per table (every NOT NULL column without a database default).
OUT_COLS = ("id", "classification", "secrecy_years", "secrecy_long_term", "classified_on", "owner_unit_id",
            "registered_by_id", "doc_type", "title", "urgency", "issuer_code", "sign_off_leader_id", "status",
            "doc_year", "doc_seq", "doc_number", "numbered_at", "signed_off_by_id", "signed_off_at",
            "file_copies", "copies_printed", "issued_at", "archived_at", "created_at", "updated_at",
            "current_version_id")
VER_COLS = ("id", "document_id", "number", "author_id", "created_at", "spec", "parent_id", "is_side",
            "stage_name", "note", "findings")
M2M_COLS = ("id", "outgoingdocument_id", "unit_id")
ROUTE_COLS = ("id", "content_type_id", "object_id", "purpose", "template_version_id", "title", "drafter_id",
              "started_by_id", "started_at", "finished_at", "status", "current_position", "round",
              "urgency", "importance")
STEP_COLS = ("id", "route_id", "position", "round", "order", "stage_key", "stage_name", "assignee_id",
             "unit_id", "status", "activated_at", "due_date", "due_provisional", "acted_at", "added_by_id",
             "transferred_from_id")
OPINION_COLS = ("id", "route_id", "step_id", "stage_key", "stage_name", "author_id", "on_behalf_of_id", "action",
                "text", "created_at", "target_position", "target_person_id")
DELIVERY_COLS = ("id", "document_id", "kind", "recipient_unit_id", "external_name", "channel",
                 "copy_number", "delivered_at", "delivered_by_id", "reminded_at", "reminders")
IN_COLS = ("id", "classification", "secrecy_years", "secrecy_long_term", "classified_on", "owner_unit_id",
           "registered_by_id", "source_type_id", "source_id", "channel", "sender_unit_id", "sender_name",
           "recipient_unit_id", "copy_number", "title", "doc_type", "doc_number", "urgency", "spec",
           "receipt_year", "receipt_seq", "receipt_number", "received_at", "received_by_id", "status",
           "created_at", "return_reason", "instruct_leader_id", "handling_unit_id", "handler_id", "deadline",
           "deadline_provisional", "completed_at", "summary")
TASK_COLS = ("id", "subject_type_id", "subject_id", "kind", "title", "person_id", "unit_id", "role", "group",
             "batch_id", "parent_id", "position", "status", "urgency", "importance", "created_at",
             "given_by_id", "activated_at", "due_date", "due_provisional", "due_workdays", "due_from",
             "accepted_at", "done_at", "done_by_id", "comment", "report_every", "next_report_due",
             "last_report_at", "reminders", "last_reminded_at")
EVENT_COLS = ("id", "incoming_id", "kind", "actor_id", "at", "opinion", "details")
INSTR_COLS = ("id", "incoming_id", "leader_id", "kind", "text", "given_at", "during_circulation")
BATCH_COLS = ("id", "subject_type_id", "subject_id", "kind", "started_by_id", "started_at", "sequential",
              "due_date", "finished_at")


class Generator:
    def __init__(self, args, connection) -> None:
        from zoneinfo import ZoneInfo

        from django.conf import settings

        self.args = args
        self.rng = random.Random(args.seed)  # noqa: S311 - test data, not secrets
        self.w = Writer(connection, args.batch)
        self.ids = Ids(connection)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.until = dt.datetime.combine(args.until, dt.time(18, 0), self.tz).astimezone(UTC)
        self.start = self.until - dt.timedelta(days=365 * args.years)
        self.out_seq: dict[tuple[str, int], int] = defaultdict(int)
        self.in_seq: dict[tuple[int, int], int] = defaultdict(int)
        self.counts = defaultdict(int)
        self._load_org()

    # --- the organisation -----------------------------------------------------------
    def _load_org(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        from zhongshu.access.classification import HIGHEST_LEVEL
        from zhongshu.documents import doctypes, routing
        from zhongshu.documents.incoming import rules as in_rules
        from zhongshu.documents.incoming.models import IncomingDocument
        from zhongshu.documents.models import Delivery, OutgoingDocument
        from zhongshu.org.models import Clearance, Person, RoleCode, Unit, UnitKind

        people = list(Person.objects.filter(is_active=True).prefetch_related("roles").order_by("id"))
        self.level_of = {p.pk: int(HIGHEST_LEVEL.get(p.clearance, HIGHEST_LEVEL[Clearance.NONE])) for p in people}
        self.person = {p.pk: p for p in people}
        units = {u.pk: u for u in Unit.objects.order_by("id")}
        self.units = units
        with transaction.atomic():
            templates = routing.ensure_all()
        self.template_version = {t.code: t.current_version.pk for t in templates}
        self.kinds = doctypes.BY_NAME
        self.stages = {k.name: doctypes.default_stages(k) for k in doctypes.KINDS}
        self.template_code = {k.name: routing.template_code(k) for k in doctypes.KINDS}
        self.ct_out = ContentType.objects.get_for_model(OutgoingDocument).pk
        self.ct_delivery = ContentType.objects.get_for_model(Delivery).pk
        self.ct_in = ContentType.objects.get_for_model(IncomingDocument).pk

        def staff(unit, role=None):
            return [p.pk for p in people if p.unit_id == unit.pk and (role is None or role in p.role_codes)]

        # Drafting units: the office's departments that have secretaries (the office
        # stages go to them, see documents/hooks.py).
        self.draft_units = [u for u in units.values()
                            if u.kind == UnitKind.DEPARTMENT and staff(u, RoleCode.SECRETARY)]
        self.secretaries = {u.pk: staff(u, RoleCode.SECRETARY) for u in self.draft_units}
        self.issuer = {}
        for u in self.draft_units:
            code, cur = "", u
            while cur is not None and not code:
                code, cur = cur.issuer_code, units.get(cur.parent_id)
            self.issuer[u.pk] = code

        def leader_in_charge(u):
            while u is not None:
                if u.leader_in_charge_id:
                    return u.leader_in_charge_id
                u = units.get(u.parent_id)
            return None

        self.sign_leader = {u.pk: leader_in_charge(u) for u in self.draft_units}
        self.leaders = [p.pk for p in people if RoleCode.LEADER in p.role_codes and p.unit_id == 1] or \
            [p.pk for p in people if RoleCode.LEADER in p.role_codes]
        self.subordinates = [u for u in units.values() if u.kind == UnitKind.SUBORDINATE and u.head_id]
        self.externals = [u for u in units.values() if u.kind == UnitKind.EXTERNAL]
        self.committee = next(u for u in units.values() if u.parent_id is None and u.kind == UnitKind.ORGAN)
        self.handling_units = [u for u in units.values() if u.head_id and u.kind in
                               (UnitKind.DEPARTMENT, UnitKind.SUBORDINATE) and not u.code.endswith(("BM", "XXH"))]
        # Who handles each recipient unit's incoming documents, per level (the services'
        # rule: rules.office_people, else the unit head).
        self.office = {}
        for u in [self.committee, *self.subordinates]:
            for level in range(4):
                found = [p.pk for p in in_rules.office_people(u, level)]
                if not found and u.head_id and self.level_of[u.head_id] >= level:
                    found = [u.head_id]
                self.office[(u.pk, level)] = found

    # --- helpers --------------------------------------------------------------------
    def level(self):
        level = pick(self.rng, LEVELS)
        if level >= 2:
            r = self.rng.random()
            if r < 0.1:
                return level, None, True
            return level, self.rng.choice((5, 10) if level == 2 else (10, 20)), False
        return level, None, False

    def local_year(self, when: dt.datetime) -> int:
        return when.astimezone(self.tz).year

    def later(self, when: dt.datetime, lo_hours: float, hi_hours: float) -> dt.datetime:
        # Office hours are not modelled; a step takes between lo and hi hours.
        return when + dt.timedelta(seconds=int(3600 * self.rng.uniform(lo_hours, hi_hours)))

    def cleared(self, ids: list[int], level: int) -> list[int]:
        return [i for i in ids if self.level_of[i] >= level]

    def body(self, subject: str, variant: int) -> list[dict]:
        rng = self.rng
        blocks = [{"type": "paragraph", "text": f"为{subject}，现就有关事项通知如下。"},
                  {"type": "heading", "level": 1, "text": "提高思想认识"},
                  {"type": "paragraph", "text": rng.choice(SENTENCES)},
                  {"type": "heading", "level": 1, "text": "抓好工作落实"},
                  {"type": "paragraph", "text": rng.choice(SENTENCES)}]
        if variant:
            blocks[2 + (variant % 3)]["text"] += f"（第{variant}次修改）"
        return blocks

    # --- outgoing -------------------------------------------------------------------
    def outgoing(self, created: dt.datetime, budget: list[int]) -> None:
        rng, w, ids = self.rng, self.w, self.ids
        dtype = pick(rng, OUT_TYPES)
        kind = self.kinds[dtype]
        unit = rng.choice(self.draft_units)
        level, years, long_term = self.level()
        drafter = rng.choice(self.cleared(self.secretaries[unit.pk], level) or self.secretaries[unit.pk])
        head = unit.head_id
        subject = rng.choice(SUBJECTS)
        title = f"关于{subject}的{dtype}"
        urgency = pick(rng, URGENCIES)
        doc_id = ids("documents_outgoingdocument")
        leader = rng.choice(self.leaders) if rng.random() < 0.3 else None
        sign_leader = leader or self.sign_leader[unit.pk]
        counters = rng.sample(self.subordinates, rng.choice((1, 1, 2))) if rng.random() < 0.3 else []
        for u in counters:
            w.add("documents_outgoingdocument_countersign_units", M2M_COLS,
                  (ids("documents_outgoingdocument_countersign_units"), doc_id, u.pk))

        # Drafting, then the route stage by stage until a stage would end after --until.
        doc = {"status": "draft", "doc_year": None, "doc_seq": None, "doc_number": "", "numbered_at": None,
               "signed_off_by": None, "signed_off_at": None, "copies": 0, "issued_at": None, "archived_at": None}
        submitted = self.later(created, 1, 72)
        versions = []  # (author, at, stage)
        n_versions = pick(rng, [(1, 30), (2, 35), (3, 20), (4, 15)])
        versions.append((drafter, created, "拟稿", "初稿"))
        if n_versions >= 2:
            versions.append((drafter, max(created + dt.timedelta(minutes=1),
                                          min(submitted, self.until) - dt.timedelta(minutes=5)), "拟稿", "修改"))
        route = None
        now = self.until
        if submitted <= now:
            route_id = ids("workflow_route")
            route = {"id": route_id, "status": "running", "finished": None, "current": None}
            t = submitted
            stages = self.stages[dtype]
            deliveries: list[list] = []
            rejected = rng.random() < 0.04
            for position, stage in enumerate(stages):
                name, slot = stage["name"], stage["assignees"][0]["kind"]
                if name == "会签" and not counters:
                    continue  # the engine skips a stage whose item names nobody
                if slot == "drafter":
                    people = [(drafter, None)]
                elif slot == "drafter_unit_head":
                    people = [(head, unit.pk)]
                elif stage["assignees"][0].get("slot") == "countersign" or name == "会签":
                    people = [(u.head_id, u.pk) for u in counters]
                elif name == "签发":
                    people = [(sign_leader, None)]
                else:
                    people = [(p, unit.pk) for p in self.secretaries[unit.pk]]
                activated = t
                days = stage.get("deadline_workdays")
                due = (activated.astimezone(self.tz).date() + dt.timedelta(days=round(days * 1.4))) if days else None
                ends = [self.later(activated, 0, 0.01) if name == "拟稿" else self.later(activated, 0.5, 40)
                        for _ in people]
                if max(ends) > now:
                    # The stage is open: every assignee has a pending step (for 'any' stages,
                    # every secretary; for 会签 the units that have not yet agreed).
                    for (person, unit_id), end in zip(people, ends, strict=True):
                        done = len(people) > 1 and stage["mode"] == "all" and end <= now
                        self._step(route_id, position, stage, person, unit_id, activated, due,
                                   end if done else None, "agree" if done else None, people.index((person, unit_id)))
                    route["current"] = position
                    break
                if stage["mode"] == "any":
                    people = [rng.choice(people)]
                    ends = [ends[0]]
                reject = rejected and name == "签发"
                for order, ((person, unit_id), end) in enumerate(zip(people, ends, strict=True)):
                    self._step(route_id, position, stage, person, unit_id, activated, due, end,
                               "reject" if reject else "agree", order)
                t = max(ends)
                actor = people[0][0]
                if name == "部门审核" and n_versions >= 3:
                    versions.append((head, t - dt.timedelta(minutes=10), name, "审核修改"))
                if name == "核稿" and n_versions >= 4:
                    versions.append((actor, t - dt.timedelta(minutes=10), name, "核稿修改"))
                if reject:
                    doc["status"] = "rejected"
                    route.update(status="rejected", finished=t)
                    break
                if name == "签发":
                    doc.update(status="signed_off", signed_off_by=actor, signed_off_at=t)
                if name == "编号" and kind.issued:
                    year = self.local_year(t)
                    code = self.issuer[unit.pk]
                    self.out_seq[(code, year)] += 1
                    seq = self.out_seq[(code, year)]
                    doc.update(doc_year=year, doc_seq=seq, doc_number=f"{code}〔{year}〕{seq}号", numbered_at=t)
                if name == "印制":
                    deliveries = self._distribution(doc_id, dtype, kind, unit, budget)
                    doc["copies"] = len(deliveries) + 1
                if name == "分发":
                    for d in deliveries:
                        d[7], d[8] = t, actor
                    doc.update(status="distributed", issued_at=t)
                if name == "归档":
                    doc.update(status="archived", archived_at=t)
                    route.update(status="completed", finished=t)
            else:  # pragma: no cover - every template ends with 归档
                pass
            if doc["status"] == "draft":
                doc["status"] = "routing"
            self._deliveries(deliveries, doc_id, title, dtype, urgency, level, years, long_term, unit, doc)
            w.add("workflow_route", ROUTE_COLS, (
                route_id, self.ct_out, doc_id, "outgoing_approval",
                self.template_version[self.template_code[dtype]], title, drafter,
                drafter, w.ts(submitted), w.ts(route["finished"]), route["status"], route["current"], 0,
                urgency, 1))
        # Versions, the last one current.
        parent = None
        version_id = None
        spec_base = {"title": title, "main_recipients": "各县（市、区）委，市直各单位",
                     "signature": ["中共示例市委办公室"], "seal": kind.seal}
        for number, (author, at, stage, note) in enumerate(sorted(versions, key=lambda v: v[1]), 1):
            version_id = ids("documents_draftversion")
            spec = {**spec_base, "body": self.body(subject, number - 1)}
            w.add("documents_draftversion", VER_COLS, (
                version_id, doc_id, number, author, w.ts(at), w.js(spec), parent, w.flag(False),
                stage, note, "[]"))
            parent = version_id
        last_change = max([created, *(v[1] for v in versions)] + [x for x in (
            doc["signed_off_at"], doc["numbered_at"], doc["issued_at"], doc["archived_at"]) if x])
        w.add("documents_outgoingdocument", OUT_COLS, (
            doc_id, level, years, w.flag(long_term), w.day(created.astimezone(self.tz).date()) if level >= 2 else None,
            unit.pk, drafter, dtype, title, urgency, self.issuer[unit.pk], leader, doc["status"],
            doc["doc_year"], doc["doc_seq"], doc["doc_number"], w.ts(doc["numbered_at"]), doc["signed_off_by"],
            w.ts(doc["signed_off_at"]), 1, doc["copies"], w.ts(doc["issued_at"]), w.ts(doc["archived_at"]),
            w.ts(created), w.ts(last_change), version_id))
        self.counts["outgoing"] += 1
        self.counts[f"outgoing:{doc['status']}"] += 1

    def _step(self, route_id, position, stage, person, unit_id, activated, due, acted, action, order) -> None:
        w, ids = self.w, self.ids
        key, name = stage["key"], stage["name"]
        step_id = ids("workflow_step")
        status = {"agree": "agreed", "reject": "rejected", None: "pending"}[action]
        w.add("workflow_step", STEP_COLS, (
            step_id, route_id, position, 0, order, key, name, person, unit_id, status, w.ts(activated),
            w.day(due), w.flag(False), w.ts(acted), None, None))
        if action:
            text = self.rng.choice(OPINIONS) if action == "agree" else "不同意，请重新研究。"
            with_text = action == "reject" or self.rng.random() < 0.3
            w.add("workflow_opinion", OPINION_COLS, (
                ids("workflow_opinion"), route_id, step_id, key, name, person, None,
                ("agree_opinion" if with_text else "agree") if action == "agree" else "reject",
                text if with_text else "", w.ts(acted), None, None))

    def _distribution(self, doc_id, dtype, kind, unit, budget) -> list[list]:
        """The distribution list as rows (mutable until sent): 份号 in list order."""
        rng = self.rng
        rows: list[list] = []
        if kind.upward:
            name, channel = EXTERNAL_RECIPIENTS[0]
            rows.append(["main", None, name, channel])
        else:
            mains = rng.sample(self.subordinates, rng.choice((1, 1, 2))) if rng.random() < 0.55 else []
            for u in mains:
                rows.append(["main", u, "", "electronic"])
            if not mains:
                name, channel = rng.choice(EXTERNAL_RECIPIENTS[1:])
                rows.append(["main", None, name, channel])
            if rng.random() < 0.25:
                taken = {r[1] for r in rows}
                cc = rng.choice(self.subordinates)
                if cc not in taken:
                    rows.append(["cc", cc, "", "electronic"])
        # Stay within the share of 收文 that electronic exchange may produce.
        out = []
        for row in sorted(rows, key=lambda r: r[0] != "main"):
            if row[1] is not None:
                if budget[0] <= 0:
                    # Budget spent: the copy goes to an external recipient instead.
                    name, channel = EXTERNAL_RECIPIENTS[3]
                    if any(r[1] is None and r[2] == name for r in out):
                        continue
                    row = [row[0], None, name, channel]
                else:
                    budget[0] -= 1
            out.append(row)
        result = []
        for copy, (kind_, u, name, channel) in enumerate(out, 1):
            result.append([self.ids("documents_delivery"), doc_id, kind_, u, name, channel, copy, None, None])
        return result

    def _deliveries(self, deliveries, doc_id, title, dtype, urgency, level, years, long_term, unit, doc) -> None:
        w = self.w
        for d_id, _doc, kind_, u, name, channel, copy, at, by in deliveries:
            w.add("documents_delivery", DELIVERY_COLS, (
                d_id, doc_id, kind_, u.pk if u else None, name, channel, copy, w.ts(at), by, None, 0))
            if u is not None and at is not None:
                self.incoming_electronic(d_id, at, u, unit, title, dtype, urgency, level, years, long_term,
                                         doc["doc_number"], copy)

    # --- incoming -------------------------------------------------------------------
    def incoming_electronic(self, source_id, at, recipient, sender, title, dtype, urgency, level, years,
                            long_term, doc_number, copy) -> None:
        spec = {"title": title, "doc_type": dtype, "doc_number": doc_number, "copy_number": str(copy),
                "body": self.body(title[2:8], 0)}
        self._incoming(created=at, recipient=recipient, sender=sender, title=title,
                       doc_type=dtype, urgency=urgency, level=level, years=years,
                       long_term=long_term, doc_number=doc_number, copy=copy, source_id=source_id, spec=spec)

    def incoming_paper(self, created: dt.datetime) -> None:
        rng = self.rng
        level, years, long_term = self.level()
        if rng.random() < 0.6:
            sender = rng.choice(self.subordinates)
        else:
            sender = rng.choice(self.externals)
        dtype = pick(rng, IN_TYPES)
        subject = rng.choice(SUBJECTS)
        number = f"{sender.issuer_code or '示办'}〔{self.local_year(created)}〕{rng.randint(1, 300)}号"
        self._incoming(created=created, recipient=self.committee, sender=sender, title=f"关于{subject}的{dtype}",
                       doc_type=dtype, urgency=pick(rng, URGENCIES), level=level, years=years,
                       long_term=long_term, doc_number=number, copy=rng.randint(1, 200), source_id=None, spec=None)

    def _incoming(self, *, created, recipient, sender, title, doc_type, urgency, level, years, long_term,
                  doc_number, copy, source_id, spec) -> None:
        rng, w, ids = self.rng, self.w, self.ids
        now = self.until
        doc_id = ids("incoming_incomingdocument")
        office = self.office[(recipient.pk, level)]
        is_committee = recipient.pk == self.committee.pk
        d = {"status": "intake", "receipt": (None, None, ""), "received_at": None, "received_by": None,
             "return_reason": "", "instruct_leader": None, "handling_unit": None, "handler": None,
             "deadline": None, "completed_at": None, "summary": ""}
        tasks: list[tuple] = []   # (person, kind, status, created, done, deadline, circulation, position)
        events: list[tuple] = []  # (kind, actor, at, opinion, details)

        def number(at):
            year = self.local_year(at)
            self.in_seq[(recipient.pk, year)] += 1
            seq = self.in_seq[(recipient.pk, year)]
            d["receipt"] = (year, seq, f"收〔{year}〕{seq}号")

        def office_step(kind, start, lo, hi):
            """An office step: every office person holds it until one acts."""
            end = self.later(start, lo, hi)
            if end > now:
                for p in office:
                    tasks.append((p, kind, "open", start, None, None, None, 0))
                return None, None
            actor = rng.choice(office)
            tasks.append((actor, kind, "done", start, end, None, None, 0))
            return actor, end

        t = created
        registrar = None
        if source_id is not None:
            events.append(("delivered", None, t, "", {"copy_number": copy, "sender": sender.name}))
            registrar = office[0]
            actor, t = office_step("receive", t, 0.2, 30)
            if actor is None:
                d["status"] = "pending_receipt"
            else:
                number(t)
                d.update(received_at=t, received_by=actor, status="intake")
                registrar = actor
                events.append(("received", actor, t, "", {"receipt_number": d["receipt"][2]}))
        else:
            registrar = rng.choice(office)
            number(t)
            d.update(received_at=t, received_by=registrar, status="intake")
            events.append(("registered", registrar, t, "", {"receipt_number": d["receipt"][2]}))
        if d["status"] == "intake":
            d["status"] = self._incoming_flow(doc_id, d, tasks, events, office, office_step, t, recipient,
                                              is_committee, level)
        w.add("incoming_incomingdocument", IN_COLS, (
            doc_id, level, years, w.flag(long_term), w.day(created.astimezone(self.tz).date()) if level >= 2 else None,
            sender.pk, registrar, self.ct_delivery if source_id else None, source_id,
            "electronic" if source_id else "paper", sender.pk, sender.name, recipient.pk, copy, title, doc_type,
            doc_number, urgency, w.js(spec) if spec is not None else None, d["receipt"][0], d["receipt"][1],
            d["receipt"][2], w.ts(d["received_at"]), d["received_by"], d["status"], w.ts(created),
            d["return_reason"], d["instruct_leader"], d["handling_unit"], d["handler"], w.day(d["deadline"]),
            w.flag(False), w.ts(d["completed_at"]), d["summary"]))
        office_kinds = {"receive": 1, "intake": 2, "propose": 3, "assign": 4}
        for person, kind, status, start, done, deadline, circ, position in tasks:
            # The open copies of an office step are one first-to-act group.
            group = (-(doc_id * 16 + office_kinds[kind])
                     if kind in office_kinds and status == "open" and len(office) > 1 else None)
            w.add("workflow_task", TASK_COLS, (
                ids("workflow_task"), self.ct_in, doc_id, f"incoming.{kind}", title[:300], person, None, "",
                group, circ, None, position, status, urgency, 0, w.ts(start), None,
                w.ts(start) if status != "waiting" else None, w.day(deadline), w.flag(False), None, None,
                None, w.ts(done), person if status == "done" else None, "", None, None, None, 0, None))
        for kind, actor, at, opinion, details in events:
            w.add("incoming_incomingevent", EVENT_COLS, (
                ids("incoming_incomingevent"), doc_id, kind, actor, w.ts(at), opinion, w.js(details)))
        self.counts["incoming"] += 1
        self.counts[f"incoming:{d['status']}"] += 1

    def _incoming_flow(self, doc_id, d, tasks, events, office, office_step, t, recipient, is_committee, level) -> str:
        rng, w, now = self.rng, self.w, self.until
        actor, t = office_step("intake", t, 0.5, 20)
        if actor is None:
            return "intake"
        if rng.random() < 0.02:
            d["return_reason"] = "来文不符合行文规则，请按规定重新报送。"
            events.append(("returned", actor, t, d["return_reason"], {}))
            return "returned"
        events.append(("accepted", actor, t, "", {}))
        actor, t2 = office_step("propose", t, 0.5, 24)
        if actor is None:
            return "proposing"
        t = t2
        leaders = self.cleared(self.leaders, level)
        instruct = is_committee and leaders and rng.random() < 0.5
        handling = rng.choice(self.handling_units)
        leader = rng.choice(leaders) if instruct else None
        text = rng.choice(PROPOSALS).format(leader=self.person[leader].full_name if leader else "",
                                            unit=handling.name)
        events.append(("proposed", actor, t, text, {"leader": self.person[leader].full_name} if leader else {}))
        if instruct:
            d["instruct_leader"] = leader
            end = self.later(t, 2, 72)
            if end > now:
                tasks.append((leader, "instruct", "open", t, None, None, None, 0))
                return "instructing"
            tasks.append((leader, "instruct", "done", t, end, None, None, 0))
            kind = pick(rng, [("actionable", 60), ("guiding", 25), ("reference", 15)])
            itext = rng.choice(INSTRUCTIONS).format(unit=handling.name)
            w.add("incoming_instruction", INSTR_COLS, (self.ids("incoming_instruction"), doc_id, leader, kind,
                                                       itext, w.ts(end), w.flag(False)))
            events.append(("instructed", leader, end, itext, {"kind": kind}))
            t = end
        actor, t2 = office_step("assign", t, 0.5, 12)
        if actor is None:
            return "assigning"
        t = t2
        handler = handling.head_id
        if self.level_of[handler] < level:
            handler = rng.choice(self.cleared(self.leaders, level))
        deadline = t.astimezone(self.tz).date() + dt.timedelta(days=rng.choice((7, 10, 14, 21)))
        d.update(handling_unit=handling.pk, handler=handler, deadline=deadline)
        events.append(("assigned", actor, t, "请按时办理。", {"handling_unit": handling.name,
                                                        "deadline": deadline.isoformat()}))
        # 传阅 to two or three leaders for one committee document in four.
        if is_committee and rng.random() < 0.25:
            readers = rng.sample(self.cleared(self.leaders, level), min(len(self.cleared(self.leaders, level)),
                                                                     rng.choice((2, 3))))
            circ_id = self.ids("workflow_taskbatch")
            finished = None
            events.append(("circulated", actor, t, "", {"readers": [self.person[r].full_name for r in readers],
                                                        "sequential": False}))
            ends = []
            for i, r in enumerate(readers):
                end = self.later(t, 1, 96)
                if end > now:
                    tasks.append((r, "read", "open", t, None, None, circ_id, i))
                else:
                    tasks.append((r, "read", "done", t, end, None, circ_id, i))
                    events.append(("read", r, end, "", {}))
                    ends.append(end)
            if len(ends) == len(readers):
                finished = max(ends)
            w.add("workflow_taskbatch", BATCH_COLS, (circ_id, self.ct_in, doc_id, "incoming.read", actor,
                                                     w.ts(t), w.flag(False), None, w.ts(finished)))
        end = self.later(t, 24, 24 * 20)
        if end > now:
            tasks.append((handler, "handle", "open", t, None, deadline, None, 0))
            return "handling"
        tasks.append((handler, "handle", "done", t, end, deadline, None, 0))
        d.update(completed_at=end, summary="已按要求办理完毕。")
        events.append(("completed", handler, end, d["summary"], {}))
        return "completed"

    # --- the run ----------------------------------------------------------------------
    def run(self) -> dict:
        from django.db import transaction

        args = self.args
        n_out = round(args.count * args.outgoing_share)
        n_in = args.count - n_out
        budget = [int(n_in * 0.4)]  # electronic deliveries may make up to 40 % of 收文
        chunks = max(1, args.count // 20_000)
        span = self.until - self.start
        for c in range(chunks):
            lo, hi = self.start + span * c / chunks, self.start + span * (c + 1) / chunks
            outs = round(n_out * (c + 1) / chunks) - round(n_out * c / chunks)
            # One transaction per chunk: foreign keys are checked at its commit.
            with transaction.atomic():
                for j in range(outs):
                    self.outgoing(lo + (hi - lo) * (j + self.rng.random()) / outs, budget)
                target = round(n_in * (c + 1) / chunks)
                papers = max(0, target - self.counts["incoming"])
                for j in range(papers):
                    self.incoming_paper(lo + (hi - lo) * (j + self.rng.random()) / max(papers, 1))
                self.w.flush_all()
        self.w.flush_all()
        self._finish()
        self.w.report("done: ")
        return dict(self.counts)

    def _finish(self) -> None:
        """Advance the number sequences, reset the id sequences (PostgreSQL), analyse."""
        from django.core.management.color import no_style
        from django.db import connection, transaction

        from zhongshu.kernel.models import Sequence

        with transaction.atomic():
            for (code, year), value in self.out_seq.items():
                self._advance(Sequence, f"documents.outgoing:{code}:{year}", value)
            for (unit, year), value in self.in_seq.items():
                self._advance(Sequence, f"receipt:{unit}:{year}", value)
        if connection.vendor == "postgresql":
            from django.apps import apps

            models = [m for m in apps.get_models(include_auto_created=True)
                      if m._meta.app_label in ("documents", "incoming", "workflow")]
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cur.execute(sql)
        print("analysing …", file=sys.stderr, flush=True)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    @staticmethod
    def _advance(Sequence, key: str, value: int) -> None:
        row, _ = Sequence.objects.get_or_create(key=key)
        if row.last_value < value:
            Sequence.objects.filter(pk=row.pk).update(last_value=value)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=1_000_000, help="documents to write (default 1,000,000)")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--years", type=int, default=5, help="years the documents span (default 5)")
    p.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2026, 11, 20),
                   help="the last day of the data (default 2026-11-20)")
    p.add_argument("--outgoing-share", type=float, default=0.4)
    p.add_argument("--batch", type=int, default=5000, help="rows per insert batch")
    return p.parse_args(argv)


def prepare() -> None:
    """Migrate and load the demo organisation (if the database is empty)."""
    from django.core.management import call_command
    from django.db import connection

    if not connection.in_atomic_block:  # inside a test the database is migrated already
        call_command("migrate", verbosity=0)
    call_command("demo", if_empty=True, verbosity=0, stdout=io.StringIO())


def main(argv: list[str] | None = None) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhongshu.config.settings")
    import django

    django.setup()
    from django.db import connection

    from zhongshu.documents.incoming.models import IncomingDocument
    from zhongshu.documents.models import OutgoingDocument

    args = parse(argv)
    t0 = time.perf_counter()
    prepare()
    if OutgoingDocument.objects.exists() or IncomingDocument.objects.exists():
        raise SystemExit("the database already holds documents; generate into a fresh database")
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cur:
            # Bulk loading: the file is thrown away if the run fails.
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-1000000")
    counts = Generator(args, connection).run()
    elapsed = time.perf_counter() - t0
    counts["seconds"] = round(elapsed, 1)
    print(json.dumps(counts, ensure_ascii=False, sort_keys=True))
    return counts


if __name__ == "__main__":
    main()
