"""办理过程 shows what happened (issue 10 §11): one row per person who acted or still has
to, the colleagues of an any-one stage who had nothing left to do counted in a line, and a
diagram of boxes that wrap to the page's width."""

import re

from django.urls import reverse

from tests.documents.conftest import notice_spec
from tests.documents.helpers import act, pending
from tests.factories import PersonFactory
from zhongshu.documents import services
from zhongshu.org.models import RoleCode


def test_the_route_shows_who_acted_and_counts_who_had_nothing_to_do(client, office):
    for n in (1, 2):  # the office has three secretaries: any one of them checks the draft
        PersonFactory(username=f"secretary{n}", full_name=f"秘书{n}", unit=office.organ,
                      roles=[RoleCode.SECRETARY])
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    services.outgoing_submit(actor=office.drafter, document=doc)
    act(doc, "部门审核")
    office_stage = pending(doc)[0].stage_name
    assert len(pending(doc)) == 3
    act(doc, office_stage, action="agree_opinion", text="文字已核。")

    client.force_login(office.drafter)
    page = client.get(reverse("documents:detail", args=[doc.pk])).content.decode()
    route = page[page.index('<section class="card" id="route">'):]
    route = route[:route.index("</section>")]
    log = route[route.index('class="grid route-log"'):]
    assert "无需办理</td>" not in log  # no row for each colleague who had nothing to do
    assert "同环节另 2 人无需办理" in log
    assert "文字已核。" in log
    rows = re.findall(r"<tr[ >]", log[log.index("<tbody>"):])
    # 拟稿, 部门审核 and the office's check (one row each), and the next stage's open steps.
    assert len(rows) == 3 + len(pending(doc))
    # The diagram: a list of boxes (wrapping with the page), the open stage says who is awaited.
    flow = route[route.index('class="route-flow"'):route.index("</ol>")]
    assert flow.count('class="route-box') == 4 and "is-open" in flow and "办理中" in flow
    assert "<svg" not in route
