import datetime as dt

import pytest

from tests.workflow.conftest import _postgres_only, director, memo, org, standard_template  # noqa: F401
from zhongshu.inbox import registry
from zhongshu.inbox.registry import Box, InboxItem


class FakeProvider:
    """A provider standing in for the apps still to come (documents' 待阅 …)."""

    kind = "fake"
    label = "测试事项"

    def __init__(self):
        self.items: dict[int, list[InboxItem]] = {}
        self.done: dict[int, list[InboxItem]] = {}

    def add(self, person, title, box=Box.TODO, **fields):
        item = InboxItem(key=f"fake:{title}", kind=self.kind, kind_label=self.label, box=box,
                         title=title, url=f"/fake/{len(self.items.get(person.pk, []))}/",
                         created=fields.pop("created", dt.datetime(2026, 6, 1, tzinfo=dt.UTC)),
                         **fields)
        self.items.setdefault(person.pk, []).append(item)
        return item

    def open_items(self, person):
        return list(self.items.get(person.pk, []))

    def open_counts(self, person):
        items = self.items.get(person.pk, [])
        return {Box.TODO: sum(i.box == Box.TODO for i in items),
                Box.TOREAD: sum(i.box == Box.TOREAD for i in items)}

    def done_items(self, person, box, *, limit):
        return [i for i in self.done.get(person.pk, []) if i.box == box][:limit]

    def due_items(self, *, until):
        return []


@pytest.fixture
def fake_provider():
    provider = FakeProvider()
    registry.register(provider)
    yield provider
    registry.unregister(provider.kind)
