"""The marked copy shows who changed what at a glance (issue 10 §13): the first draft
plain, every later author in his own colour with his name where his marks begin."""

import re

from django.urls import reverse

from tests.documents.conftest import notice_spec
from zhongshu.documents import services
from zhongshu.kernel.tracked_changes import Version, marked_runs, track


def _save(actor, doc, text):
    doc.refresh_from_db()
    spec = doc.current_version.spec
    body = list(spec["body"])
    body[0] = {"type": "paragraph", "text": text}
    services.outgoing_save(actor=actor, document=doc, spec={**spec, "body": body},
                           base_version=doc.current_version_id)


def test_two_authors_get_two_colours_and_their_names_on_the_marks(client, office):
    doc = services.outgoing_create(actor=office.drafter, doc_type="通知", spec=notice_spec())
    first = doc.current_version.spec["body"][0]["text"]
    _save(office.drafter, doc, first + "请认真贯彻落实。")  # the drafter's own second thoughts
    services.outgoing_submit(actor=office.drafter, document=doc)
    _save(office.head, doc, "经研究，" + first[2:] + "请认真贯彻落实。")

    client.force_login(office.drafter)
    page = client.get(reverse("documents:detail", args=[doc.pk]) + "?view=marks").content.decode()
    marked = page[page.index('class="doc-paper marked"'):]
    marked = marked[:marked.index("</section>")]
    head, drafter = office.head.full_name, office.drafter.full_name
    # In reading order the head's marks come first, so he takes the first colour; the
    # drafter's later insertion (after his first draft) the second.
    assert re.search(rf'<span class="mark-who mark-a0"[^>]*>{head}</span><ins class="mark mark-a0" data-author="{head}"[^>]*>经研究，</ins>', marked)
    assert re.search(rf'<span class="mark-who mark-a1"[^>]*>{drafter}</span><ins class="mark mark-a1" data-author="{drafter}"[^>]*>[^<]?请认真贯彻落实[^<]?</ins>', marked)
    # The head's removal of the draft's first words: struck through in the head's colour.
    assert re.search(rf'<del class="mark mark-a0" data-author="{head}" title="{drafter} 写入，{head} 删除">{first[:2]}</del>', marked)
    # (the character diff may align the full stop either side of the insertion)
    # The first draft's own text is plain: no colour, no name.
    assert first[2:12] in re.sub(r"<[^>]+>", "", marked)
    assert f'data-author="{drafter}">{first[2:]}' not in marked
    # The legend names both, the first draft's author marked as such.
    legend = page[page.index('class="grid marks-legend"'):page.index('class="doc-paper marked"')]
    assert "拟稿（第一稿，不标色）" in legend and "mark-a0" in legend and "mark-a1" in legend
    assert legend.index(drafter) < legend.index(head)


def test_runs_name_an_author_once_where_his_marks_begin():
    segments = track([Version("原文删去", "甲"), Version("原文新增", "乙"), Version("原文新增再增", "丙"),
                      Version("原文新增再增又增", "甲")])
    runs, legend = marked_runs(segments, "甲")
    assert [(r.text, r.kind, r.colour, r.show_name) for r in runs] == [
        ("原文", "base", -1, False), ("删去", "del", 0, True), ("新增", "ins", 0, True),
        ("再增", "ins", 1, True), ("又增", "ins", 2, True)]
    assert [(e.author, e.colour, e.is_base) for e in legend] == [
        ("甲", -1, True), ("乙", 0, False), ("丙", 1, False), ("甲", 2, False)]
    assert (legend[1].inserted, legend[1].deleted) == (2, 2)
