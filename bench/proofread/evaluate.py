"""Precision and recall of the proofreader on real documents with injected errors.

For every real document in tests/layout/proofread/corpus/real/ and every rule that applies to
it, inject one error of that rule's kind (deterministically: the document's index chooses
the variant) and proofread the result. A rule scores a hit when a finding with its id appears
that the clean document did not have. False alarms are the rule's findings on the clean
documents (other than the errors the manifest expects: Chinese-numeral dates on pre-2012
documents, and the few errors a published copy really has, each explained in its notes)
plus findings a rule raises on documents where another rule's error was injected.

    python bench/proofread/evaluate.py            # print the table
    python bench/proofread/evaluate.py --write    # also write docs/proofread-evaluation.md
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from zhongshu.layout.proofread import RULE_IDS, check, parse_text  # noqa: E402
from zhongshu.layout.proofread import document as D  # noqa: E402
from zhongshu.layout.proofread import patterns as P  # noqa: E402
from zhongshu.layout.proofread.rules_structure import heading_of  # noqa: E402

CORPUS = ROOT / "tests" / "layout" / "proofread" / "corpus" / "real"
# The developers' own documents in the style of published ones (issue 12 §12).
OWN_CORPUS = ROOT / "tests" / "layout" / "proofread_corpus"
CJK = re.compile(r"[\u4e00-\u9fff]")


def load_corpus(folder: Path = CORPUS) -> list[dict]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    docs = []
    for entry in manifest["documents"]:
        entry = dict(entry)
        entry["text"] = (folder / entry["file"]).read_text(encoding="utf-8")
        docs.append(entry)
    return docs


# ---------------------------------------------------------------- injectors
# Each takes the text, its parsed lines and the document's index, and returns the text with
# one error of its rule's kind, or None when the rule does not apply to the document.


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _replace_line(text: str, no: int, new: str) -> str:
    lines = _lines(text)
    lines[no - 1] = new
    return "\n".join(lines)


def _insert_after(text: str, no: int, new: str) -> str:
    lines = _lines(text)
    lines.insert(no, new)
    return "\n".join(lines)


def _paragraphs(doc) -> list:
    """Plain body paragraphs long enough to carry an error."""
    return [ln for ln in doc.lines if ln.kind == D.BODY and len(ln.text) >= 12
            and not heading_of(ln.text)[0]] or [
        ln for ln in doc.lines if ln.kind in (D.BODY, D.TAIL) and len(ln.text) >= 12]


def inject_doc_number(text, doc, i):
    number = doc.first(D.NUMBER)
    if number is None:
        return None
    m = re.match(r"^(.*?)〔(\d{4})〕(\d+)号$", number.text.strip())
    if not m:
        return None
    org, year, seq = m.groups()
    variants = [f"{org}[{year}]{seq}号", f"{org}【{year}】{seq}号", f"{org}（{year}）{seq}号",
                f"{org}〔{year[2:]}〕{seq}号", f"{org}〔{year}〕0{seq}号", f"{org}〔{year}〕第{seq}号",
                f"{org}〔{year}〕{seq}"]
    return _replace_line(text, number.no, variants[i % len(variants)])


def inject_title(text, doc, i):
    titles = doc.of(D.TITLE)
    if not titles:
        return None
    last = titles[-1]
    if i % 2:
        return _replace_line(text, last.no, last.text.rstrip() + "。")
    found = D.type_from_title(last.text)
    if not found:
        return None
    return _replace_line(text, last.no, last.text.rstrip()[: -len(found)] + "工作安排")


def inject_heading(text, doc, i):
    lines = [ln for ln in doc.lines if ln.kind in (D.BODY, D.TAIL)]
    pairs = []
    heads = [(ln, *heading_of(ln.text)) for ln in lines]
    heads = [(ln, lvl, n) for ln, lvl, n, wrong in heads if lvl and not wrong]
    for (_prev, l1, n1), (ln2, l2, n2) in zip(heads, heads[1:], strict=False):
        if l1 == l2 and n2 == n1 + 1 and l1 in (1, 2, 3):
            pairs.append((ln2, l2, n2))
    if not pairs:
        return None
    ln, level, n = pairs[i % len(pairs)]
    new_n = n + 1 if i % 2 == 0 else n - 1
    prefix = D.heading_prefix(level, n)
    return _replace_line(text, ln.no, ln.text.replace(prefix, D.heading_prefix(level, new_n), 1))


def inject_pairing(text, doc, i):
    for ln in _paragraphs(doc):
        for closer in ("》", "）", "”"):
            if closer in ln.text and i % 2 == 0:
                k = ln.text.index(closer)
                return _replace_line(text, ln.no, ln.text[:k] + ln.text[k + 1:])
    ln = _paragraphs(doc)[i % len(_paragraphs(doc))]
    return _replace_line(text, ln.no, ln.text[:4] + "“" + ln.text[4:])


def inject_width(text, doc, i):
    marks = [("，", ","), ("；", ";"), ("：", ":"), ("（", "(")]
    for ln in _paragraphs(doc)[i % 3:] + _paragraphs(doc):
        for full, half in marks[i % len(marks):] + marks:
            k = ln.text.find(full, 3)
            if k > 0 and CJK.match(ln.text[k - 1] or ""):
                return _replace_line(text, ln.no, ln.text[:k] + half + ln.text[k + 1:])
    return None


def inject_repeat(text, doc, i):
    variants = [("，", "，，"), ("。", "。。"), ("，", "，。"), ("、", "、、")]
    for old, new in variants[i % len(variants):] + variants:
        for ln in _paragraphs(doc):
            k = ln.text.find(old)
            if k > 0:
                return _replace_line(text, ln.no, ln.text[:k] + new + ln.text[k + 1:])
    return None


CN = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    return D.chinese_number(n)


def inject_date(text, doc, i):
    date = doc.first(D.DATE)
    if date is None:
        return None
    m = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", date.text.strip())
    if not m:
        return None  # already wrong (pre-2012): nothing to inject
    y, mo, d = m.groups()
    variants = [f"{y}年{int(mo):02d}月{int(d):02d}日", "".join(CN[int(c)] for c in y)
                + f"年{_cn_number(int(mo))}月{_cn_number(int(d))}日", f"{y}.{mo}.{d}",
                f"{y[2:]}年{mo}月{d}日", f"{y}-{int(mo):02d}-{int(d):02d}"]
    choice = variants[i % len(variants)]
    if choice == date.text.strip():
        choice = variants[(i + 1) % len(variants)]
    return _replace_line(text, date.no, choice)


def inject_attachment(text, doc, i):
    note = doc.of(D.ATTACHMENT_NOTE)
    if note:
        first = note[0]
        return _replace_line(text, first.no, first.text.rstrip() + "。")
    variants = ["附件:工作方案", "附件：工作方案。", "附件：1、工作方案\n2、联系人名单", "附件如文",
                "附件：1.工作方案\n3.联系人名单"]
    anchor = doc.first(D.SIGNATURE) or doc.first(D.DATE)
    where = anchor.no - 1 if anchor else len(_lines(text.rstrip("\n")))
    return _insert_after(text, where, variants[i % len(variants)])


def inject_recipient(text, doc, i):
    rec = doc.first(D.RECIPIENTS)
    if rec is None:
        return None
    body = rec.text.rstrip().rstrip("：:")
    variants = [body + ":", body + "，", body, None]
    choice = variants[i % len(variants)]
    if choice is None:
        if doc.doc_type in P.NO_RECIPIENT_TYPES:
            return None  # a 决定 or 通告 may go out without one: removing it is no error
        lines = _lines(text)
        del lines[rec.no - 1]
        return "\n".join(lines)
    return _replace_line(text, rec.no, choice)


def inject_request(text, doc, i):
    if doc.doc_type == "报告":
        paras = [ln for ln in doc.lines if ln.kind == D.BODY]
        phrases = ["妥否，请批示。", "以上报告当否，请批复。", "请审批。"]
        return _insert_after(text, paras[-1].no, phrases[i % len(phrases)])
    if doc.doc_type == "请示":
        rec = doc.first(D.RECIPIENTS)
        return _replace_line(text, rec.no, "市委、" + rec.text) if rec else None
    return None


def inject_digit(text, doc, i):
    for ln in _paragraphs(doc)[i % 2:] + _paragraphs(doc):
        m = re.search(r"\d+", ln.text)
        if m:
            full = m.group(0).translate({c: c + 0xFEE0 for c in range(0x30, 0x3A)})
            return _replace_line(text, ln.no, ln.text[: m.start()] + full + ln.text[m.end():])
    ln = _paragraphs(doc)[0]
    return _replace_line(text, ln.no, ln.text.rstrip("。") + "（第１批）。")


def inject_term(text, doc, i):
    terms = ["截止到目前，", "其它单位也要", "做为重点，"]
    ln = _paragraphs(doc)[i % len(_paragraphs(doc))]
    return _replace_line(text, ln.no, terms[i % len(terms)] + ln.text)


def inject_placeholder(text, doc, i):
    marks = ["XXX", "××", "【】", "待填", "某某"]
    ln = _paragraphs(doc)[(i + 1) % len(_paragraphs(doc))]
    k = ln.text.find("，") + 1 or 2
    return _replace_line(text, ln.no, ln.text[:k] + marks[i % len(marks)] + ln.text[k:])


def inject_cc(text, doc, i):
    cc = doc.first(D.CC)
    if cc is not None:
        return _replace_line(text, cc.no, cc.text.rstrip("。"))
    variants = ["抄送：市委办公室，市人大常委会办公室", "抄送：市委办公室、市人大常委会办公室、市政协办公室。",
                "抄送:市委办公室，市人大常委会办公室。", "抄送：市委办公室,市人大常委会办公室。",
                "抄送：市委办公室，市人大常委会办公室。\n市人民政府办公室  2026年1月6日"]
    return text.rstrip("\n") + "\n" + variants[i % len(variants)] + "\n"


INJECTORS: dict[str, Callable] = {
    "doc-number-format": inject_doc_number, "title-form": inject_title,
    "heading-order": inject_heading, "punctuation-pairing": inject_pairing,
    "punctuation-width": inject_width, "punctuation-repeat": inject_repeat,
    "date-format": inject_date, "attachment-note": inject_attachment,
    "main-recipient": inject_recipient, "request-rules": inject_request,
    "digit-width": inject_digit, "term-list": inject_term, "placeholder": inject_placeholder,
    "cc-format": inject_cc,
}
assert set(INJECTORS) == set(RULE_IDS)


def injections(docs: list[dict]) -> list[tuple[int, str, str]]:
    """(document index, rule id, injected text) for every rule that applies."""
    out = []
    for index, entry in enumerate(docs):
        doc = parse_text(entry["text"])
        for rule, injector in INJECTORS.items():
            new = injector(entry["text"], doc, index)
            if new is not None and new != entry["text"]:
                out.append((index, rule, new))
    return out


def _key(f) -> tuple:
    # Not the excerpt or the position: an injection shifts lines and changes excerpts.
    return (f.rule, f.message)


def evaluate(docs: list[dict] | None = None) -> dict:
    docs = docs or load_corpus()
    clean = [check(entry["text"]) for entry in docs]
    stats: dict[str, Counter] = defaultdict(Counter)
    unexpected_errors = []
    for entry, findings in zip(docs, clean, strict=True):
        expected = set(entry.get("expected_errors", []))
        for f in findings:
            if f.rule in expected and f.severity == "error":
                stats[f.rule]["expected_on_clean"] += 1
                continue
            stats[f.rule]["fp_clean_" + f.severity] += 1
            if f.severity == "error":
                unexpected_errors.append((entry["file"], f))
    for index, rule, text in injections(docs):
        after = check(text)
        new = []
        seen = Counter(_key(f) for f in clean[index])
        for f in after:
            if seen[_key(f)]:
                seen[_key(f)] -= 1
            else:
                new.append(f)
        stats[rule]["injected"] += 1
        if any(f.rule == rule for f in new):
            stats[rule]["detected"] += 1
            if any(f.rule == rule and f.severity == "error" for f in new):
                stats[rule]["detected_error"] += 1
        for other in {f.rule for f in new if f.rule != rule}:
            stats[other]["fp_crossfire"] += sum(1 for f in new if f.rule == other)
    return {"stats": stats, "unexpected_errors": unexpected_errors, "documents": len(docs)}


def table(result: dict) -> str:
    rows = ["| rule | injected | detected | as error | recall | false alarms on clean docs (error/warning) | cross-fire | precision (clean docs) | precision (strict) |",
            "|---|---|---|---|---|---|---|---|---|"]
    for rule in RULE_IDS:
        s = result["stats"][rule]
        n, tp = s["injected"], s["detected"]
        fp_clean = s["fp_clean_error"] + s["fp_clean_warning"]
        fp = fp_clean + s["fp_crossfire"]
        recall = f"{tp / n:.2f}" if n else "–"
        precision = f"{tp / (tp + fp_clean):.2f}" if tp + fp_clean else "–"
        strict = f"{tp / (tp + fp):.2f}" if tp + fp else "–"
        rows.append(f"| {rule} | {n} | {tp} | {s['detected_error']} | {recall} | "
                    f"{s['fp_clean_error']}/{s['fp_clean_warning']} | {s['fp_crossfire']} | "
                    f"{precision} | {strict} |")
    total_n = sum(result["stats"][r]["injected"] for r in RULE_IDS)
    total_tp = sum(result["stats"][r]["detected"] for r in RULE_IDS)
    total_clean = sum(result["stats"][r][k] for r in RULE_IDS
                      for k in ("fp_clean_error", "fp_clean_warning"))
    total_fp = total_clean + sum(result["stats"][r]["fp_crossfire"] for r in RULE_IDS)
    rows.append(f"| **all** | {total_n} | {total_tp} | "
                f"{sum(result['stats'][r]['detected_error'] for r in RULE_IDS)} | "
                f"{total_tp / total_n:.2f} | "
                f"{sum(result['stats'][r]['fp_clean_error'] for r in RULE_IDS)}/"
                f"{sum(result['stats'][r]['fp_clean_warning'] for r in RULE_IDS)} | "
                f"{sum(result['stats'][r]['fp_crossfire'] for r in RULE_IDS)} | "
                f"{total_tp / (total_tp + total_clean):.2f} | {total_tp / (total_tp + total_fp):.2f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/proofread-evaluation.md")
    parser.add_argument("--own", action="store_true",
                        help="the developers' own corpus (tests/layout/proofread_corpus) instead of the real one")
    args = parser.parse_args(argv)
    result = evaluate(load_corpus(OWN_CORPUS) if args.own else None)
    text = table(result)
    print(f"{result['documents']} {'own' if args.own else 'real'} documents\n")
    print(text)
    expected = sum(result["stats"][r]["expected_on_clean"] for r in RULE_IDS)
    by_rule = ", ".join(f"{r} {result['stats'][r]['expected_on_clean']}" for r in RULE_IDS
                        if result["stats"][r]["expected_on_clean"])
    print(f"\nexpected errors on documents as published (manifest expected_errors): {expected}"
          f" ({by_rule})")
    for name, f in result["unexpected_errors"]:
        print(f"UNEXPECTED ERROR {name}: {f.rule} line {f.line}: {f.message}")
    if args.write:
        path = ROOT / "docs" / "proofread-evaluation.md"
        body = path.read_text(encoding="utf-8") if path.exists() else ""
        start, end = ("<!-- own-table:start -->", "<!-- own-table:end -->") if args.own else (
            "<!-- table:start -->", "<!-- table:end -->")
        if start in body:
            body = body[: body.index(start) + len(start)] + "\n" + text + "\n" + body[body.index(end):]
            path.write_text(body, encoding="utf-8")
    return 1 if result["unexpected_errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
