"""How alike two plans' topics are: the topics are cut into words by rjieba (the
segmenter the layout engine already uses), the words every plan's title carries (关于,
开展, 检查, 年度 …) and punctuation are dropped, and the two sets of words are compared
by cosine similarity of their binary vectors, |A∩B| / √(|A|·|B|).

Binary cosine rather than TF-IDF: a topic is one short line, where a word rarely repeats,
and an IDF learnt from a handful of plans would make the same two topics score
differently as other plans come and go; the office's threshold must mean the same thing
every day. Cosine rather than Jaccard because it is kinder to a short topic set against a
long one ("安全生产检查" against "2026年度全市安全生产和消防安全专项督查")."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable

# Words of the genre, not of the subject: every plan says it inspects something.
STOP_WORDS = frozenset("""
关于 开展 进行 组织 实施 推进 做好 加强 进一步 全面 深入 有关 相关 情况 工作 专项 集中 重点 全市 全区 全县
市 区 县 年 年度 季度 上半年 下半年 第一 第二 第三 第四 一 二 三 四 次 轮 期间 方面 落实 贯彻 和 与 及 及其
以及 的 在 对 等 中 暨 督查 检查 考核 调研 督导 巡查 抽查 评估 考评 检验 大 活动 计划 方案 行动 情况 问题
""".split())

_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_LOCK = threading.Lock()


def words(text: str) -> list[str]:
    """The topic's subject words, in order, each once."""
    with _LOCK:  # rjieba is not thread-safe; its import loads the dictionary once
        import rjieba

        cut = rjieba.cut(text or "")
    seen: dict[str, None] = {}
    for word in cut:
        word = word.strip().lower()
        if word and _KEEP.search(word) and word not in STOP_WORDS and not word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


def similarity(a: Iterable[str], b: Iterable[str]) -> float:
    """Cosine of the two word sets, 0.0 (nothing shared) to 1.0 (the same words)."""
    left, right = set(a), set(b)
    if not left or not right:
        return 0.0
    return len(left & right) / math.sqrt(len(left) * len(right))


def shared(a: Iterable[str], b: Iterable[str]) -> list[str]:
    right = set(b)
    return [w for w in a if w in right]
