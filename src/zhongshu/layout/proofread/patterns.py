"""Regular expressions and word lists shared by the rules (STANDARDS.md §1, §2.2, §5, §6)."""

from __future__ import annotations

import re

# 条例 第八条: the 15 statutory types, plus 签报 (internal) and 令 (short for 命令).
TYPES = ("决议", "决定", "命令", "令", "公报", "公告", "通告", "意见", "通知", "通报",
         "报告", "请示", "批复", "议案", "函", "纪要", "签报")
TYPES_LONGEST_FIRST = tuple(sorted(TYPES, key=len, reverse=True))

CN_NUM = "一二三四五六七八九十百零〇"

# Types that are published to the public or recorded, so need no 主送机关.
NO_RECIPIENT_TYPES = frozenset({"公告", "通告", "公报", "纪要", "命令", "决议", "决定", "议案"})

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")
# Spaces a short title or heading is spread with for layout ("通    知").
SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])[ \u3000\t]+(?=[{CJK}])")
# The reply to a deputy's suggestion, a member's proposal or a letter (……的答复).
REPLY_TITLE = re.compile(r"(建议|提案|议案|意见|来信|来函|询问|质询|请示|函|问题)的答复$")
# The number of an order (令), an announcement or a notice in a series: 第12号, （第 305 号）.
SERIES_NUMBER = re.compile(rf"^第\s*([1-9]\d*|[{CN_NUM}千]+)\s*号$")
# Full-width marks that may close a CJK run (a half-width mark after them is also wrong).
CJK_PUNCT_CLOSE = "。，、；：？！”’）》〉】〕"

TRAILING_PUNCT = "。，、；：？！.,;:?!…—"
TRAILING_PUNCT_SET = frozenset(TRAILING_PUNCT)
SENTENCE_PUNCT = re.compile(r"[。，；？！,;?!]")


# Lines of the 版头 above the title: 份号 (6 digits), 密级★期限, 紧急程度, 红头, 签发人.
HEAD_LINE = re.compile(
    r"^(\d{6}|[绝机秘]密(★.*)?|(绝密|机密|秘密)\s*[★☆*]?\s*\d*\s*[年月个]*|特急|加急|特提|平急"
    r"|.{2,40}文件|签发人[:：].*|.{0,30}(委员会|人民政府|办公厅|办公室)(\s*)$)"
)

# A 发文字号 written in any of the usual right and wrong ways (checked by doc-number-format).
DOC_NUMBER_LOOSE = re.compile(
    r"^(?P<org>[^\s\d〔〕\[\]【】()（）]{1,20}?)\s*"
    r"(?P<open>[〔\[【(（［{]?)\s*(?P<year>\d{2,4})\s*(?P<close>[〕\]】)）］}]?)\s*"
    r"(?P<di>第?)\s*(?P<seq>\d+)\s*(?P<hao>号?)$"
)
DOC_NUMBER_OK = re.compile(r"^[^\s〔〕\[\]【】()（）]+〔\d{4}〕[1-9]\d*号$")
# A number cited in running text with the wrong brackets, e.g. 国办发[2018]128号.
DOC_NUMBER_CITED_WRONG = re.compile(
    f"[{CJK}A-Za-z]{{1,12}}(?:[\\[【]\\d{{4}}[\\]】]|〔\\d{{2}}〕)\\d+号"
)

# Organ words that end a recipient or a signature.
ORGAN_END = re.compile(
    r"(政府|部门|机构|单位|委员会|委|局|厅|办|室|院|署|会|部|处|中心|银行|公司|学校|党组|党委"
    r"|组|社|所|站|队|区|县|市|省|团|馆|校|科|司)$"
)

# Headings as printed, and the wrong forms that are meant as headings.
H1 = re.compile(f"^(?P<n>[{CN_NUM}]+)、")
H2 = re.compile(f"^（(?P<n>[{CN_NUM}]+)）")
H3 = re.compile(r"^(?P<n>\d{1,3})[.．](?!\d)")
H4 = re.compile(r"^（(?P<n>\d{1,3})）")
HEADING_WRONG = (
    (re.compile(r"^\d{1,3}、"), "阿拉伯数字序号后应使用下脚点“.”，不用顿号，如“1.”"),
    (re.compile(f"^[（(][{CN_NUM}]+[）)][、，.．]"), "括号序号后不加标点，如“（一）”"),
    (re.compile(r"^[（(]\d{1,3}[）)][、，.．]"), "括号序号后不加标点，如“（1）”"),
    (re.compile(f"^\\([{CN_NUM}]+\\)|^\\(\\d{{1,3}}\\)(?!\\d)"), "序号括号应使用全角“（）”"),
    (re.compile(f"^[{CN_NUM}]+[.．,，](?=[{CJK}])"), "汉字序号后应使用顿号，如“一、”"),
)

DATE_LINE = re.compile(
    r"^(\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零Ｏ０O一二三四五六七八九]{2,4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|\d{4}[./\-年]\d{1,2}[./\-月]\d{1,2}日?)$"
)
DATE_OK = re.compile(r"^(?P<y>\d{4})年(?P<m>[1-9]|1[0-2])月(?P<d>[1-9]|[12]\d|3[01])日$")
DATE_PARTS = re.compile(r"(\d+)\s*年\s*(\d+)\s*月\s*(\d+)\s*日")

NOTES_LINE = re.compile(r"^[（(].*[）)]$")
CC_LINE = re.compile(r"^(抄送|主送)\s*[:：]?")
PRINTING_LINE = re.compile(
    r"^.{2,40}?\s+(\d{2,4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年.+日"
    r"|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})\s*(印发|印)?$"
)

ATTACHMENT_NOTE_START = re.compile(r"^附\s*件\s*([:：]|\d|如文|[一二三四五六七八九十]+件|$)")
ATTACHMENT_PAGE = re.compile(r"^附件\s*(?P<n>\d+)?\s*$")
ATTACHMENT_REF = re.compile(r"附件(?P<n>\d+)")
