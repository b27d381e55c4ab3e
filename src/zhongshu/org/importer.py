"""Excel import of units and people (openpyxl).

Two sheets, 单位 and 人员, one row each. Every row is validated first and every error
is reported with its sheet, row and reason; only when no row is wrong does anything
get written, in one transaction. Rows match existing records by 单位代码 / 账号, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from zhongshu.access.admins import (
    ADMIN_ACCOUNT_LOCKED,
    ADMIN_ROLE_INSTALL_ONLY,
    ADMIN_ROLES,
    separation_error,
)
from zhongshu.audit import services as audit

from . import services
from .events import OrgEvent
from .models import Clearance, Person, Role, RoleCode, Unit, UnitKind

UNIT_SHEET = "单位"
PERSON_SHEET = "人员"
UNIT_COLUMNS = ["单位代码", "名称", "简称", "类型", "上级单位代码", "机关代字", "排序"]
PERSON_COLUMNS = ["账号", "姓名", "单位代码", "职务", "角色", "涉密等级", "电子邮箱", "电话",
                  "排序", "初始密码"]
KIND_BY_LABEL = {str(k.label): k.value for k in UnitKind}
CLEARANCE_BY_LABEL = {str(c.label): c.value for c in Clearance} | {
    "核心": Clearance.CORE, "重要": Clearance.IMPORTANT, "一般": Clearance.GENERAL,
    "非涉密": Clearance.NONE, "": Clearance.NONE,
}
ROLE_BY_LABEL = {str(r.label): r.value for r in RoleCode}


@dataclass
class RowError:
    sheet: str
    row: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "message": self.message}


@dataclass
class Parsed:
    units: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


Progress = Callable[[int, int], None]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(ws: Worksheet, columns: list[str], errors: list[RowError]) -> list[tuple[int, dict[str, Any]]]:
    rows = ws.iter_rows(values_only=True)
    header = [_cell(v) for v in next(rows, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        errors.append(RowError(ws.title, 1, f"表头缺少列：{'、'.join(missing)}"))
        return []
    index = {name: header.index(name) for name in columns}
    result = []
    for number, values in enumerate(rows, start=2):
        values = tuple(values) + (None,) * (len(header) - len(values))
        record = {name: _cell(values[i]) for name, i in index.items()}
        if any(record.values()):
            result.append((number, record))
    return result


def _int(value: str, default: int = 100) -> int | None:
    if value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


def parse(content: bytes, progress: Progress | None = None, *, actor: Person | None = None) -> Parsed:
    """Validate a workbook. With ``actor``, also what that person may not change: a
    system admin's import may not set clearances (三员分立)."""
    from zhongshu.access.policy import Action, can

    may_set_clearance = actor is None or can(actor, Action.CLEARANCE_SET)
    may_set_roles = actor is None or can(actor, Action.ROLE_ASSIGN)
    out = Parsed()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        out.errors.append(RowError("", 0, "无法读取该文件，请确认是 .xlsx 格式的 Excel 文件。"))
        return out
    for name in (UNIT_SHEET, PERSON_SHEET):
        if name not in wb.sheetnames:
            out.errors.append(RowError(name, 0, f"缺少工作表“{name}”。"))
    if out.errors:
        return out
    unit_rows = _rows(wb[UNIT_SHEET], UNIT_COLUMNS, out.errors)
    person_rows = _rows(wb[PERSON_SHEET], PERSON_COLUMNS, out.errors)
    total = len(unit_rows) + len(person_rows)
    done = 0

    existing_units = set(Unit.objects.values_list("code", flat=True))
    file_codes: dict[str, int] = {}
    for number, r in unit_rows:
        problems = []
        if not r["单位代码"]:
            problems.append("单位代码不能为空")
        elif r["单位代码"] in file_codes:
            problems.append(f"单位代码“{r['单位代码']}”与第 {file_codes[r['单位代码']]} 行重复")
        else:
            file_codes[r["单位代码"]] = number
        if not r["名称"]:
            problems.append("名称不能为空")
        if r["类型"] not in KIND_BY_LABEL:
            problems.append(f"类型“{r['类型']}”无效，应为：{'、'.join(KIND_BY_LABEL)}")
        if _int(r["排序"]) is None:
            problems.append(f"排序“{r['排序']}”应为非负整数")
        if len(r["名称"]) > 100 or len(r["简称"]) > 50:
            problems.append("名称不超过 100 字，简称不超过 50 字")
        for p in problems:
            out.errors.append(RowError(UNIT_SHEET, number, p))
        out.units.append({"row": number, **r})
    known_codes = existing_units | set(file_codes)
    parents = {r["单位代码"]: r["上级单位代码"] for _, r in unit_rows}
    for number, r in unit_rows:
        parent = r["上级单位代码"]
        if parent and parent not in known_codes:
            out.errors.append(RowError(UNIT_SHEET, number, f"上级单位代码“{parent}”不存在"))
        # A cycle inside the file would make the tree unreachable from its root.
        seen, node = {r["单位代码"]}, parent
        while node in parents:
            if node in seen:
                out.errors.append(RowError(UNIT_SHEET, number, "上级单位形成循环"))
                break
            seen.add(node)
            node = parents[node]
        done += 1
        if progress and done % 50 == 0:
            progress(done, total)

    existing_users = dict(Person.objects.values_list("username", "clearance"))
    existing_roles: dict[str, set[str]] = {}
    for username, code in Person.objects.filter(roles__isnull=False).values_list("username", "roles__code"):
        existing_roles.setdefault(username, set()).add(code)
    file_users: dict[str, int] = {}
    for number, r in person_rows:
        problems = []
        username = r["账号"]
        if not username:
            problems.append("账号不能为空")
        elif not all(ch.isalnum() or ch in "@.+-_" for ch in username) or len(username) > 150:
            problems.append("账号只能包含字母、数字和 @ . + - _，且不超过 150 个字符")
        elif username in file_users:
            problems.append(f"账号“{username}”与第 {file_users[username]} 行重复")
        else:
            file_users[username] = number
        if not r["姓名"]:
            problems.append("姓名不能为空")
        if not r["单位代码"]:
            problems.append("单位代码不能为空")
        elif r["单位代码"] not in known_codes:
            problems.append(f"单位代码“{r['单位代码']}”不存在")
        roles = [x.strip() for x in r["角色"].replace("，", "、").replace(",", "、").split("、") if x.strip()]
        unknown = [x for x in roles if x not in ROLE_BY_LABEL]
        if unknown:
            problems.append(f"角色“{'、'.join(unknown)}”无效，可选：{'、'.join(ROLE_BY_LABEL)}")
        elif existing_roles.get(username, set()) & ADMIN_ROLES:
            problems.append(ADMIN_ACCOUNT_LOCKED)
        elif {ROLE_BY_LABEL[x] for x in roles} & ADMIN_ROLES:
            problems.append(ADMIN_ROLE_INSTALL_ONLY)
        elif separation := separation_error(ROLE_BY_LABEL[x] for x in roles):
            problems.append(separation)
        elif (not may_set_roles and roles
              and {ROLE_BY_LABEL[x] for x in roles} != existing_roles.get(username, set())):
            problems.append("角色由安全保密管理员授予（三员分立），导入时请留空或与现有角色一致")
        if r["涉密等级"] not in CLEARANCE_BY_LABEL:
            problems.append(f"涉密等级“{r['涉密等级']}”无效，应为：核心、重要、一般、非涉密")
        elif not may_set_clearance and CLEARANCE_BY_LABEL[r["涉密等级"]] != existing_users.get(
                username, Clearance.NONE):
            problems.append("涉密等级由安全保密管理员设定（三员分立），导入时请留空或与现有等级一致")
        if r["电子邮箱"]:
            try:
                validate_email(r["电子邮箱"])
            except ValidationError:
                problems.append(f"电子邮箱“{r['电子邮箱']}”格式不正确")
        if _int(r["排序"]) is None:
            problems.append(f"排序“{r['排序']}”应为非负整数")
        # 初始密码 is used only when an account is created: an existing person's password
        # changes only by a reset (with its reason and, above 一般, its approval).
        if r["初始密码"] and username not in existing_users:
            try:
                validate_password(r["初始密码"])
            except ValidationError as exc:
                problems.append("初始密码不符合要求：" + "；".join(exc.messages))
        for p in problems:
            out.errors.append(RowError(PERSON_SHEET, number, p))
        # An empty 角色 column leaves an existing person's roles as they are.
        out.people.append({"row": number, "roles": [ROLE_BY_LABEL.get(x) for x in roles] if roles else None,
                           "is_new": username not in existing_users, **r})
        done += 1
        if progress and done % 50 == 0:
            progress(done, total)
    if progress:
        progress(total, total)
    if not unit_rows and not person_rows and not out.errors:
        out.errors.append(RowError("", 0, "文件中没有数据行。"))
    return out


@transaction.atomic
def apply(parsed: Parsed, *, actor: Person, progress: Progress | None = None) -> dict[str, Any]:
    """Write a validated import. Raises on any problem so the transaction rolls back."""
    assert not parsed.errors
    summary = {"units_created": 0, "units_updated": 0, "people_created": 0,
               "people_updated": 0, "people_without_password": 0}
    total = len(parsed.units) + len(parsed.people)
    done = 0
    by_code = {u.code: u for u in Unit.objects.all()}
    # Parents may come later in the file: create every unit first, then link parents.
    for r in parsed.units:
        fields = {"name": r["名称"], "short_name": r["简称"], "kind": KIND_BY_LABEL[r["类型"]],
                  "issuer_code": r["机关代字"], "sort_order": _int(r["排序"])}
        unit = by_code.get(r["单位代码"])
        if unit is None:
            unit = services.unit_create(actor=actor, code=r["单位代码"], **fields)
            by_code[unit.code] = unit
            summary["units_created"] += 1
        else:
            services.unit_update(actor=actor, unit=unit, **fields)
            summary["units_updated"] += 1
        done += 1
        if progress and done % 50 == 0:
            progress(done, total)
    for r in parsed.units:
        parent = by_code.get(r["上级单位代码"]) if r["上级单位代码"] else None
        unit = by_code[r["单位代码"]]
        if unit.parent_id != (parent.pk if parent else None):
            services.unit_update(actor=actor, unit=unit, parent=parent)
    users = {p.username: p for p in Person.objects.filter(
        username__in=[r["账号"] for r in parsed.people])}
    for r in parsed.people:
        fields = {"full_name": r["姓名"], "unit": by_code[r["单位代码"]], "position": r["职务"],
                  "clearance": CLEARANCE_BY_LABEL[r["涉密等级"]], "email": r["电子邮箱"],
                  "phone": r["电话"], "sort_order": _int(r["排序"])}
        person = users.get(r["账号"])
        if person is None:
            services.person_create(actor=actor, username=r["账号"], roles=r["roles"] or (),
                                   password=r["初始密码"] or None, **fields)
            summary["people_created"] += 1
            if not r["初始密码"]:
                summary["people_without_password"] += 1
        else:
            services.person_update(actor=actor, person=person, roles=r["roles"], **fields)
            summary["people_updated"] += 1
        done += 1
        if progress and done % 50 == 0:
            progress(done, total)
    audit.record(actor=actor, action=OrgEvent.IMPORT_APPLY, details=summary)
    return summary


def template_workbook() -> bytes:
    """An empty workbook with both sheets, their headers and one example row each."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet
    ws.title = UNIT_SHEET
    ws.append(UNIT_COLUMNS)
    ws.append(["DEMO01", "示例区委办公室", "示例区委办", "下级单位", "", "示区委办发", 10])
    ws = wb.create_sheet(PERSON_SHEET)
    ws.append(PERSON_COLUMNS)
    # 角色 and 涉密等级 are the security admin's to give: the example leaves them empty.
    ws.append(["zhangsan", "张三", "DEMO01", "科员", "", "", "zhangsan@example.org",
               "0000-1234567", 10, ""])
    for sheet in wb.worksheets:
        for number in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(number)].width = 16
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def role_codes_valid(codes: list[str]) -> bool:
    return set(codes) <= set(Role.objects.values_list("code", flat=True))
