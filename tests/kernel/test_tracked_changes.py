from hypothesis import given, settings
from hypothesis import strategies as st

from zhongshu.kernel.tracked_changes import Segment, Version, authors_summary, clean_copy, track


def kept(segments):
    return "".join(s.text for s in segments if not s.is_deletion)


def test_single_version_is_all_the_drafters():
    assert track([Version("关于加强值班工作的通知", "张")]) == [Segment("关于加强值班工作的通知", "张")]


def test_each_author_is_credited_with_their_changes():
    versions = [
        Version("各单位要加强值班。", "拟稿人"),
        Version("各单位要切实加强值班。", "处长"),          # insertion
        Version("各单位要切实加强值班值守工作。", "主任"),    # insertion at the end
        Version("各区县要切实加强值班值守工作。", "秘书长"),  # replacement
    ]
    segments = track(versions)
    assert kept(segments) == clean_copy(versions) == "各区县要切实加强值班值守工作。"
    assert Segment("切实", "处长") in segments
    assert Segment("值守工作", "主任") in segments
    assert Segment("单位", "拟稿人", "秘书长") in segments
    assert Segment("区县", "秘书长") in segments
    # Removed text stands where it stood: before its replacement.
    texts = [s.text for s in segments]
    assert texts.index("单位") < texts.index("区县")


def test_removal_of_someone_elses_insertion_keeps_both_names():
    segments = track([Version("甲乙丙", "A"), Version("甲乙X丙", "B"), Version("甲乙丙", "C")])
    assert Segment("X", "B", "C") in segments
    assert kept(segments) == "甲乙丙"


def test_summary_counts_per_author():
    summary = authors_summary(track([Version("一二三", "A"), Version("一三四五", "B")]))
    assert summary == {"A": {"inserted": 2, "deleted": 0}, "B": {"inserted": 2, "deleted": 1}}


def test_text_deleted_twice_is_not_deleted_again():
    segments = track([Version("甲乙丙丁", "A"), Version("甲丁", "B"), Version("丁", "C")])
    assert Segment("乙丙", "A", "B") in segments and Segment("甲", "A", "C") in segments


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="甲乙丙丁戊，。ab", max_size=25), min_size=1, max_size=6))
def test_every_version_can_be_read_back_from_the_marked_copy(texts):
    """With authors numbered by version, the characters written by version <= i and not
    removed by version <= i are exactly version i, in order: nothing lost, nothing moved."""
    segments = track([Version(t, i) for i, t in enumerate(texts)])
    assert kept(segments) == texts[-1]
    for i, text in enumerate(texts):
        as_of = "".join(s.text for s in segments
                        if s.inserted_by <= i and (s.deleted_by is None or s.deleted_by > i))
        assert as_of == text
