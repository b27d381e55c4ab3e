"""公文校对: the proofreader. Pure Python; Django is needed only for the term list and the pages.

    from zhongshu.layout.proofread import check
    findings = check(text_or_json_bytes, doc_type="通知", terms=[...])
"""

from .document import Document, UnreadableInput, from_json, load, parse_text
from .engine import ERROR, RULE_IDS, RULE_NAMES, WARNING, Finding, check, check_document, has_error
from .terms import DEFAULT_TERMS, Term

__all__ = [
    "DEFAULT_TERMS", "ERROR", "RULE_IDS", "RULE_NAMES", "WARNING", "Document", "Finding", "Term",
    "UnreadableInput", "check", "check_document", "from_json", "has_error", "load", "parse_text",
]
