from django.db import models

from zhongshu.access.classification import Classified


class Dossier(Classified):
    title = models.CharField("标题", max_length=100)

    class Meta(Classified.Meta):
        verbose_name = "测试卷宗"

    def __str__(self) -> str:
        return self.title


class Circulation(models.Model):
    """Stands in for a route or distribution list that reaches people (implicit grants)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="circulations")
    person = models.ForeignKey("org.Person", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.dossier_id}→{self.person_id}"
