"""The term list (`term-list`): wording to avoid and what to write instead.

The office edits it in the database (``ProofreadTerm``); this module holds the shape the
engine uses and the default list, which also seeds the database through a data migration.
The engine takes a list, so the command line and the benchmarks run without a database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    term: str
    replacement: str = ""
    note: str = ""
    severity: str = "warning"


# Chosen so that no entry is a substring of correct wording (农业部 is inside 农业部门,
# 文化部 inside 文化部门: such names are left to the office to add with care).
DEFAULT_TERMS: tuple[Term, ...] = (
    Term("截止到", "截至", "表示“到某时为止”用“截至”"),
    Term("截止目前", "截至目前", "表示“到某时为止”用“截至”"),
    Term("截止今年", "截至今年", "表示“到某时为止”用“截至”"),
    Term("其它", "其他", "公文统一用“其他”"),
    Term("做为", "作为", "错别字"),
    Term("既使", "即使", "错别字"),
    Term("一如继往", "一如既往", "错别字"),
    Term("撤消", "撤销", "规范词形"),
    Term("部份", "部分", "规范词形"),
    Term("成份", "成分", "规范词形"),
    Term("交待", "交代", "规范词形（交代情况、交代任务）"),
    Term("必须品", "必需品", "错别字"),
    Term("度过难关", "渡过难关", "错别字"),
    Term("按装", "安装", "错别字"),
    Term("报帐", "报账", "规范词形"),
    Term("国土资源部", "自然资源部", "2018年机构改革后的名称"),
    Term("环境保护部", "生态环境部", "2018年机构改革后的名称"),
    Term("国家工商总局", "国家市场监督管理总局", "2018年机构改革后的名称"),
    Term("国家质检总局", "国家市场监督管理总局", "2018年机构改革后的名称"),
    Term("国家卫生计生委", "国家卫生健康委", "2018年机构改革后的名称"),
    Term("国家安监总局", "应急管理部", "2018年机构改革后的名称"),
    Term("国务院法制办", "司法部", "2018年机构改革后职责并入司法部"),
)
