"""A generation number of what the policy decides from: roles, people's units and
state, units' heads, delegations and grants.

Whatever is cached per person from the policy's answers (the menus of the page shell)
is kept under the current generation; any change of those inputs bumps it, so the next
page computes afresh. It lives in Django's cache, shared by the server's processes when
the cache is (settings ``CACHES``); with a per-process cache a change reaches the other
processes when their entries expire."""

from __future__ import annotations

from typing import Any

from zhongshu.kernel import kept

KEY = "zs:policy:generation"


def current() -> int:
    return kept.counter(KEY)


def bump(**kwargs: Any) -> None:
    """A signal receiver too. A sign-in's ``last_login`` changes nothing decided."""
    if set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return
    kept.advance(KEY)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from zhongshu.org.models import Person, Unit

    from .models import Delegation, Grant

    for model in (Person, Unit, Delegation, Grant):
        post_save.connect(bump, sender=model, dispatch_uid=f"policy-generation-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"policy-generation-delete-{model.__name__}")
    m2m_changed.connect(bump, sender=Person.roles.through, dispatch_uid="policy-generation-roles")
