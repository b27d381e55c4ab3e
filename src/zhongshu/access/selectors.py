"""Reads of the access app for its pages, each taking the viewer."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhongshu.org.models import Person

from .models import Delegation, ForwardRequest, ForwardStatus, Grant


def people_for_clearance(*, q: str = "", clearance: str = "") -> QuerySet[Person]:
    qs = Person.objects.select_related("unit").prefetch_related("roles").filter(is_active=True)
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(username__icontains=q) | Q(position__icontains=q))
    if clearance:
        qs = qs.filter(clearance=clearance)
    return qs.order_by("unit__sort_order", "unit_id", "sort_order", "id")


def active_grants(*, q: str = "") -> QuerySet[Grant]:
    qs = Grant.objects.active().select_related("person", "unit", "granted_by", "content_type")
    if q:
        qs = qs.filter(Q(person__full_name__icontains=q) | Q(person__username__icontains=q)
                       | Q(unit__name__icontains=q) | Q(reason__icontains=q))
    return qs


def forward_requests_for(viewer: Person) -> dict[str, QuerySet[ForwardRequest]]:
    """The viewer's own requests, and those that wait for (or were decided by) them."""
    base = ForwardRequest.objects.select_related(
        "requested_by", "recipient_person", "recipient_unit", "owner_unit", "decided_by")
    leads = Q(owner_unit__head_id=viewer.pk) | Q(owner_unit__leader_in_charge_id=viewer.pk)
    return {
        "mine": base.filter(requested_by=viewer),
        "waiting": base.filter(leads, status=ForwardStatus.PENDING).exclude(requested_by=viewer),
        "decided": base.filter(decided_by=viewer),
    }


def forward_request_for(viewer: Person, pk: int) -> ForwardRequest | None:
    """A request the viewer asked for or may decide; None (404) for anyone else."""
    leads = Q(owner_unit__head_id=viewer.pk) | Q(owner_unit__leader_in_charge_id=viewer.pk)
    return ForwardRequest.objects.select_related("owner_unit", "requested_by").filter(
        Q(requested_by=viewer) | leads | Q(decided_by=viewer), pk=pk).first()


def delegations_for(viewer: Person) -> dict[str, QuerySet[Delegation]]:
    base = Delegation.objects.select_related("delegator", "delegate")
    return {"given": base.filter(delegator=viewer), "received": base.filter(delegate=viewer)}
