"""A stand-in for the apps that will route work (documents, supervision …): the routing
engine's tests attach routes to it, proving the engine needs nothing app-specific."""

from django.conf import settings
from django.db import models


class Memo(models.Model):
    title = models.CharField(max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        app_label = "workflow_sample"

    def __str__(self) -> str:
        return self.title
