"""``can`` and ``visible``: clearance × need-to-know × role × delegation."""

import datetime as dt

import pytest
from django.db.models import Q
from django.utils import timezone

from tests.access.testapp.models import Circulation, Dossier
from tests.factories import PersonFactory
from zhongshu.access import grants
from zhongshu.access.classification import Level
from zhongshu.access.models import Grant
from zhongshu.access.policy import Action, can, visible
from zhongshu.org.models import Clearance, RoleCode


def seen(person):
    return set(visible(person, Dossier.objects.all()).values_list("title", flat=True))


def test_need_to_know_and_clearance_are_both_required(world):
    d = world.dossier
    assert can(world.cleared_granted, Action.OBJECT_VIEW, d)
    assert not can(world.cleared_ungranted, Action.OBJECT_VIEW, d)
    assert not can(world.granted_uncleared, Action.OBJECT_VIEW, d)
    assert seen(world.cleared_granted) == {d.title}
    assert seen(world.cleared_ungranted) == set()
    assert seen(world.granted_uncleared) == set()


def test_the_clerk_sees_only_what_they_registered_or_were_granted(world):
    mine = world.dossier
    others = Dossier.objects.create(title="别人登记的", classification=Level.CONFIDENTIAL,
                                    secrecy_years=5, owner_unit=world.office,
                                    registered_by=world.secretary)
    assert can(world.clerk, Action.OBJECT_VIEW, mine)
    assert not can(world.clerk, Action.OBJECT_VIEW, others)
    assert seen(world.clerk) == {mine.title}


def test_nobody_sees_by_role_alone(world):
    ungranted = Dossier.objects.create(title="仅登记", classification=Level.INTERNAL,
                                       owner_unit=world.office, registered_by=world.clerk)
    for key in ("sysadmin", "secadmin", "auditor", "leader", "secretary", "staff"):
        assert not can(world.people[key], Action.OBJECT_VIEW, ungranted), key


def test_unit_grant_covers_members_of_that_unit_only(world):
    d = world.dossier
    Grant.objects.create(content_type_id=_ct(d), object_id=d.pk, unit=world.other,
                         reason="分发至政研室")
    assert can(world.cleared_ungranted, Action.OBJECT_VIEW, d)  # member of 政研室, cleared
    # Clearance still applies to members; members of other units are outside.
    assert not can(PersonFactory(unit=world.other, clearance=Clearance.NONE), Action.OBJECT_VIEW, d)
    assert not can(PersonFactory(unit=world.office, clearance=Clearance.CORE), Action.OBJECT_VIEW, d)


def test_expired_and_revoked_grants_no_longer_count(world):
    d = world.dossier
    grant = Grant.objects.get(person=world.cleared_granted)
    Grant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    assert not can(world.cleared_granted, Action.OBJECT_VIEW, d)
    Grant.objects.create(content_type_id=_ct(d), object_id=d.pk, person=world.cleared_ungranted,
                         reason="临时", granted_at=timezone.now() - dt.timedelta(days=2),
                         expires_at=timezone.now() - dt.timedelta(days=1))
    assert not can(world.cleared_ungranted, Action.OBJECT_VIEW, d)


def test_implicit_grants_from_the_objects_own_route(world):
    d = world.dossier

    def circulation_q(person):
        return Q(circulations__person_id=person.pk)

    grants.register_implicit(Dossier, circulation_q)
    try:
        assert not can(world.cleared_ungranted, Action.OBJECT_VIEW, d)
        Circulation.objects.create(dossier=d, person=world.cleared_ungranted)
        assert can(world.cleared_ungranted, Action.OBJECT_VIEW, d)
        assert seen(world.cleared_ungranted) == {d.title}
        Circulation.objects.create(dossier=d, person=world.cleared_ungranted)  # reached twice
        assert visible(world.cleared_ungranted, Dossier.objects.all()).count() == 1
        # The route does not lift the clearance rule.
        Circulation.objects.create(dossier=d, person=world.staff)
        assert not can(world.staff, Action.OBJECT_VIEW, d)
    finally:
        grants.unregister_implicit(Dossier, circulation_q)


def test_system_admin_and_auditor_never_see_content_even_with_a_grant(world):
    d = world.dossier
    for key in ("sysadmin", "auditor"):
        person = world.people[key]
        person.clearance = Clearance.CORE
        person.save()
        Grant.objects.create(content_type_id=_ct(d), object_id=d.pk, person=person, reason="误授")
        assert not can(person, Action.OBJECT_VIEW, d)
        assert seen(person) == set()


def test_delegation_lets_the_secretary_read_for_the_leader_and_names_both(world):
    d = world.dossier
    assert not can(world.secretary, Action.OBJECT_VIEW, d)
    assert can(world.secretary, Action.OBJECT_VIEW, d, on_behalf_of=world.leader)
    assert set(visible(world.secretary, Dossier.objects.all(), on_behalf_of=world.leader)) == {d}
    # Not for a leader who did not delegate, nor for an action not delegated.
    assert not can(world.secretary, Action.OBJECT_VIEW, d, on_behalf_of=world.clerk)
    assert not can(world.secretary, Action.OBJECT_DOWNLOAD, d, on_behalf_of=world.leader)


def test_sign_off_and_instructions_are_never_delegable(world):
    d = world.dossier
    world.delegation.actions = [Action.SIGN_OFF.value, Action.INSTRUCT.value, "object.view"]
    world.delegation.save()  # even a row that names them (written behind the service's back)
    assert can(world.leader, Action.SIGN_OFF, d)
    assert not can(world.secretary, Action.SIGN_OFF, d, on_behalf_of=world.leader)
    assert not can(world.secretary, Action.INSTRUCT, d, on_behalf_of=world.leader)


def test_delegation_does_not_lift_the_secretarys_own_clearance(world):
    top = Dossier.objects.create(title="绝密件", classification=Level.TOP_SECRET, secrecy_long_term=True,
                                 owner_unit=world.office, registered_by=world.leader)
    assert can(world.leader, Action.OBJECT_VIEW, top)
    assert not can(world.secretary, Action.OBJECT_VIEW, top, on_behalf_of=world.leader)
    assert top not in visible(world.secretary, Dossier.objects.all(), on_behalf_of=world.leader)


def test_expired_delegation_gives_nothing(world):
    world.delegation.ends_at = timezone.now() - dt.timedelta(minutes=1)
    world.delegation.starts_at = timezone.now() - dt.timedelta(days=2)
    world.delegation.save()
    assert not can(world.secretary, Action.OBJECT_VIEW, world.dossier, on_behalf_of=world.leader)


def test_security_admin_cannot_set_own_clearance(world):
    assert can(world.secadmin, Action.CLEARANCE_SET, world.staff)
    assert not can(world.secadmin, Action.CLEARANCE_SET, world.secadmin)
    assert not can(world.sysadmin, Action.CLEARANCE_SET, world.staff)


def test_unknown_models_and_inactive_people_get_nothing(world):
    from zhongshu.org.models import Unit

    assert list(visible(world.leader, Unit.objects.all())) == []
    world.cleared_granted.is_active = False
    assert not can(world.cleared_granted, Action.OBJECT_VIEW, world.dossier)
    assert seen(world.cleared_granted) == set()


def test_visible_is_one_query_for_a_list(world, django_assert_num_queries):
    for i in range(5):
        d = Dossier.objects.create(title=f"件{i}", classification=Level.INTERNAL,
                                   owner_unit=world.office, registered_by=world.clerk)
    with django_assert_num_queries(2):  # content type (cached after) + the list
        list(visible(world.clerk, Dossier.objects.all()))
    assert len(seen(world.clerk)) == 6 and d.title in seen(world.clerk)


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(obj)).pk


@pytest.mark.parametrize("clearance,highest", [
    (Clearance.CORE, Level.TOP_SECRET), (Clearance.IMPORTANT, Level.SECRET),
    (Clearance.GENERAL, Level.CONFIDENTIAL), (Clearance.NONE, Level.INTERNAL)])
def test_clearance_maps_to_highest_level(world, clearance, highest):
    person = PersonFactory(clearance=clearance, roles=[RoleCode.SECRETARY])
    for level in Level:
        d = Dossier.objects.create(title=f"{level.label}", classification=level,
                                   secrecy_years=1 if level >= Level.CONFIDENTIAL else None,
                                   owner_unit=world.office, registered_by=person)
        assert can(person, Action.OBJECT_VIEW, d) is (level <= highest), level


def test_invisible_objects_are_404_like_missing_ones(world):
    from django.http import Http404

    from zhongshu.access.views import get_visible_or_404

    qs = Dossier.objects.all()
    assert get_visible_or_404(world.cleared_granted, qs, pk=world.dossier.pk) == world.dossier
    for person, pk in ((world.cleared_ungranted, world.dossier.pk), (world.cleared_granted, 999999)):
        with pytest.raises(Http404):
            get_visible_or_404(person, qs, pk=pk)


def test_navigation_shows_each_administrator_their_own_area(client, world):
    from django.urls import reverse

    expected = {"secadmin": "安全保密", "auditor": "安全审计", "leader": "委托与转发",
                "sysadmin": "系统管理"}
    labels = set(expected.values())
    for key, label in expected.items():
        client.force_login(world.people[key])
        html = client.get(reverse("home")).content.decode()
        assert label in html, key
        assert not any(other in html for other in labels - {label}), key
