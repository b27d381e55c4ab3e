"""Run the rules over a document and collect findings, ordered by position."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .document import Document, Line, load
from .terms import DEFAULT_TERMS, Term

ERROR = "error"
WARNING = "warning"

RULE_IDS = (
    "doc-number-format", "title-form", "heading-order", "punctuation-pairing",
    "punctuation-width", "punctuation-repeat", "date-format", "attachment-note",
    "main-recipient", "request-rules", "digit-width", "term-list", "placeholder", "cc-format",
)

RULE_NAMES = {
    "doc-number-format": "发文字号", "title-form": "标题", "heading-order": "层次序数",
    "punctuation-pairing": "标点配对", "punctuation-width": "全角标点",
    "punctuation-repeat": "标点重复", "date-format": "成文日期", "attachment-note": "附件说明",
    "main-recipient": "主送机关", "request-rules": "请示与报告", "digit-width": "全角数字字母",
    "term-list": "规范用语", "placeholder": "占位符", "cc-format": "抄送与印发",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    line: int
    column: int
    excerpt: str
    message: str
    suggestion: str = ""
    # How many characters from ``column`` the finding covers; for marking it in the page,
    # not part of the interchange shape.
    length: int = field(default=1, compare=False)

    def as_dict(self) -> dict:
        """The fixed shape of a finding in JSON output and the API."""
        return {"rule": self.rule, "severity": self.severity, "line": self.line,
                "column": self.column, "excerpt": self.excerpt, "message": self.message,
                "suggestion": self.suggestion}


def excerpt(text: str, column: int, length: int = 1, margin: int = 12) -> str:
    start = max(column - 1 - margin, 0)
    end = min(column - 1 + length + margin, len(text))
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


class Context:
    """What a rule needs: the document, the term list, and a way to report."""

    def __init__(self, doc: Document, terms: Sequence[Term]):
        self.doc = doc
        self.terms = terms
        self.findings: list[Finding] = []

    def report(self, rule: str, severity: str, line: Line | None, column: int, message: str,
               suggestion: str = "", length: int = 1) -> None:
        text = line.text if line else ""
        self.findings.append(Finding(
            rule=rule, severity=severity, line=line.no if line else 0, column=max(column, 1),
            excerpt=excerpt(text, max(column, 1), length) if line else "",
            message=message, suggestion=suggestion, length=max(length, 1)))


Rule = Callable[[Context], None]


def _rules() -> list[Rule]:
    from . import rules_structure, rules_text

    return [*rules_structure.RULES, *rules_text.RULES]


def check_document(doc: Document, *, terms: Sequence[Term] | None = None,
                   rules: Iterable[str] | None = None) -> list[Finding]:
    ctx = Context(doc, DEFAULT_TERMS if terms is None else terms)
    wanted = set(rules) if rules is not None else None
    for rule in _rules():
        if wanted is None or rule.rule_id in wanted:  # type: ignore[attr-defined]
            rule(ctx)
    seen: set[tuple] = set()
    out = []
    for f in sorted(ctx.findings, key=lambda f: (f.line, f.column, f.rule)):
        key = (f.rule, f.line, f.column, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check(content: bytes | str, *, name: str = "", doc_type: str | None = None,
          terms: Sequence[Term] | None = None) -> list[Finding]:
    """Proofread a document given as JSON or plain text. Raises UnreadableInput."""
    return check_document(load(content, name=name, doc_type=doc_type), terms=terms)


def has_error(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
