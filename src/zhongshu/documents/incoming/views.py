"""Pages of 收文 (thin: forms in, services for writes, selectors for reads)."""

from __future__ import annotations

from django.http import HttpResponse

from zhongshu.access.policy import Action
from zhongshu.access.views import get_visible_or_404, require

from .models import IncomingDocument


@require(Action.INCOMING_LIST)
def register(request):
    return HttpResponse("收文登记簿")


def detail(request, pk):
    doc = get_visible_or_404(request.user, IncomingDocument.objects.all(), pk=pk)
    return HttpResponse(doc.title)
