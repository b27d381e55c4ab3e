"""The project's URLs plus one page that checks nothing, for the matrix's own tests."""

from django.http import HttpResponse
from django.urls import path

from zhongshu.config.urls import urlpatterns as project_urlpatterns


def leak(request):
    return HttpResponse("everyone sees this")


urlpatterns = [*project_urlpatterns, path("leak/", leak, name="leak")]
