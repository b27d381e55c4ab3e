"""The two actions as a matrix, and the term list services refusing the wrong people."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from zhongshu.access.policy import can
from zhongshu.layout.proofread import services
from zhongshu.layout.proofread.actions import ProofreadAction
from zhongshu.layout.proofread.models import ProofreadTerm
from zhongshu.layout.proofread.selectors import active_terms
from zhongshu.org.models import RoleCode

pytestmark = pytest.mark.django_db

MANAGERS = {RoleCode.OFFICE_DIRECTOR, RoleCode.SECRETARY}


@pytest.mark.parametrize("role", list(RoleCode))
def test_every_role_may_proofread_only_the_office_manages_terms(role):
    person = PersonFactory(roles=[role])
    assert can(person, ProofreadAction.USE)
    assert can(person, ProofreadAction.TERMLIST_MANAGE) == (role in MANAGERS)


def test_no_role_inactive_or_anonymous_may_do_neither():
    inactive = PersonFactory(roles=[RoleCode.SECRETARY], is_active=False)
    for person in (PersonFactory(), inactive, AnonymousUser()):
        assert not can(person, ProofreadAction.USE)
        assert not can(person, ProofreadAction.TERMLIST_MANAGE)


def test_services_check_the_policy_and_change_nothing_when_refused():
    duty = PersonFactory(roles=[RoleCode.DUTY_OFFICER])
    item = ProofreadTerm.objects.create(term="旧词")
    with pytest.raises(PermissionDenied):
        services.term_create(actor=duty, term="新词")
    with pytest.raises(PermissionDenied):
        services.term_update(actor=duty, item=item, term="改词")
    with pytest.raises(PermissionDenied):
        services.term_set_active(actor=duty, item=item, active=False)
    item.refresh_from_db()
    assert (item.term, item.active) == ("旧词", True)
    assert not ProofreadTerm.objects.filter(term="新词").exists()


def test_services_for_the_office_and_the_active_list():
    secretary = PersonFactory(roles=[RoleCode.SECRETARY])
    item = services.term_create(actor=secretary, term=" 新词 ", replacement="好词")
    assert item.term == "新词" and item.updated_by == secretary
    with pytest.raises(ValidationError):
        services.term_create(actor=secretary, term="新词")
    with pytest.raises(ValidationError):
        services.term_create(actor=secretary, term="  ")
    services.term_set_active(actor=secretary, item=item, active=False)
    assert "新词" not in {t.term for t in active_terms()}
    services.term_set_active(actor=secretary, item=item, active=True)
    assert "新词" in {t.term for t in active_terms()}


@pytest.mark.django_db
def test_term_edits_are_audited():
    from tests.factories import PersonFactory
    from zhongshu.audit.models import AuditEvent
    from zhongshu.layout.proofread import services as term_services

    clerk = PersonFactory(roles=["secretary"])
    item = term_services.term_create(actor=clerk, term="抓手", replacement="措施")
    term_services.term_update(actor=clerk, item=item, term="抓手", replacement="举措")
    term_services.term_set_active(actor=clerk, item=item, active=False)
    actions = list(AuditEvent.objects.filter(object_id=str(item.pk), object_type="proofread.proofreadterm")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["proofread.term.create", "proofread.term.update", "proofread.term.deactivate"]
