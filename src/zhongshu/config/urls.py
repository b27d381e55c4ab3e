from django.urls import include, path

from zhongshu.config import views as config_views
from zhongshu.dashboard import views as dashboard_views
from zhongshu.org.urls import auth_urlpatterns

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", config_views.healthz, name="healthz"),
    path("favicon.ico", config_views.favicon, name="favicon"),
    *auth_urlpatterns,
    path("", include("zhongshu.org.urls")),
    path("system/", include("zhongshu.kernel.urls")),
    path("exports/", include("zhongshu.kernel.export_urls")),
    path("jobs/", include("zhongshu.kernel.job_urls")),
    path("layout/", include("zhongshu.layout.urls")),
    path("workflow/", include("zhongshu.workflow.urls")),
    path("inbox/", include("zhongshu.inbox.urls")),
    path("announcements/", include("zhongshu.dashboard.urls")),
    path("proofread/", include("zhongshu.layout.proofread.urls")),
    path("access/", include("zhongshu.access.urls")),
    path("audit/", include("zhongshu.audit.urls")),
    path("documents/", include("zhongshu.documents.urls")),
    path("api/", include("zhongshu.api.urls")),
    path("accounts/tokens/", include("zhongshu.api.page_urls")),
    path("documents/incoming/", include("zhongshu.documents.incoming.urls")),
    path("inspections/", include("zhongshu.inspections.urls")),
    path("seals/", include("zhongshu.seals.urls")),
    path("supervision/", include("zhongshu.supervision.urls")),
]

handler403 = "zhongshu.config.views.error_403"
handler404 = "zhongshu.config.views.error_404"
handler500 = "zhongshu.config.views.error_500"
