"""The policy matrix: every URL of the project, and what each persona gets from it.

To add a URL, add one entry to ``MATRIX`` keyed by its name (``namespace:name``; the
route for an unnamed pattern). ``get`` and ``post`` map every persona to the expected
status; build them with ``signed_in``, ``only`` and ``everyone``. POST is sent with an
empty form: an allowed persona gets the form back with errors (200) or a redirect, and a
refused one must change nothing (no audit event appears but the refusal's own
``access.denied``, since every write records one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import uploads
from tests.access.world import LIKE_STAFF, PERSONAS, build_world

ANON = "anonymous"
LOGIN = "→login"  # a redirect to the sign-in page
DENIED = {LOGIN, 403, 404, 405}


def everyone(status: int | str) -> dict:
    return {p: status for p in PERSONAS}


def signed_in(status: int | str = 200, anonymous: int | str = LOGIN) -> dict:
    return {p: anonymous if p == ANON else status for p in PERSONAS}


def only(allowed: dict[str, int | str] | set[str], deny: int = 403, ok: int | str = 200) -> dict:
    """``allowed`` personas get their status (``ok`` if given as a set); other signed-in
    personas get ``deny``; anonymous visitors are sent to sign in."""
    allowed = dict.fromkeys(allowed, ok) if isinstance(allowed, set) else allowed
    return {p: LOGIN if p == ANON else allowed.get(p, deny) for p in PERSONAS}


@dataclass
class Row:
    get: dict
    post: dict | None = None
    args: Callable[[SimpleNamespace], list] | None = None

    def path(self, key: str, world: SimpleNamespace) -> str:
        return reverse(key, args=self.args(world) if self.args else None)


SYSADMIN = {"sysadmin"}
SECADMIN = {"secadmin"}
SEALS_VIEWERS = {"secadmin", "clerk"}
# Who may see the classified test dossier (机密): cleared and inside its need-to-know.
DOSSIER_READERS = {"clerk", "cleared_granted", "leader"}
# Personas that hold any role.
ROLE_HOLDERS = {"sysadmin", "secadmin", "auditor", "leader", "secretary", "clerk", "flowadmin"}
# 收文: the office and the leaders keep the register; the matrix document waits for the
# office's 初审, so only the secretary and the clerk are on its route.
INCOMING_LISTERS = {"leader", "secretary", "clerk"}
INCOMING_ROUTE = {"secretary", "clerk"}

def _pick_group():
    from zhongshu.org.models import PickGroup

    return PickGroup.objects.get_or_create(code="matrix", defaults={"name": "矩阵分组", "kind": "units"})[0]


def _own_phrase(world: SimpleNamespace):
    from zhongshu.workflow.models import OpinionPhrase

    return OpinionPhrase.objects.get_or_create(owner=world.secretary, text="矩阵测试意见")[0]


MATRIX: dict[str, Row] = {
    # --- shell ---
    "home": Row(get=signed_in()),
    "healthz": Row(get=everyone(200)),
    "login": Row(get=signed_in(302, anonymous=200), post=signed_in(302, anonymous=200)),
    # Sign-out is POST only; anonymous visitors are sent to sign in by the middleware.
    "logout": Row(get=signed_in(405), post=everyone(302)),
    "org:profile": Row(get=signed_in(), post=signed_in()),
    # Only a one-time password keeps one there; everyone else is sent to the profile.
    "org:password_change": Row(get=signed_in(302), post=signed_in(302)),
    # --- system admin (org, kernel) ---
    "org:unit_list": Row(get=only(SYSADMIN)),
    "org:unit_create": Row(get=only(SYSADMIN), post=only(SYSADMIN)),
    "org:unit_edit": Row(get=only(SYSADMIN), post=only(SYSADMIN), args=lambda w: [w.office.pk]),
    "org:person_list": Row(get=only(SYSADMIN)),
    "org:person_create": Row(get=only(SYSADMIN), post=only(SYSADMIN)),
    "org:person_edit": Row(get=only(SYSADMIN), post=only(SYSADMIN), args=lambda w: [w.staff.pk]),
    "org:person_unlock": Row(get=only(SYSADMIN, ok=302), post=only(SYSADMIN, ok=302),
                             args=lambda w: [w.staff.pk]),
    "org:person_reset_password": Row(get=only(SYSADMIN), post=only(SYSADMIN), args=lambda w: [w.staff.pk]),
    "org:import_start": Row(get=only(SYSADMIN), post=only(SYSADMIN)),
    "org:import_template": Row(get=only(SYSADMIN)),
    # --- pickers (org.pickers): fragments for any signed-in person; a request without
    # the picker's signed token is refused with a message (400) ---
    "org:pick_dialog": Row(get=signed_in(400)),
    "org:pick_tree": Row(get=signed_in(400)),
    "org:pick_search": Row(get=signed_in(400)),
    "org:pick_recent": Row(get=signed_in(405), post=signed_in(400)),
    # The office's groups: the system admin and the office director (no persona here).
    "org:pick_group_list": Row(get=only(SYSADMIN)),
    "org:pick_group_create": Row(get=only(SYSADMIN), post=only(SYSADMIN)),
    "org:pick_group_edit": Row(get=only(SYSADMIN), post=only(SYSADMIN), args=lambda w: [_pick_group().pk]),
    "kernel:calendar": Row(get=only(SYSADMIN), post=only(SYSADMIN)),
    "kernel:calendar_import": Row(get=only(SYSADMIN), post=only(SYSADMIN)),
    # --- background jobs: each person sees their own; someone else's does not exist ---
    "jobs:list": Row(get=signed_in()),
    "jobs:detail": Row(get=only({"secretary"}, deny=404), args=lambda w: [w.export_job.pk]),
    "jobs:download": Row(get=only({"secretary"}, deny=404), args=lambda w: [w.export_job.pk]),
    # Only an interrupted job runs again: the owner's finished one is refused with a message.
    "jobs:retry": Row(get=signed_in(405), post=only({"secretary"}, deny=404, ok=302),
                      args=lambda w: [w.export_job.pk]),
    # 我的导出 moved to 我的后台任务.
    "exports:list": Row(get=signed_in(301)),
    # --- security admin (access) ---
    "access:clearance_list": Row(get=only(SECADMIN)),
    "access:clearance_edit": Row(get=only(SECADMIN), post=only(SECADMIN), args=lambda w: [w.staff.pk]),
    "access:grant_list": Row(get=only(SECADMIN)),
    "access:password_reset_list": Row(get=only(SECADMIN)),
    "access:password_reset_detail": Row(get=only(SECADMIN), post=only(SECADMIN),
                                        args=lambda w: [w.reset_request.pk]),
    "access:object_grants": Row(get=only(SECADMIN), post=only(SECADMIN),
                                args=lambda w: ["access_testapp.dossier", w.dossier.pk]),
    "access:grant_revoke": Row(get=only({"secadmin": 405}), post=only({"secadmin": 302}),
                               args=lambda w: [w.grant.pk]),
    # --- leaders and secretaries ---
    "access:delegation_list": Row(get=signed_in(), post=only({"leader": 200})),
    # Someone else's delegation is invisible (404); only its leader may revoke it.
    "access:delegation_revoke": Row(get=signed_in(405), post=only({"leader": 302}, deny=404),
                                    args=lambda w: [w.delegation.pk]),
    # --- forwarding: clearance × need-to-know decides, invisible means 404 ---
    "access:forward_list": Row(get=signed_in()),
    "access:forward_create": Row(get=only(DOSSIER_READERS, deny=404),
                                 post=only(DOSSIER_READERS, deny=404),
                                 args=lambda w: ["access_testapp.dossier", w.dossier.pk]),
    # The requester and the owner unit's head see the request; only the head decides.
    "access:forward_detail": Row(get=only({"cleared_granted", "leader"}, deny=404),
                                 post=only({"cleared_granted": 403, "leader": 200}, deny=404),
                                 args=lambda w: [w.forward_request.pk]),
    # --- 办文: layout preview (an empty POST is answered with the form and errors, 400) ---
    "layout:render": Row(get=only({"leader", "secretary"}),
                         post=only({"leader": 400, "secretary": 400})),
    # --- the audit trail ---
    # --- routing (workflow) and the inbox ---
    # 常用意见: everyone keeps their own; someone else's does not exist for them.
    "workflow:phrases": Row(get=signed_in(), post=signed_in()),
    "workflow:phrase_edit": Row(get=only({"secretary"}, deny=404), post=only({"secretary"}, deny=404),
                                args=lambda w: [_own_phrase(w).pk]),
    "workflow:phrase_delete": Row(get=signed_in(405), post=only({"secretary": 302}, deny=404),
                                  args=lambda w: [_own_phrase(w).pk]),
    # Secretaries read the templates; only the director or a workflow administrator
    # changes them (issue 10 §7).
    "workflow:template_list": Row(get=only({"secretary", "flowadmin"})),
    "workflow:template_create": Row(get=only({"flowadmin"}), post=only({"flowadmin"})),
    "workflow:template_edit": Row(get=only({"flowadmin"}), post=only({"flowadmin"}),
                                  args=lambda w: [w.template.pk]),
    "workflow:template_version": Row(get=only({"secretary", "flowadmin"}), args=lambda w: [w.template.pk, 1]),
    # People on the route see it; for everyone else it does not exist.
    "workflow:route_detail": Row(get=only({"secretary", "leader"}, deny=404),
                                 args=lambda w: [w.route.pk]),
    # POST only. A participant with no pending step is sent back to the route with a
    # message (and nothing changes); outsiders get 404.
    "workflow:route_act": Row(get=signed_in(405), post=only({"leader": 302, "secretary": 302}, deny=404),
                              args=lambda w: [w.route.pk]),
    "inbox:home": Row(get=signed_in()),
    "inbox:notifications": Row(get=signed_in()),
    "inbox:notification_read": Row(get=signed_in(405), post=only({"staff": 302}, deny=404),
                                   args=lambda w: [w.notification.pk]),
    "inbox:notification_read_all": Row(get=signed_in(405), post=signed_in(302)),
    # --- 公文校对: anyone with a role checks; the office keeps the term list ---
    "proofread:check": Row(get=only(ROLE_HOLDERS), post=only(ROLE_HOLDERS)),
    "proofread:term_list": Row(get=only({"secretary"})),
    "proofread:term_create": Row(get=only({"secretary"}), post=only({"secretary"})),
    "proofread:term_edit": Row(get=only({"secretary"}), post=only({"secretary"}),
                               args=lambda w: [w.term.pk]),
    "proofread:term_toggle": Row(get=only({"secretary": 405}), post=only({"secretary": 302}),
                                 args=lambda w: [w.term.pk]),
    # --- 电子印章 (seals): the security admin makes and changes seals; the clerk sees them.
    # An empty POST changes nothing: the form comes back, or a message on the seal's page.
    "seals:list": Row(get=only(SEALS_VIEWERS)),
    "seals:revocations": Row(get=only(SEALS_VIEWERS)),
    "seals:create": Row(get=only(SECADMIN), post=only(SECADMIN)),
    "seals:detail": Row(get=only(SEALS_VIEWERS), args=lambda w: [w.seal.pk]),
    "seals:image": Row(get=only(SEALS_VIEWERS), args=lambda w: [w.seal.pk]),
    "seals:rotate": Row(get=signed_in(405), post=only({"secadmin": 302}), args=lambda w: [w.seal.pk]),
    "seals:revoke": Row(get=signed_in(405), post=only({"secadmin": 302}), args=lambda w: [w.seal.pk]),
    "seals:key_revoke": Row(get=signed_in(405), post=only({"secadmin": 302}),
                            args=lambda w: [w.seal.keys.get().pk]),
    # --- 收文 (documents.incoming): the office and leaders keep the register; a document
    # is seen by those on its route (the matrix document waits for the office's 初审) ---
    "incoming:register": Row(get=only(INCOMING_LISTERS)),
    # POST only: starts a background export and goes to its progress page.
    "incoming:export": Row(get=signed_in(405), post=only(INCOMING_LISTERS, ok=302)),
    "incoming:pending": Row(get=only(INCOMING_LISTERS)),
    # An empty registration form comes back with its errors.
    "incoming:create": Row(get=only({"secretary", "clerk"}), post=only({"secretary", "clerk"})),
    "incoming:detail": Row(get=only(INCOMING_ROUTE, deny=404), args=lambda w: [w.incoming.pk]),
    # POST only; an empty POST is sent back to the document with a message.
    "incoming:act": Row(get=signed_in(405), post=only(dict.fromkeys(INCOMING_ROUTE, 302), deny=404),
                        args=lambda w: [w.incoming.pk]),
    "incoming:download": Row(get=only(INCOMING_ROUTE, deny=404),
                             args=lambda w: [w.incoming.pk, w.incoming.files.get().pk]),
    # 变更密级 (issue 11 §6): the owner unit's head (the leader persona heads the office that
    # drafted the matrix 发文) changes it; others who see it are refused, the rest get 404.
    "documents:reclassify": Row(get=only({"leader": 200, "secretary": 403, "clerk": 403}, deny=404),
                                post=only({"leader": 200, "secretary": 403, "clerk": 403}, deny=404),
                                args=lambda w: ["outgoing", w.outgoing.pk]),
    "audit:event_list": Row(get=only({"auditor", "secadmin"})),
    # POST only: starts a background export and goes to its progress page.
    "audit:export": Row(get=signed_in(405), post=only({"auditor"}, ok=302)),
}


# Apps keep their rows (and the objects the rows need) beside their tests.
ROW_MODULES = ["tests.documents.matrix_rows", "tests.inspections.matrix_rows",
               "tests.documents.incoming.matrix_rows", "tests.supervision.matrix_rows",
               "tests.dashboard.matrix_rows"]


def _add_rows() -> None:
    import importlib

    for name in ROW_MODULES:
        MATRIX.update(importlib.import_module(name).ROWS)


_add_rows()


def url_keys(resolver: URLResolver | None = None) -> Iterator[str]:
    """Every URL pattern of the project, by ``namespace:name`` (or route if unnamed)."""

    def walk(patterns, prefix: str, namespaces: list[str]) -> Iterator[str]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, route, namespaces + ([p.namespace] if p.namespace else []))
            elif isinstance(p, URLPattern):
                yield ":".join([*namespaces, p.name]) if p.name else route

    yield from walk((resolver or get_resolver()).url_patterns, "", [])


def coverage_problems(resolver: URLResolver | None = None, matrix: dict | None = None) -> list[str]:
    matrix = MATRIX if matrix is None else matrix
    keys = list(url_keys(resolver))
    problems = [f"URL “{k}” is not in the policy matrix (tests/access/matrix.py)"
                for k in keys if k not in matrix]
    problems += [f"matrix row “{k}” names no URL of the project" for k in matrix if k not in keys]
    return problems


ALL_PERSONAS = PERSONAS + LIKE_STAFF


def _secret_route(w: SimpleNamespace) -> None:
    """A 机密 draft of 政研室 waiting at its head's 部门审核; the head (route_below) was
    cleared 重要 then and is 一般 now: on the route, below its level."""
    from tests.documents.conftest import notice_spec
    from zhongshu.access.classification import Level
    from zhongshu.documents import services
    from zhongshu.org.models import Clearance, Person

    w.other.head = w.route_below
    w.other.save()
    drafter = Person.objects.create(username="secretdrafter", full_name="机密拟稿人", unit=w.other,
                                    clearance=Clearance.IMPORTANT)
    w.secret = services.outgoing_create(actor=drafter, doc_type="通知", classification=Level.SECRET,
                                        secrecy_years=10, spec=notice_spec("关于矩阵机密工程的通知"))
    services.outgoing_submit(actor=drafter, document=w.secret)
    Person.objects.filter(pk=w.route_below.pk).update(clearance=Clearance.GENERAL)
    w.route_below.refresh_from_db()


def _titles(w: SimpleNamespace) -> list[tuple[str, frozenset[str]]]:
    """Each title of the world's items, with the personas that may meet it in a body:
    those who may see the item, and the auditor and the security admin on the audit
    pages when the item is within their clearance (higher ones are masked there)."""
    from zhongshu.access.classification import clearance_covers
    from zhongshu.access.policy import Action, can

    out = []
    for obj in (w.dossier, w.outgoing, w.incoming, w.secret):
        allowed = {p for p in ALL_PERSONAS if p != ANON and (
            can(w.people[p], Action.OBJECT_VIEW, obj)
            or (p in {"auditor", "secadmin"} and clearance_covers(w.people[p], obj.classification)))}
        out.append((obj.title, frozenset(allowed)))
    return out


def matrix_world() -> SimpleNamespace:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from zhongshu.access.models import ForwardRequest, Grant
    from zhongshu.documents.incoming import services as incoming_services
    from zhongshu.kernel import filestore
    from zhongshu.kernel.models import Job, JobFile, JobStatus
    from zhongshu.org.models import PasswordResetRequest

    w = build_world()
    import importlib

    for name in ROW_MODULES:
        add = getattr(importlib.import_module(name), "add_to_world", None)
        if add is not None:
            add(w)
    w.reset_request = PasswordResetRequest.objects.create(person=w.cleared_granted, requested_by=w.sysadmin,
                                                          reason="本人遗忘密码")
    now = timezone.now()
    w.export_job = Job.objects.create(
        owner=w.secretary, kind="outgoing_register", status=JobStatus.DONE, finished_at=now,
        expires_at=now + dt.timedelta(hours=24), result={"rows": 0, "capped": False})
    JobFile.objects.create(job=w.export_job, purpose=JobFile.Purpose.RESULT, name="outgoing-register.xlsx",
                           content_type="application/octet-stream", size=7,
                           blob=filestore.put(b"PK xlsx"))
    w.grant = Grant.objects.get(person=w.cleared_granted)
    from zhongshu.seals.services import seal_create

    w.seal = seal_create(actor=None, organ_code="mx", name="矩阵测试机关")
    w.incoming = incoming_services.incoming_register(
        actor=w.secretary, recipient_unit=w.office, title="关于矩阵测试的请示", doc_type="请示",
        sender_name="省委办公厅", files=[("来文.pdf", uploads.pdf("矩阵"))])
    w.forward_request = ForwardRequest.objects.create(
        content_type=ContentType.objects.get_for_model(type(w.dossier)), object_id=w.dossier.pk,
        owner_unit=w.office, classification=w.dossier.classification,
        requested_by=w.cleared_granted, recipient_person=w.cleared_ungranted, reason="请阅")
    _secret_route(w)
    w.titles = _titles(w)
    return w


def check_row(client, world: SimpleNamespace, key: str, row: Row) -> list[str]:
    """Send every persona's requests; return what differed from the declaration, and
    every title a persona met in a body that it may not see (pages, fragments, API)."""
    from zhongshu.audit.models import AuditEvent

    path = row.path(key, world)
    login_url = reverse("login")
    failures = []
    for persona in (ALL_PERSONAS if hasattr(world, "titles") else PERSONAS):
        for method, expected in (("GET", row.get), ("POST", row.post)):
            if expected is None:
                continue
            if persona == ANON:
                client.logout()
            else:
                client.force_login(world.people[persona])
            want = expected.get(persona, expected["cleared_ungranted"])
            before = AuditEvent.objects.exclude(action__startswith="access.denied").count()
            response = client.get(path) if method == "GET" else client.post(path, {})
            got = response.status_code
            if want == LOGIN:
                ok = got == 302 and response["Location"].startswith(login_url)
            else:
                ok = got == want
            if not ok:
                failures.append(f"{key} {method} {path} as {persona}: expected {want}, got {got}")
            # A refusal writes its own ``access.denied`` event (issue 11 §11) and nothing else.
            if want in DENIED and AuditEvent.objects.exclude(action__startswith="access.denied").count() != before:
                failures.append(f"{key} {method} as {persona}: refused, but something was written")
            failures += _leaks(key, method, persona, response, getattr(world, "titles", []))
    return failures


_TEXT_TYPES = ("text/", "application/json")


def _leaks(key: str, method: str, persona: str, response, titles) -> list[str]:
    """Titles in a text body (page, fragment, JSON) that ``persona`` may not see."""
    kind = response.get("Content-Type", "")
    if not kind.startswith(_TEXT_TYPES) or getattr(response, "streaming", False):
        return []
    body = response.content.decode("utf-8", errors="ignore")
    return [f"{key} {method} as {persona}: the body shows “{title}”, which {persona} may not see"
            for title, allowed in titles if persona not in allowed and title in body]
