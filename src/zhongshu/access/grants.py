"""Need-to-know (知悉范围): who is inside an object's scope.

A person is inside when they registered the object, hold an active explicit grant (to
themself or to their unit), or an implicit grant: the object's own route and
distribution, which the owning app contributes through ``register_implicit``.
Nobody is inside by role alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from .models import Grant

if TYPE_CHECKING:
    from zhongshu.org.models import Person


# Given a person, a Q over the model's rows that the object's route or distribution
# (workflow steps, distribution lists, meeting attendance …) reaches. It is used inside
# one filter for lists and for single objects, so keep it to indexed joins.
ImplicitGrantProvider = Callable[[Any], Q]

_PROVIDERS: dict[type[models.Model], list[ImplicitGrantProvider]] = {}
# Providers whose Q uses only the model's own columns, ``pk__in`` subqueries and
# correlated probes (``kernel.queries.Probe``), no joins: applied in place, so a list's query can walk an index in its own order and stop
# at the page, instead of first building the whole visible set (docs/decisions/0900).
_IN_PLACE: set[ImplicitGrantProvider] = set()


def register_implicit(model: type[models.Model], provider: ImplicitGrantProvider, *,
                      in_place: bool = False) -> None:
    """Called from an app's ``AppConfig.ready``: ``register_implicit(Document, route_q)``.
    ``in_place=True`` promises the provider's Q has no joins (see ``_IN_PLACE``)."""
    providers = _PROVIDERS.setdefault(model, [])
    if provider not in providers:
        providers.append(provider)
    if in_place:
        _IN_PLACE.add(provider)


def unregister_implicit(model: type[models.Model], provider: ImplicitGrantProvider) -> None:
    if provider in _PROVIDERS.get(model, []):
        _PROVIDERS[model].remove(provider)
    _IN_PLACE.discard(provider)


def explicit_q(model: type[models.Model], person: Person) -> Q:
    ct = ContentType.objects.get_for_model(model)
    holder = Q(person_id=person.pk)
    if person.unit_id:
        holder |= Q(unit_id=person.unit_id)
    ids = Grant.objects.active().filter(content_type=ct).filter(holder).values("object_id")
    return Q(pk__in=ids)


def need_to_know_q(model: type[models.Model], person: Person) -> Q:
    q = Q(registered_by_id=person.pk) | explicit_q(model, person)
    for provider in _PROVIDERS.get(model, []):
        if provider in _IN_PLACE:
            q |= provider(person)
            continue
        # As a subquery: a route that reaches the person twice must not list the object
        # twice, and its joins must not multiply the outer query's rows.
        q |= Q(pk__in=model._default_manager.filter(provider(person)).values("pk"))
    return q


def unit_has_grant(obj: models.Model, unit_id: int) -> bool:
    ct = ContentType.objects.get_for_model(type(obj))
    return Grant.objects.active().filter(content_type=ct, object_id=obj.pk, unit_id=unit_id).exists()


def grants_of(obj: models.Model) -> QuerySet[Grant]:
    ct = ContentType.objects.get_for_model(type(obj))
    return Grant.objects.filter(content_type=ct, object_id=obj.pk).select_related(
        "person", "unit", "granted_by", "revoked_by")
