"""The project's URLs plus pages that check nothing, for the matrix's own tests: one
answers everyone, one shows every item's title to everyone."""

from django.http import HttpResponse
from django.urls import path

from zhongshu.config.urls import urlpatterns as project_urlpatterns


def leak(request):
    return HttpResponse("everyone sees this")


def leak_titles(request):
    from tests.access.testapp.models import Dossier
    from zhongshu.documents.incoming.models import IncomingDocument
    from zhongshu.documents.models import OutgoingDocument

    titles = [o.title for model in (Dossier, OutgoingDocument, IncomingDocument) for o in model.objects.all()]
    return HttpResponse("\n".join(titles), content_type="text/plain; charset=utf-8")


urlpatterns = [*project_urlpatterns, path("leak/", leak, name="leak"),
               path("leak-titles/", leak_titles, name="leak_titles")]
