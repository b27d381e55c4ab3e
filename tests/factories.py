"""Factories for the people and units most tests need."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from zhongshu.org.models import Clearance, Person, Role, Unit, UnitKind
from zhongshu.org.services import roles_ensure

PASSWORD = "Test-Password-2026"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    kind = UnitKind.DEPARTMENT


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    unit = factory.SubFactory(UnitFactory)
    clearance = Clearance.NONE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # Transactional tests flush the tables, including the roles the data
            # migration created; put them back rather than silently assign none.
            if Role.objects.filter(code__in=list(extracted)).count() < len(set(extracted)):
                roles_ensure()
            self.roles.set(Role.objects.filter(code__in=list(extracted)))
        if create:
            self.save()
