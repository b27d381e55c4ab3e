"""Documents per second of the proofreader, single process, on generated documents.

    python bench/proofread/bench_throughput.py [--count 10000] [--seed 20260105] [--cli DIR]

Generates ``count`` documents deterministically (seeded): 通知, 请示, 报告, 函 and 批复 of
10 to 60 paragraphs with headings, attachment notes, 版记 and, in one document in five, a few
injected errors, so the rules do real work. Reports the engine's documents per second and,
with --cli DIR, also writes the documents to DIR and times one `zhongshu proofread --json`
call over all of them (reading files, JSON Lines output, the built-in term list).
Not part of the test run.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from zhongshu.layout.proofread import DEFAULT_TERMS, check  # noqa: E402
from zhongshu.layout.proofread.document import chinese_number  # noqa: E402

ORGANS = ["某市人民政府办公室", "某县应急管理局", "某市发展和改革委员会", "某区教育局", "某市财政局"]
RECIPIENTS = ["各区人民政府，市政府各部门：", "市人民政府：", "各乡镇人民政府，县直各单位：", "某市财政局："]
SUBJECTS = ["做好春节期间安全生产工作", "加强防汛物资储备", "开展营商环境评价", "推进政务公开", "规范公文处理"]
SENTENCES = [
    "各单位要高度重视，切实加强组织领导，确保各项措施落实到位。",
    "截至目前，全市已完成排查点位1236个，整改隐患98处，整改率达到95.3%。",
    "根据《中华人民共和国安全生产法》和《某省安全生产条例》（某政发〔2024〕12号）有关规定，结合实际制定本方案。",
    "对工作不力、造成严重后果的，依法依规严肃追究有关人员责任。",
    "请于每月5日前将工作进展报送至市应急管理局，电子邮箱：yjj@example.gov.cn。",
    "统筹推进“放管服”改革，持续优化营商环境，激发市场主体活力。",
]
TYPES = ["通知", "请示", "报告", "函", "批复"]
MISTAKES = ["，，", "XXX", "截止到", "(", ",", "１２"]


def make_document(rng: random.Random, k: int) -> str:
    doc_type = TYPES[k % len(TYPES)]
    organ = rng.choice(ORGANS)
    lines = [f"{organ}关于{rng.choice(SUBJECTS)}的{doc_type}",
             f"某发〔{rng.randint(2015, 2026)}〕{rng.randint(1, 300)}号",
             "市人民政府：" if doc_type == "请示" else rng.choice(RECIPIENTS)]
    for h1 in range(1, rng.randint(2, 6)):
        lines.append(f"{chinese_number(h1)}、{rng.choice(SUBJECTS)}")
        for h2 in range(1, rng.randint(2, 4)):
            lines.append(f"（{chinese_number(h2)}）{rng.choice(SENTENCES)}")
            for h3 in range(1, rng.randint(1, 4)):
                lines.append(f"{h3}.{rng.choice(SENTENCES)}")
            lines.extend(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
    if doc_type == "请示":
        lines.append("妥否，请批示。")
    if rng.random() < 0.5:
        lines += ["附件：1.工作方案", "2.联系人名单"]
    lines += [organ, f"{rng.randint(2015, 2026)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
    lines.append("（联系人：张明，电话：0571-87654321）" if doc_type == "请示" else "（此件公开发布）")
    lines += ["抄送：市委办公室，市人大常委会办公室。", f"{organ}  2026年1月6日印发"]
    if k % 5 == 0:  # one in five carries a few mistakes
        for _ in range(3):
            at = rng.randrange(3, len(lines) - 4)
            pos = rng.randrange(1, max(len(lines[at]), 2))
            lines[at] = lines[at][:pos] + rng.choice(MISTAKES) + lines[at][pos:]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20260105)
    parser.add_argument("--cli", type=Path, help="also time the command line over files in DIR")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    docs = [make_document(rng, k) for k in range(args.count)]
    chars = sum(map(len, docs))
    terms = list(DEFAULT_TERMS)
    start = time.perf_counter()
    findings = errors = 0
    for text in docs:
        result = check(text, terms=terms)
        findings += len(result)
        errors += any(f.severity == "error" for f in result)
    elapsed = time.perf_counter() - start
    print(f"engine: {args.count} documents ({chars / args.count:.0f} characters on average), "
          f"{elapsed:.2f} s, {args.count / elapsed:.0f} documents/s, {chars / elapsed / 1e6:.2f} M characters/s; "
          f"{findings} findings, {errors} documents with errors")
    if args.cli:
        args.cli.mkdir(parents=True, exist_ok=True)
        paths = []
        for k, text in enumerate(docs):
            path = args.cli / f"doc{k:05d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "zhongshu.cli", "proofread", "--json",
                               "--builtin-terms", *paths], capture_output=True, text=True,
                              check=False)
        elapsed = time.perf_counter() - start
        lines = done.stdout.count("\n")
        print(f"cli: one call over {len(paths)} files, exit {done.returncode}, {lines} JSON lines, "
              f"{elapsed:.2f} s including start-up, {len(paths) / elapsed:.0f} documents/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
