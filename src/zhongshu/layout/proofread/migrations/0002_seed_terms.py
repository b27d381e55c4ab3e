"""Seed the term list with the built-in defaults; the office edits it afterwards."""

from django.db import migrations

# Frozen copy: a later change to terms.DEFAULT_TERMS must not rewrite history.
SEED = [
    ("截止到", "截至", "表示“到某时为止”用“截至”"),
    ("截止目前", "截至目前", "表示“到某时为止”用“截至”"),
    ("截止今年", "截至今年", "表示“到某时为止”用“截至”"),
    ("其它", "其他", "公文统一用“其他”"),
    ("做为", "作为", "错别字"),
    ("既使", "即使", "错别字"),
    ("一如继往", "一如既往", "错别字"),
    ("撤消", "撤销", "规范词形"),
    ("部份", "部分", "规范词形"),
    ("成份", "成分", "规范词形"),
    ("交待", "交代", "规范词形（交代情况、交代任务）"),
    ("必须品", "必需品", "错别字"),
    ("度过难关", "渡过难关", "错别字"),
    ("按装", "安装", "错别字"),
    ("报帐", "报账", "规范词形"),
    ("国土资源部", "自然资源部", "2018年机构改革后的名称"),
    ("环境保护部", "生态环境部", "2018年机构改革后的名称"),
    ("国家工商总局", "国家市场监督管理总局", "2018年机构改革后的名称"),
    ("国家质检总局", "国家市场监督管理总局", "2018年机构改革后的名称"),
    ("国家卫生计生委", "国家卫生健康委", "2018年机构改革后的名称"),
    ("国家安监总局", "应急管理部", "2018年机构改革后的名称"),
    ("国务院法制办", "司法部", "2018年机构改革后职责并入司法部"),
]


def seed(apps, schema_editor):
    Term = apps.get_model("proofread", "ProofreadTerm")
    for term, replacement, note in SEED:
        Term.objects.get_or_create(term=term, defaults={"replacement": replacement, "note": note})


def unseed(apps, schema_editor):
    Term = apps.get_model("proofread", "ProofreadTerm")
    Term.objects.filter(term__in=[t for t, _, _ in SEED], updated_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("proofread", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
