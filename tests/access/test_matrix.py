"""The policy matrix test: every URL, every persona that matters; a URL the matrix does
not cover fails the suite."""

import pytest
from django.urls import get_resolver

from tests.access.matrix import (
    ANON,
    MATRIX,
    PERSONAS,
    Row,
    check_row,
    coverage_problems,
    matrix_world,
    only,
    url_keys,
)


def test_every_url_of_the_project_is_in_the_matrix():
    problems = coverage_problems()
    assert problems == [], "\n".join(problems)


def test_every_row_declares_every_persona():
    for key, row in MATRIX.items():
        for expected in (row.get, row.post):
            if expected is not None:
                assert set(expected) == set(PERSONAS), key


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_matrix_row(key, client, db):
    failures = check_row(client, matrix_world(), key, MATRIX[key])
    assert failures == [], "\n".join(failures)


def test_an_uncovered_url_fails_the_coverage_check():
    resolver = get_resolver("tests.access.urls_unprotected")
    assert "leak" in set(url_keys(resolver))
    problems = coverage_problems(resolver)
    assert problems == ["URL “leak” is not in the policy matrix (tests/access/matrix.py)"]
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
    assert len(failures) == len(PERSONAS) - 2
    assert all("expected 403, got 200" in f for f in failures)
    assert not any(f" as {ANON}:" in f for f in failures)  # still sent to sign in (LOGIN)
