from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "zhongshu.org"
    verbose_name = "组织机构"
