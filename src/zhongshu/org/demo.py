"""The demo organisation: a fictional municipal party committee and its office.

Deterministic: the same units, people, roles and accounts every time, so that the
README, the tests and a trainer's slides all name the same people. Everything is
created through the org services, as an administrator would.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from . import installation, services
from .installation import AdminSpec
from .models import Clearance, Person, RoleCode, Unit, UnitKind
from .pickers.demo import load_demo_groups

R = RoleCode
C = Clearance

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
            "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建国志文辉鹏宇浩凯健俊帆"
         "晨阳海波宁欣颖琳雪梅林峰斌鑫晓东立新德辰思远博瑞佳怡子涵雨婷嘉豪一鸣天宇泽宏丹青")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    position: str
    what: str


# The accounts the README documents, one per role that a trainer shows.
KEY_ACCOUNTS = [
    DemoAccount("shuji", "陈国栋", "市委书记", "领导（签发、批示）"),
    DemoAccount("mishuzhang", "林志远", "市委常委、秘书长", "领导（分管办公室）"),
    DemoAccount("zhuren", "周文博", "市委办公室主任", "办公室主任（核稿、拟办、签发市委办文件）"),
    DemoAccount("fuzhuren", "杜振宇", "市委办公室副主任", "副主任（分管秘书一处等，处长本人起草时审核）"),
    DemoAccount("mishu1", "赵晓东", "秘书一处处长", "处长（部门审核）、秘书（收文登记）"),
    DemoAccount("keyuan1", "钱思源", "秘书一处科员", "拟稿人"),
    DemoAccount("wenshu", "宋雅琴", "综合处科员（文书）", "文书（复核、编号、用印、印制、分发）"),
    DemoAccount("jiyao", "孙丽华", "机要室主任", "机要员（涉密文件）"),
    DemoAccount("ducha", "吴建国", "督查室主任", "督查员"),
    DemoAccount("xinxi", "郑晨阳", "信息处处长", "信息员"),
    DemoAccount("zhiban", "王海波", "值班室主任", "值班员"),
    DemoAccount("dangan", "刘雪梅", "档案室主任", "档案员"),
    DemoAccount("lianluo01", "何思远", "办公室副主任", "联络员（东城区委办公室）"),
    DemoAccount("sysadmin", "许立新", "系统管理员", "系统管理员（账号、单位、设置）"),
    DemoAccount("secadmin", "韩玉兰", "保密管理员", "安全保密管理员（涉密等级、授权）"),
    DemoAccount("auditor", "冯德辰", "安全审计员", "安全审计员（审计日志）"),
]

# (code, name, short name, issuer code, key account heading it, roles of its staff, clearance)
DEPARTMENTS = [
    ("BGS-ZH", "综合处", "综合处", "", None, (R.SECRETARY,), C.GENERAL),
    ("BGS-MS1", "秘书一处", "秘书一处", "", "mishu1", (R.SECRETARY,), C.IMPORTANT),
    ("BGS-MS2", "秘书二处", "秘书二处", "", None, (R.SECRETARY,), C.IMPORTANT),
    ("BGS-MS3", "秘书三处", "秘书三处", "", None, (R.SECRETARY,), C.GENERAL),
    ("BGS-DC", "督查室", "督查室", "示市委办督", "ducha", (R.SUPERVISION_OFFICER,), C.GENERAL),
    ("BGS-XX", "信息处", "信息处", "", "xinxi", (R.INFORMATION_OFFICER,), C.GENERAL),
    ("BGS-JY", "机要室", "机要室", "", "jiyao", (R.CONFIDENTIAL_CLERK,), C.CORE),
    ("BGS-ZB", "值班室", "值班室", "", "zhiban", (R.DUTY_OFFICER,), C.IMPORTANT),
    ("BGS-DA", "档案室", "档案室", "", "dangan", (R.ARCHIVIST,), C.IMPORTANT),
    ("BGS-FG", "法规室", "法规室", "", None, (R.SECRETARY,), C.GENERAL),
    # Security and IT staff hold no business role: their colleagues are ordinary staff.
    ("BGS-BM", "保密办", "保密办", "", "secadmin", (), C.CORE),
    ("BGS-XXH", "信息化处", "信息化处", "", "sysadmin", (), C.GENERAL),
]

SUBORDINATES = [
    ("DCQ", "中共示例市东城区委员会", "东城区委", "东委发"),
    ("XCQ", "中共示例市西城区委员会", "西城区委", "西委发"),
    ("NHQ", "中共示例市南湖区委员会", "南湖区委", "南委发"),
    ("BSQ", "中共示例市北山区委员会", "北山区委", "北委发"),
    ("LJX", "中共临江县委员会", "临江县委", "临发"),
    ("QSX", "中共青石县委员会", "青石县委", "青发"),
    ("FGW", "示例市发展和改革委员会", "市发展改革委", "示发改"),
    ("JYJ", "示例市教育局", "市教育局", "示教"),
    ("GAJ", "示例市公安局", "市公安局", "示公"),
    ("CZJ", "示例市财政局", "市财政局", "示财"),
    ("RSJ", "示例市人力资源和社会保障局", "市人力资源社会保障局", "示人社"),
    ("ZRJ", "示例市自然资源和规划局", "市自然资源规划局", "示自然资规"),
    ("STJ", "示例市生态环境局", "市生态环境局", "示环"),
    ("ZJJ", "示例市住房和城乡建设局", "市住房城乡建设局", "示建"),
    ("JTJ", "示例市交通运输局", "市交通运输局", "示交"),
    ("NYJ", "示例市农业农村局", "市农业农村局", "示农"),
    ("SWJ", "示例市商务局", "市商务局", "示商"),
    ("WLJ", "示例市文化广电旅游局", "市文化广电旅游局", "示文旅"),
    ("WJW", "示例市卫生健康委员会", "市卫生健康委", "示卫健"),
    ("YJJ", "示例市应急管理局", "市应急管理局", "示应急"),
    ("SJJ", "示例市市场监督管理局", "市市场监管局", "示市监"),
]

EXTERNAL = [
    ("EXT-SWBGT", "中共示例省委办公厅", "省委办公厅"),
    ("EXT-SZFBGT", "示例省人民政府办公厅", "省政府办公厅"),
    ("EXT-RD", "示例市人大常委会办公室", "市人大常委会办公室"),
    ("EXT-ZF", "示例市人民政府办公室", "市政府办公室"),
    ("EXT-ZX", "政协示例市委员会办公室", "市政协办公室"),
]

LEADERS = [  # (username or None, name, position, clearance)
    ("shuji", "陈国栋", "市委书记", C.CORE),
    (None, "杨振华", "市委副书记、市长", C.CORE),
    (None, "黄立民", "市委副书记", C.CORE),
    ("mishuzhang", "林志远", "市委常委、秘书长", C.CORE),
    (None, "郭建平", "市委常委、组织部部长", C.CORE),
]


# The demo's administrators, as README describes them.
ADMIN_CLEARANCES = {R.SYSTEM_ADMIN: C.GENERAL, R.SECURITY_ADMIN: C.CORE, R.AUDITOR: C.GENERAL}


class NameMaker:
    """Realistic, unique, repeatable Chinese names."""

    def __init__(self, seed: int, taken: set[str]) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (names, not secrets)
        self.taken = set(taken)

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.taken:
                self.taken.add(name)
                return name


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo organisation. The caller makes sure the database is empty."""
    services.roles_ensure()
    pw = make_password(settings.DEMO_PASSWORD)
    names = NameMaker(2026, {a.full_name for a in KEY_ACCOUNTS} | {n for _, n, _, _ in LEADERS})
    key = {a.username: a for a in KEY_ACCOUNTS}
    serial = iter(range(1, 10_000))

    def person(unit: Unit, position: str, roles: Iterable[str] = (), clearance: str = C.NONE, username: str | None = None,
               full_name: str | None = None, sort_order: int = 100) -> Person:
        n = next(serial)
        return services.person_create(
            actor=None, username=username or f"u{n:04d}", full_name=full_name or names(),
            unit=unit, position=position, roles=roles, clearance=clearance,
            phone=f"0000-{6100000 + n}", email=f"{username or f'u{n:04d}'}@demo.zhongshu.local",
            password_hash=pw, sort_order=sort_order,
        )

    committee = services.unit_create(actor=None, name="中共示例市委员会", short_name="示例市委",
                                     code="SW", kind=UnitKind.ORGAN, issuer_code="示市委发",
                                     sort_order=1)
    office = services.unit_create(actor=None, name="中共示例市委办公室", short_name="市委办公室",
                                  code="SWBGS", kind=UnitKind.ORGAN, parent=committee,
                                  issuer_code="示市委办发", sort_order=2)
    leaders = []
    for i, (username, name, position, clearance) in enumerate(LEADERS):
        leaders.append(person(committee, position, (R.LEADER,), clearance, username, name, i + 1))
    secretary_general = leaders[3]
    services.unit_update(actor=None, unit=committee, head=leaders[0])

    director = person(office, "市委办公室主任", (R.OFFICE_DIRECTOR, R.LEADER), C.CORE, "zhuren",
                      key["zhuren"].full_name, 1)
    deputies = [person(office, "市委办公室副主任", (R.OFFICE_DIRECTOR,), C.IMPORTANT,
                       "fuzhuren" if i == 0 else None,
                       key["fuzhuren"].full_name if i == 0 else None, sort_order=2 + i) for i in range(3)]
    services.unit_update(actor=None, unit=office, head=director, leader_in_charge=secretary_general)

    # The three administrators are installed as a real installation installs them
    # (``org.installation``), in the units they work in. They head no unit: a unit's
    # head decides requests about its items, which no administrator account may do.
    admin_specs: dict[str, AdminSpec] = {}
    admin_units = {"sysadmin": R.SYSTEM_ADMIN, "secadmin": R.SECURITY_ADMIN, "auditor": R.AUDITOR}

    def admin_spec(username: str, unit: Unit, sort_order: int) -> None:
        next(serial)  # keep every other demo account's number as it always was
        acct, role = key[username], admin_units[username]
        admin_specs[role] = AdminSpec(username=username, full_name=acct.full_name, unit=unit,
                                      position=acct.position, clearance=ADMIN_CLEARANCES[role],
                                      password_hash=pw, sort_order=sort_order)

    departments: dict[str, Unit] = {}
    for order, (code, name, short, issuer, head_user, roles, clearance) in enumerate(DEPARTMENTS, 1):
        dept = services.unit_create(actor=None, name=name, short_name=short, code=code,
                                    kind=UnitKind.DEPARTMENT, parent=office, issuer_code=issuer,
                                    sort_order=order)
        head = None
        if head_user in admin_units:
            admin_spec(head_user, dept, 1)
        else:
            acct = key.get(head_user) if head_user else None
            # 综合处's head keeps the routing templates beside the director (流程管理员).
            head_roles = (*roles, R.WORKFLOW_ADMIN) if code == "BGS-ZH" else roles
            head = person(dept, acct.position if acct else f"{name}处长", head_roles, clearance,
                          acct.username if acct else None, acct.full_name if acct else None, 1)
        staff = [person(dept, "副处长" if j == 0 else ("主任科员" if j < 3 else "科员"),
                        roles, clearance if j < 3 else C.GENERAL, sort_order=2 + j)
                 for j in range(6)]
        # Where an administrator works, the deputy heads the unit. Each department has a
        # deputy director in charge, who reviews what its head drafts himself.
        services.unit_update(actor=None, unit=dept, head=head or staff[0],
                             leader_in_charge=deputies[(order - 2) % len(deputies)])
        departments[code] = dept
        if code == "BGS-FG":
            admin_spec("auditor", dept, 9)
    installation.administrators_install(admin_specs)

    for order, (code, name, short, issuer) in enumerate(SUBORDINATES, 10):
        unit = services.unit_create(actor=None, name=name, short_name=short, code=code,
                                    kind=UnitKind.SUBORDINATE, parent=committee,
                                    issuer_code=issuer, sort_order=order)
        head = person(unit, "主要负责人", (), C.IMPORTANT, sort_order=1)
        if code == "DCQ":
            liaison = person(unit, key["lianluo01"].position, (R.LIAISON_OFFICER,), C.GENERAL,
                             "lianluo01", key["lianluo01"].full_name, 2)
        else:
            liaison = person(unit, "办公室副主任", (R.LIAISON_OFFICER,), C.GENERAL, sort_order=2)
        person(unit, "信息科科长", (R.INFORMATION_OFFICER,), C.NONE, sort_order=3)
        services.unit_update(actor=None, unit=unit, head=head,
                             leader_in_charge=leaders[1 + order % 4])
        del liaison

    for order, (code, name, short) in enumerate(EXTERNAL, 50):
        services.unit_create(actor=None, name=name, short_name=short, code=code,
                             kind=UnitKind.EXTERNAL, sort_order=order)

    # Added last, so that every other demo account keeps its number: the 秘书一处 科员 who
    # drafts, and the 文书 of 综合处 who issues (复核、编号、用印、印制、分发).
    person(departments["BGS-MS1"], key["keyuan1"].position, (), C.IMPORTANT, "keyuan1",
           key["keyuan1"].full_name, 20)
    person(departments["BGS-ZH"], key["wenshu"].position, (R.SECRETARY,), C.IMPORTANT, "wenshu",
           key["wenshu"].full_name, 20)

    # The office's groups for choosing people and units (org.pickers).
    load_demo_groups()
    return {"units": Unit.objects.count(), "people": Person.objects.count()}
