"""The policy matrix test: every URL, every persona that matters; a URL the matrix does
not cover fails the suite."""

import pytest
from django.urls import get_resolver

from tests.access.matrix import (
    ALL_PERSONAS,
    ANON,
    MATRIX,
    PERSONAS,
    Row,
    check_row,
    coverage_problems,
    matrix_world,
    only,
    signed_in,
    url_keys,
)


def test_every_url_of_the_project_is_in_the_matrix():
    problems = coverage_problems()
    assert problems == [], "\n".join(problems)


def test_every_row_declares_every_persona():
    for key, row in MATRIX.items():
        for expected in (row.get, row.post):
            if expected is not None:
                # The personas like staff may be named where the world gives them more.
                assert set(PERSONAS) <= set(expected) <= set(ALL_PERSONAS), key


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_matrix_row(key, client, db):
    failures = check_row(client, matrix_world(), key, MATRIX[key])
    assert failures == [], "\n".join(failures)


def test_an_uncovered_url_fails_the_coverage_check():
    resolver = get_resolver("tests.access.urls_unprotected")
    assert "leak" in set(url_keys(resolver))
    problems = coverage_problems(resolver)
    assert problems == ["URL “leak” is not in the policy matrix (tests/access/matrix.py)",
                        "URL “leak_titles” is not in the policy matrix (tests/access/matrix.py)"]
    # and this is exactly what makes the first test fail:
    with pytest.raises(AssertionError, match="leak"):
        assert coverage_problems(resolver) == [], "\n".join(coverage_problems(resolver))


def test_a_stale_row_fails_the_coverage_check():
    problems = coverage_problems(matrix={**MATRIX, "gone:page": Row(get=only(set()))})
    assert problems == ["matrix row “gone:page” names no URL of the project"]


def test_an_unprotected_page_declared_as_protected_fails_its_row(client, db, settings):
    settings.ROOT_URLCONF = "tests.access.urls_unprotected"
    failures = check_row(client, matrix_world(), "leak", Row(get=only({"sysadmin"})))
    # every signed-in persona but the system admin got the page instead of 403
    assert len(failures) == len(ALL_PERSONAS) - 2
    assert all("expected 403, got 200" in f for f in failures)
    assert not any(f" as {ANON}:" in f for f in failures)  # still sent to sign in (LOGIN)


def test_a_title_in_a_body_that_the_persona_may_not_see_fails_its_row(client, db, settings):
    # The unprotected test page shows every title of the world to everyone.
    settings.ROOT_URLCONF = "tests.access.urls_unprotected"
    world = matrix_world()
    failures = check_row(client, world, "leak_titles", Row(get=signed_in(200, anonymous=200)))
    assert any("as route_below: the body shows “关于矩阵机密工程的通知”" in f for f in failures)
    assert any("as auditor: the body shows “关于某重大事项的请示”" in f for f in failures)
    assert not any(" as leader: " in f and "关于某重大事项的请示" in f for f in failures)


def test_the_world_has_a_participant_below_the_items_level(db):
    from zhongshu.workflow.models import Step, StepStatus

    world = matrix_world()
    step = Step.objects.get(assignee=world.route_below, status=StepStatus.PENDING)
    assert step.route.object_id == world.secret.pk
    assert world.secret.classification == 3 and world.route_below.clearance == "general"
