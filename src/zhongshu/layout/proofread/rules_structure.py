"""Rules on the elements of a 公文: number, title, headings, date, attachment note, recipients,
the 请示/报告 rules and the 版记 (GB/T 9704-2012 §7; 条例 第十五条; STANDARDS.md §6)."""

from __future__ import annotations

import datetime as dt
import re

from . import patterns as P
from .document import (
    ATTACHMENT_NOTE,
    BODY,
    CC,
    DATE,
    NOTES,
    NUMBER,
    PRINTING,
    RECIPIENTS,
    TABLE,
    TAIL,
    TITLE,
    Line,
    type_from_title,
)
from .engine import ERROR, WARNING, Context
from .rules_text import rule

# ------------------------------------------------------------------ doc-number-format


@rule("doc-number-format")
def doc_number_format(ctx: Context) -> None:
    for ln in ctx.doc.of(NUMBER):
        raw = ln.text.strip()
        core = raw.strip("()（） ")
        if P.DOC_NUMBER_OK.match(core) or P.SERIES_NUMBER.match(core):
            continue  # 国办发〔2026〕5号, or an order's 第12号
        col = ln.text.find(core) + 1
        m = P.DOC_NUMBER_LOOSE.match(core)
        if not m:
            ctx.report("doc-number-format", ERROR, ln, col, f"发文字号“{core}”不符合“机关代字〔年份〕序号号”的格式",
                       "如“国办发〔2026〕5号”", length=len(core))
            continue
        problems = []
        if (m["open"], m["close"]) != ("〔", "〕"):
            got = (m["open"] + m["close"]) or "无括号"
            problems.append(f"年份应使用六角括号“〔〕”，不用“{got}”")
        if len(m["year"]) != 4:
            problems.append(f"年份“{m['year']}”应写全四位")
        if m["di"]:
            problems.append("序号前不加“第”字")
        if m["seq"].startswith("0"):
            problems.append(f"序号“{m['seq']}”不编虚位（不加“0”）")
        if not m["hao"]:
            problems.append("序号后应加“号”")
        if re.search(r"\s", core) and not problems:
            problems.append("发文字号中不应有空格")
        year = m["year"] if len(m["year"]) == 4 else "20" + m["year"][-2:]
        fixed = f"{m['org']}〔{year}〕{int(m['seq'])}号"
        ctx.report("doc-number-format", ERROR, ln, col, "；".join(problems) or "发文字号格式不规范",
                   f"改为“{fixed}”", length=len(core))
    # Numbers cited in running text ("国办发[2018]128号") — a warning, the cited document
    # may itself be printed that way.
    for ln in ctx.doc.of(BODY, TAIL, ATTACHMENT_NOTE, TABLE):
        if "号" not in ln.text:
            continue
        for m in P.DOC_NUMBER_CITED_WRONG.finditer(ln.text):
            ctx.report("doc-number-format", WARNING, ln, m.start() + 1,
                       f"引用的发文字号“{m.group(0)}”年份括号或位数不规范",
                       "年份用六角括号“〔〕”并写全四位", length=len(m.group(0)))


# ------------------------------------------------------------------ title-form

REDUNDANT = (
    (re.compile(r"^.*关于对"), "“关于对……”中“对”字多余", "删去“对”"),
    (re.compile(r"关于请求.*的请示$"), "“请求”与文种“请示”语义重复", "删去“请求”"),
    (re.compile(r"关于上报.*的报告$"), "“上报”与文种“报告”语义重复", "删去“上报”"),
)


@rule("title-form")
def title_form(ctx: Context) -> None:
    titles = ctx.doc.of(TITLE)
    if not titles:
        first = next((ln for ln in ctx.doc.lines if ln.text.strip()), None)
        if first is not None and ctx.doc.source == "text":
            ctx.report("title-form", ERROR, first, 1, "未找到公文标题（应为“发文机关＋关于＋事由＋的＋文种”）",
                       "在主送机关前加标题")
        elif ctx.doc.source == "json":
            ctx.report("title-form", ERROR, first, 1, "缺少公文标题", "填写 title")
        return
    last = titles[-1]
    title = ctx.doc.title
    stripped = last.text.rstrip()
    if stripped and stripped[-1] in P.TRAILING_PUNCT_SET:
        ctx.report("title-form", ERROR, last, len(stripped), f"标题末尾不加标点“{stripped[-1]}”",
                   "删去标题末尾的标点")
    found = type_from_title(title)
    if not found:
        ctx.report("title-form", ERROR, last, max(len(stripped), 1),
                   "标题未以法定文种结尾（通知、请示、报告、函、批复、意见、决定、通报、纪要等）",
                   "在标题末尾写明文种，如“……的通知”")
    elif ctx.doc.type_given and ctx.doc.doc_type and found != ctx.doc.doc_type:
        ctx.report("title-form", ERROR, last, len(stripped) - len(found) + 1,
                   f"标题的文种“{found}”与指定文种“{ctx.doc.doc_type}”不一致",
                   f"标题以“{ctx.doc.doc_type}”结尾，或更正文种", length=len(found))
    for bad in ("请示报告", "报告请示"):
        i = title.find(bad)
        if i != -1:
            ctx.report("title-form", ERROR, titles[0], i + 1, f"文种“{bad}”混用",
                       "请示与报告分开行文", length=len(bad))
    for ln in titles:
        for i, ch in enumerate(ln.text):
            if ch in "<>＜＞":
                ctx.report("title-form", ERROR, ln, i + 1, f"标题中“{ch}”不是规范的书名号",
                           "改用书名号“《》”（书名号内再用“〈〉”）")
    for pattern, message, suggestion in REDUNDANT:
        m = pattern.search(title)
        if m:
            ctx.report("title-form", WARNING, titles[0], 1, message, suggestion)


# ------------------------------------------------------------------ heading-order

CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cn_to_int(s: str) -> int:
    s = s.replace("〇", "零")
    if "十" not in s:
        return int("".join(str(CN_VALUES.get(c, 0)) for c in s)) if s else 0
    tens, _, ones = s.partition("十")
    return (CN_VALUES.get(tens, 1) if tens else 1) * 10 + (CN_VALUES.get(ones, 0) if ones else 0)


def heading_of(text: str) -> tuple[int, int, str | None]:
    """(level, number, wrong-form message) of a printed heading line, or (0, 0, None)."""
    s = text.lstrip()
    if not s or s[0] not in HEADING_START:
        return 0, 0, None
    for pattern, message in P.HEADING_WRONG:
        m = pattern.match(s)
        if m:
            inner = re.match(r"^[（(]?([一二三四五六七八九十百零〇]+|\d+)", s)
            token = inner.group(1) if inner else "1"
            number = int(token) if token.isdigit() else cn_to_int(token)
            bracket = s[0] in "（("
            level = (4 if bracket else 3) if token.isdigit() else (2 if bracket else 1)
            return level, number, message
    for level, pattern in ((1, P.H1), (2, P.H2), (3, P.H3), (4, P.H4)):
        m = pattern.match(s)
        if m:
            n = m["n"]
            return level, (int(n) if n.isdigit() else cn_to_int(n)), None
    return 0, 0, None


HEADING_START = frozenset("0123456789（(一二三四五六七八九十百零〇")
LEVEL_FORMS = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）"}


@rule("heading-order")
def heading_order(ctx: Context) -> None:
    doc = ctx.doc
    if doc.source == "json":
        _json_heading_levels(ctx)
        return
    body = [ln for ln in doc.lines if ln.kind == BODY]
    _check_sequence(ctx, body)
    # What follows the date (attachments, the rules a notice issues) numbers afresh; a new
    # attachment or a new chapter restarts it.
    segment: list[Line] = []
    for ln in doc.of(TAIL):
        s = ln.text.strip()
        if (P.ATTACHMENT_PAGE.match(s) or re.match(r"^第[一二三四五六七八九十百零〇]+[章节部]", s)
                or _is_block_title(s)):
            _check_sequence(ctx, segment)
            segment = []
        else:
            segment.append(ln)
    _check_sequence(ctx, segment)


def _is_block_title(s: str) -> bool:
    """The title of an attached text (a rule, a plan): short, unnumbered, no sentence marks."""
    return (0 < len(s) <= 40 and not heading_of(s)[0] and not P.SENTENCE_PUNCT.search(s)
            and not s.endswith(("：", ":")))


def _check_sequence(ctx: Context, lines: list[Line]) -> None:
    counters = [0, 0, 0, 0, 0]
    # Items may be numbered straight through a whole text, across its sections: （五）
    # under 二、 continuing （四） under 一、 is a style real documents use.
    running = [0, 0, 0, 0, 0]
    previous_plain = True
    for ln in lines:
        level, n, wrong = heading_of(ln.text)
        if not level:
            previous_plain = True
            continue
        col = len(ln.text) - len(ln.text.lstrip()) + 1
        if wrong:
            ctx.report("heading-order", ERROR, ln, col, f"层次序号写法不规范：{wrong}",
                       f"第{['', '一', '二', '三', '四'][level]}层用“{LEVEL_FORMS[level]}”")
        if level > 1 and counters[level - 1] == 0 and any(counters[k] for k in range(1, level - 1)):
            ctx.report("heading-order", WARNING, ln, col,
                       f"层次跳级：“{LEVEL_FORMS[level]}”层直接出现在上一级之下，缺少“{LEVEL_FORMS[level - 1]}”层",
                       "按“一、（一）1.（1）”逐级使用")
        expected = counters[level] + 1
        restart_ok = n == 1 and level >= 3 and previous_plain
        continued = counters[level] == 0 and level > 1 and n == running[level] + 1
        if n != expected and not restart_ok and not continued:
            if n <= counters[level]:
                message = f"层次序号重复或倒退：此前已编到“{counters[level]}”，这里又是“{n}”"
            else:
                message = f"层次序号不连续：应为第{expected}项，这里编为第{n}项"
            ctx.report("heading-order", ERROR, ln, col, message, f"按顺序编为第{expected}项")
        counters[level] = n
        running[level] = n
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        previous_plain = False


def _json_heading_levels(ctx: Context) -> None:
    seen = [False] * 5
    for ln in ctx.doc.lines:
        if ln.kind != BODY or not ln.level:
            continue
        level = ln.level
        if level > 1 and not seen[level - 1] and any(seen[1:level - 1]):
            ctx.report("heading-order", WARNING, ln, 1,
                       f"层次跳级：第{level}层标题直接出现在上一级之下，缺少第{level - 1}层",
                       "按“一、（一）1.（1）”逐级使用")
        seen[level] = True
        for deeper in range(level + 1, 5):
            seen[deeper] = False
        own = ln.text[len(_prefix_len_text(ln.text)):]
        lvl, _, _ = heading_of(own)
        if lvl:
            ctx.report("heading-order", ERROR, ln, len(ln.text) - len(own) + 1,
                       "标题文字自带序号，排版时会重复编号", "删去 text 中的序号")


def _prefix_len_text(text: str) -> str:
    for pattern in (P.H1, P.H2, P.H3, P.H4):
        m = pattern.match(text)
        if m:
            return m.group(0)
    return ""


# ------------------------------------------------------------------ date-format


def _date_problem(s: str) -> tuple[str, str] | None:
    """(message, suggestion) for a date written wrongly, or None when it is right."""
    m = P.DATE_OK.match(s)
    if m:
        try:
            dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError:
            return f"日期“{s}”不存在", "核对成文日期"
        return None
    if re.search("[〇○零Ｏ一二三四五六七八九十]", s):
        return "成文日期应使用阿拉伯数字，不用汉字", "如“2026年1月5日”"
    parts = P.DATE_PARTS.search(s) or re.search(r"(\d+)[./\-](\d+)[./\-](\d+)", s)
    if not parts:
        return f"日期“{s}”格式不规范", "写为“2026年1月5日”"
    y, mo, d = parts.groups()
    year = y if len(y) == 4 else "20" + y[-2:]
    fixed = f"{year}年{int(mo)}月{int(d)}日"
    if len(y) != 4:
        return "年份应写全四位", f"改为“{fixed}”"
    if "年" not in s:
        return "成文日期应写为“××××年×月×日”", f"改为“{fixed}”"
    if re.search(r"\s", s):
        return "日期中不应有空格", f"改为“{fixed}”"
    return "月、日不编虚位（不加“0”）", f"改为“{fixed}”"


@rule("date-format")
def date_format(ctx: Context) -> None:
    doc = ctx.doc
    signed: dt.date | None = None
    for ln in doc.of(DATE):
        s = ln.text.strip()
        if doc.source == "json" and doc.raw_date and s == doc.raw_date:
            ctx.report("date-format", ERROR, ln, 1, f"date 字段“{s}”不是 ISO 日期（YYYY-MM-DD）",
                       "如“2026-01-05”", length=len(s))
            continue
        problem = _date_problem(s)
        if problem:
            ctx.report("date-format", ERROR, ln, ln.text.find(s) + 1, problem[0], problem[1], len(s))
        else:
            m = P.DATE_OK.match(s)
            assert m is not None  # _date_problem found none
            signed = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    for ln in doc.of(PRINTING):
        m = re.search(r"(\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年.+?日"
                      r"|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})", ln.text)
        if not m:
            continue
        problem = _date_problem(m.group(0).strip())
        if problem:
            ctx.report("date-format", ERROR, ln, m.start() + 1, "印发日期：" + problem[0], problem[1],
                       len(m.group(0)))
            continue
        ok = P.DATE_OK.match(m.group(0))
        assert ok is not None  # _date_problem found none
        printed = dt.date(int(ok["y"]), int(ok["m"]), int(ok["d"]))
        if signed and printed < signed:
            ctx.report("date-format", WARNING, ln, m.start() + 1, "印发日期早于成文日期",
                       "核对印发日期", len(m.group(0)))


# ------------------------------------------------------------------ attachment-note

# A number is an item's number, not the start of its title: "2026年度…" is a title.
ITEM = re.compile(r"^(?P<n>\d+)(?!\d|\s*[年月日个%％万亿元])\s*(?P<sep>[.．、,，:：]?)\s*(?P<name>.*)$")
ITEM_OTHER = re.compile(r"^([（(]\d+[）)]|[①②③④⑤⑥⑦⑧⑨⑩]|[一二三四五六七八九十]+[、.．])")


@rule("attachment-note")
def attachment_note(ctx: Context) -> None:
    doc = ctx.doc
    note = doc.of(ATTACHMENT_NOTE)
    count = None
    if note:
        count = _check_note(ctx, note)
    elif doc.source == "json":
        count = len(doc.attachments or [])
    pages = [int(m["n"] or 1) for ln in doc.of(TAIL) if (m := P.ATTACHMENT_PAGE.match(ln.text.strip()))]
    if note and pages and count is not None and len(pages) != count:
        ctx.report("attachment-note", ERROR, note[0], 1,
                   f"附件说明列出{count}个附件，但正文后附有{len(pages)}个附件", "使附件说明与所附附件一致")
    for ln in doc.of(BODY, TABLE):
        for m in P.ATTACHMENT_REF.finditer(ln.text):
            n = int(m["n"])
            if count is not None and n > count:
                ctx.report("attachment-note", ERROR, ln, m.start() + 1,
                           f"正文提到“附件{n}”，但只有{count}个附件", "核对附件序号", len(m.group(0)))
            elif count is None and doc.source == "text":
                ctx.report("attachment-note", WARNING, ln, m.start() + 1,
                           f"正文提到“附件{n}”，但没有附件说明", "在正文之后、署名之前加附件说明",
                           len(m.group(0)))


def _check_note(ctx: Context, note: list[Line]) -> int:
    first = note[0]
    s = first.text.strip()
    off = first.text.find(s)
    m = re.match(r"^附\s*件\s*(?P<colon>[:：]?)\s*(?P<rest>.*)$", s)
    rest = m["rest"] if m else s
    if re.match(r"^(如文|[一二三四五六七八九十\d]+\s*件|[:：]?\s*如文)", rest) or re.match(r"^附件如文", s):
        ctx.report("attachment-note", ERROR, first, off + 1, "附件说明应写明附件名称，不用“附件如文”“附件×件”",
                   "写为“附件：1. 名称”")
        return 0
    if m and m["colon"] != "：":
        ctx.report("attachment-note", ERROR, first, off + 3,
                   "“附件”后应加全角冒号“：”" if not m["colon"] else "“附件”后应使用全角冒号“：”",
                   "写为“附件：”")
    items: list[list] = []  # [line, column, number or None, sep, name]
    for k, ln in enumerate(note):
        text = rest if k == 0 else ln.text.strip()
        col = (off + len(s) - len(rest) + 1) if k == 0 else ln.text.find(text) + 1
        im = ITEM.match(text)
        if ITEM_OTHER.match(text):
            ctx.report("attachment-note", ERROR, ln, col, "附件序号应使用阿拉伯数字加下脚点，如“1.”",
                       "改为“1.”“2.”……")
            items.append([ln, col, len(items) + 1, ".", ITEM_OTHER.sub("", text)])
        elif im and im["name"]:
            items.append([ln, col, int(im["n"]), im["sep"], im["name"]])
        elif items and k > 0:
            items[-1][4] += text  # a wrapped name continues on this line
        else:
            items.append([ln, col, None, "", text])
    for i, (ln, col, n, sep, name) in enumerate(items, 1):
        if n is not None and sep not in (".", "．") and not ITEM_OTHER.match(ln.text.strip()):
            ctx.report("attachment-note", ERROR, ln, col, f"附件序号“{n}”后应使用下脚点“.”",
                       f"改为“{n}.”")
        if len(items) > 1 and n is None:
            ctx.report("attachment-note", ERROR, ln, col, "有多个附件时应逐一编序号", f"写为“{i}. 名称”")
        elif n is not None and n != i:
            ctx.report("attachment-note", ERROR, ln, col, f"附件序号不连续：应为“{i}.”，这里是“{n}”",
                       f"改为“{i}.”")
        stripped = name.rstrip()
        if stripped and stripped[-1] in "。，；、.,;：:":
            ctx.report("attachment-note", ERROR, ln, ln.text.rfind(stripped[-1]) + 1,
                       "附件名称后不加标点", f"删去末尾的“{stripped[-1]}”")
        if stripped.startswith("《") and stripped.rstrip("。，；、.,;").endswith("》"):
            ctx.report("attachment-note", WARNING, ln, col, "附件名称不加书名号", "删去书名号")
    if len(items) == 1 and items[0][2] is not None:
        ln, col = items[0][0], items[0][1]
        ctx.report("attachment-note", WARNING, ln, col, "只有一个附件时不编序号", "写为“附件：名称”")
    return len(items)


# ------------------------------------------------------------------ main-recipient


def _recipients(ctx: Context) -> Line | None:
    line = ctx.doc.first(RECIPIENTS)
    if line is None:
        line = next((ln for ln in ctx.doc.of(CC) if ln.text.strip().startswith("主送")), None)
    return line


@rule("main-recipient")
def main_recipient(ctx: Context) -> None:
    doc = ctx.doc
    line = _recipients(ctx)
    if line is None:
        if doc.doc_type and doc.doc_type not in P.NO_RECIPIENT_TYPES:
            anchor = doc.first(TITLE) or doc.first(BODY)
            ctx.report("main-recipient", ERROR, anchor, 1, f"{doc.doc_type}应有主送机关",
                       "在标题下一行顶格写主送机关，后加全角冒号")
        return
    if line.kind == CC:
        return  # moved to the 版记; cc-format checks its marks
    s = line.text.rstrip()
    last = s[-1] if s else ""
    if last == "：":
        return
    if last == ":":
        ctx.report("main-recipient", ERROR, line, len(s), "主送机关后应使用全角冒号“：”", "改为“：”")
    elif last in P.TRAILING_PUNCT_SET:
        ctx.report("main-recipient", ERROR, line, len(s), f"主送机关末尾应为全角冒号，不用“{last}”",
                   "改为“：”")
    else:
        ctx.report("main-recipient", ERROR, line, len(s), "主送机关末尾缺少全角冒号", "在末尾加“：”")


# ------------------------------------------------------------------ request-rules

PERSON = re.compile(r"(书记|省长|市长|县长|区长|州长|镇长|乡长|主任|局长|部长|厅长|处长|科长|同志|领导|总理"
                    r"|主席|秘书长|委员长)$")
REQUEST_PHRASES = re.compile(r"妥否|当否|请批示|请批复|请审批|请予批准|请予审批|请予批复|请审示|请核准|请示如下")
PHONE = re.compile(r"(\d{3,4}[-－—]?\d{7,8}|1[3-9]\d{9}|\d{7,8}|电话|手机)")


@rule("request-rules")
def request_rules(ctx: Context) -> None:
    doc = ctx.doc
    if doc.doc_type == "请示":
        line = _recipients(ctx)
        if line is not None and line.kind == RECIPIENTS:
            text = line.text.strip().rstrip(":：")
            parts = [p for p in re.split(r"[、，,；;]", text) if p.strip()]
            if len(parts) > 1:
                ctx.report("request-rules", ERROR, line, 1, f"请示只能主送一个上级机关，这里有{len(parts)}个",
                           "只写一个主送机关，其他机关用抄送")
            if PERSON.search(text) or text.startswith("尊敬的"):
                ctx.report("request-rules", ERROR, line, 1, "请示不得主送领导者个人", "主送上级机关")
        contact = " ".join(ln.text for ln in doc.of(NOTES))
        if not ("联系人" in contact and PHONE.search(contact.split("联系人", 1)[1])):
            anchor = doc.first(NOTES) or doc.first(DATE) or doc.first(TITLE)
            ctx.report("request-rules", WARNING, anchor, 1, "请示应在附注中注明联系人和联系电话",
                       "在成文日期下一行写“（联系人：×××，电话：×××）”")
    elif doc.doc_type == "报告":
        for ln in doc.of(BODY):
            for m in REQUEST_PHRASES.finditer(ln.text):
                ctx.report("request-rules", ERROR, ln, m.start() + 1,
                           f"报告中不得夹带请示事项（“{m.group(0)}”）", "请示事项另行请示",
                           len(m.group(0)))


# ------------------------------------------------------------------ cc-format


@rule("cc-format")
def cc_format(ctx: Context) -> None:
    for ln in ctx.doc.of(CC):
        s = ln.text.strip()
        off = ln.text.find(s)
        m = re.match(r"^(抄送|主送)\s*(?P<colon>[:：]?)\s*(?P<rest>.*)$", s)
        if not m:
            continue
        label = m.group(1)
        if m["colon"] != "：":
            ctx.report("cc-format", ERROR, ln, off + 3, f"“{label}”后应加全角冒号“：”", f"写为“{label}：”")
        rest = m["rest"].rstrip()
        if not rest:
            continue
        if rest[-1] != "。":
            last = rest[-1]
            message = f"{label}机关末尾应加句号“。”" + (f"，不用“{last}”" if last in P.TRAILING_PUNCT_SET else "")
            ctx.report("cc-format", ERROR, ln, off + len(s), message, "在最后一个机关后加“。”")
        body = rest.rstrip("。")
        for i, ch in enumerate(body):
            if ch in ",;；":
                ctx.report("cc-format", ERROR, ln, off + len(s) - len(rest) + i + 1,
                           f"机关之间应使用全角逗号“，”，不用“{ch}”", "改为“，”")
        if "、" in body and "，" not in body:
            parts = body.split("、")
            if len(parts) >= 2 and all(len(p) >= 4 and P.ORGAN_END.search(p) for p in parts):
                col = off + len(s) - len(rest) + body.index("、") + 1
                ctx.report("cc-format", ERROR, ln, col, "抄送机关之间应使用逗号“，”分隔", "把“、”改为“，”")
    for ln in ctx.doc.of(PRINTING):
        s = ln.text.rstrip()
        if not s.endswith("印发"):
            ctx.report("cc-format", ERROR, ln, len(s), "印发机关和印发日期一行应以“印发”结尾",
                       "在日期后加“印发”")


RULES = [doc_number_format, title_form, heading_order, date_format, attachment_note,
         main_recipient, request_rules, cc_format]
