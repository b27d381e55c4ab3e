"""Overlaps: the same unit visited by different bodies in overlapping periods, and plans
on similar topics within the office's window; dissimilar or distant plans are not."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.inspections.conftest import approve, make_plan
from zhongshu.inspections import selectors, services
from zhongshu.inspections.similarity import similarity, words

D = dt.date


def test_same_district_in_overlapping_weeks_is_flagged(w):
    first = make_plan(w.em_clerk, w.emergency, "防汛备汛工作检查", [w.dongcheng, w.xicheng],
                      D(2026, 6, 1), D(2026, 6, 5))
    second = make_plan(w.commerce_clerk, w.commerce, "外贸企业稳订单情况调研", [w.dongcheng],
                       D(2026, 6, 4), D(2026, 6, 10))
    approve(first, w)
    services.plan_submit(actor=w.commerce_clerk, plan=second)

    found = selectors.overlaps_of(second)
    assert [o.other.pk for o in found] == [first.pk]
    assert found[0].same_time and not found[0].similar
    assert [u.name for u in found[0].units] == ["东城区委"]
    assert found[0].kinds == ["时间重叠"]
    # And from the other side.
    assert [o.other.pk for o in selectors.overlaps_of(first)] == [second.pk]


def test_similar_topics_a_month_apart_are_flagged_as_similar(w):
    first = make_plan(w.officer, w.ducha, "优化营商环境专项督查", [w.xicheng],
                      D(2026, 5, 6), D(2026, 5, 8), form="supervise")
    second = make_plan(w.commerce_clerk, w.commerce, "营商环境建设情况调研", [w.xicheng],
                       D(2026, 6, 8), D(2026, 6, 9), form="survey")
    approve(first, w)
    services.plan_submit(actor=w.commerce_clerk, plan=second)

    found = selectors.overlaps_of(second)
    assert len(found) == 1
    hit = found[0]
    assert hit.similar and not hit.same_time
    assert hit.kinds == ["主题相近"]
    assert hit.score >= 0.5
    assert set(hit.shared_words) == {"营商", "环境"}


def test_dissimilar_topics_at_different_times_are_not_flagged(w):
    first = make_plan(w.em_clerk, w.emergency, "森林防火专项检查", [w.xicheng],
                      D(2026, 3, 2), D(2026, 3, 4))
    second = make_plan(w.commerce_clerk, w.commerce, "基层党建工作考核", [w.xicheng],
                       D(2026, 3, 20), D(2026, 3, 22), form="assess")
    approve(first, w)
    services.plan_submit(actor=w.commerce_clerk, plan=second)
    assert selectors.overlaps_of(second) == []
    assert selectors.overlap_pairs(w.officer, date_from=D(2026, 1, 1), date_to=D(2026, 12, 31)) == []


def test_similar_topics_beyond_the_window_or_at_other_units_are_not_flagged(w):
    base = make_plan(w.em_clerk, w.emergency, "安全生产专项检查", [w.dongcheng],
                     D(2026, 1, 5), D(2026, 1, 9))
    far = make_plan(w.housing_clerk, w.housing, "建筑施工安全生产检查", [w.dongcheng],
                    D(2026, 9, 1), D(2026, 9, 3))
    elsewhere = make_plan(w.housing_clerk, w.housing, "安全生产大检查", [w.xicheng],
                          D(2026, 1, 6), D(2026, 1, 8))
    for plan in (base, far, elsewhere):
        services.plan_submit(actor=plan.registered_by, plan=plan)
    assert selectors.overlaps_of(base) == []


def test_the_same_body_in_overlapping_periods_is_not_a_time_overlap(w):
    a = make_plan(w.em_clerk, w.emergency, "防汛备汛工作检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    b = make_plan(w.em_clerk, w.emergency, "危险化学品企业督导", [w.dongcheng], D(2026, 6, 2), D(2026, 6, 3))
    services.plan_submit(actor=w.em_clerk, plan=a)
    services.plan_submit(actor=w.em_clerk, plan=b)
    assert selectors.overlaps_of(b) == []


def test_drafts_are_compared_but_never_compared_against(w):
    """A draft sees what it would clash with; other plans do not see drafts."""
    active = make_plan(w.em_clerk, w.emergency, "防汛备汛工作检查", [w.dongcheng], D(2026, 6, 1), D(2026, 6, 5))
    services.plan_submit(actor=w.em_clerk, plan=active)
    draft = make_plan(w.commerce_clerk, w.commerce, "商贸流通调研", [w.dongcheng], D(2026, 6, 3), D(2026, 6, 4))
    assert [o.other.pk for o in selectors.overlaps_of(draft)] == [active.pk]
    assert selectors.overlaps_of(active) == []


def test_the_threshold_is_the_offices_setting(w):
    first = make_plan(w.officer, w.ducha, "优化营商环境专项督查", [w.xicheng], D(2026, 5, 6), D(2026, 5, 8))
    second = make_plan(w.commerce_clerk, w.commerce, "营商环境建设情况调研", [w.xicheng],
                       D(2026, 6, 8), D(2026, 6, 9))
    services.plan_submit(actor=w.officer, plan=first)
    services.plan_submit(actor=w.commerce_clerk, plan=second)
    assert len(selectors.overlaps_of(second)) == 1
    services.settings_update(actor=w.officer, similarity_threshold="0.9", similar_window_days=90)
    assert selectors.overlaps_of(second) == []
    services.settings_update(actor=w.officer, similarity_threshold="0.5", similar_window_days=10)
    assert selectors.overlaps_of(second) == []


@pytest.mark.parametrize(("a", "b", "flagged"), [
    ("安全生产专项检查", "建筑施工安全生产大检查", True),
    ("乡村振兴重点任务落实情况调研", "乡村振兴战略实施情况督查", True),
    ("防汛备汛工作检查", "森林防火专项检查", False),
    ("基层党建工作考核", "安全生产专项督查", False),
])
def test_topic_similarity_ignores_the_words_every_plan_uses(a, b, flagged):
    score = similarity(words(a), words(b))
    assert (score >= 0.5) is flagged, score
    assert "检查" not in words(a) + words(b) and "开展" not in words("开展调研")
