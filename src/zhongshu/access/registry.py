"""Where each app declares its part of THE policy (issue 9 §4).

An app declares its actions as a ``StrEnum`` (permanent once shipped) and, for each, one
decision: the roles that may do it (a role grant, for actions on no object), or a rule
``(person, obj) -> bool`` (for actions on an object). It may also declare scopes: how to
list rows of a model that is not classifiable (an export job is its owner's). It
registers all of it from its ``AppConfig.ready``::

    from zhongshu.access import registry
    registry.register(registry.AppPolicy(app="documents", actions=DocumentAction,
                                         roles={...}, rules={...}))

``access.policy.can`` and ``visible`` ask only this registry, and a system check fails
start-up (and the suite) when an action has no decision or two, when a rule given by
dotted path does not resolve, or when two apps declare the same action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from zhongshu.org.models import Person


# A rule decides for one signed-in person and one object (or None for the action at
# large); a scope narrows a list to what the person may see.
Rule = Callable[["Person", Any], bool]
Scope = Callable[["Person", QuerySet[Any]], QuerySet[Any]]


@dataclass(frozen=True)
class AppPolicy:
    app: str
    actions: type[StrEnum]
    roles: Mapping[StrEnum, Iterable[str]] = field(default_factory=dict)
    # A callable, or a dotted path resolved on first use (for rules in a module that
    # imports the app's models, which cannot be imported while apps load).
    rules: Mapping[StrEnum, Rule | str] = field(default_factory=dict)
    scopes: Mapping[str, Scope] = field(default_factory=dict)


@dataclass
class Decision:
    app: str
    roles: frozenset[str] | None = None
    rule: Rule | str | None = None

    def resolved_rule(self) -> Rule | None:
        if isinstance(self.rule, str):
            resolved: Rule = import_string(self.rule)
            self.rule = resolved
            return resolved
        return self.rule


_POLICIES: dict[str, AppPolicy] = {}
_DECISIONS: dict[str, list[Decision]] = {}
_SCOPES: dict[str, Scope] = {}
_ENUMS: dict[str, list[str]] = {}


def register(policy: AppPolicy) -> None:
    """Declare an app's actions and decisions. Registering the same app again replaces
    its earlier declaration (Django may call ``ready`` twice in tests)."""
    if policy.app in _POLICIES:
        unregister(policy.app)
    _POLICIES[policy.app] = policy
    for action in policy.actions:
        _ENUMS.setdefault(str(action), []).append(policy.app)
    for action, roles in policy.roles.items():
        _DECISIONS.setdefault(str(action), []).append(
            Decision(policy.app, roles=frozenset(str(r) for r in roles)))
    for action, rule in policy.rules.items():
        _DECISIONS.setdefault(str(action), []).append(Decision(policy.app, rule=rule))
    for label, scope in policy.scopes.items():
        _SCOPES[label] = scope


def unregister(app: str) -> None:
    policy = _POLICIES.pop(app, None)
    if policy is None:
        return
    for key in list(_DECISIONS):
        _DECISIONS[key] = [d for d in _DECISIONS[key] if d.app != app]
        if not _DECISIONS[key]:
            del _DECISIONS[key]
    for key in list(_ENUMS):
        _ENUMS[key] = [a for a in _ENUMS[key] if a != app]
        if not _ENUMS[key]:
            del _ENUMS[key]
    for label in policy.scopes:
        _SCOPES.pop(label, None)


def decision(action: str) -> Decision | None:
    """The one decision for ``action``; None (deny) when there is none or, against the
    system check, more than one."""
    found = _DECISIONS.get(str(action), [])
    return found[0] if len(found) == 1 else None


def scope(model_label: str) -> Scope | None:
    return _SCOPES.get(model_label)


def actions() -> list[str]:
    return sorted(_ENUMS)


def problems() -> list[str]:
    """What the system check reports."""
    found = []
    for action, apps in _ENUMS.items():
        if len(apps) > 1:
            found.append(f"action {action!r} is declared by {', '.join(apps)}")
        decisions = _DECISIONS.get(action, [])
        if not decisions:
            found.append(f"action {action!r} ({apps[0]}) has no decision (roles or rule)")
        elif len(decisions) > 1:
            found.append(f"action {action!r} has {len(decisions)} decisions")
    for action, decisions in _DECISIONS.items():
        if action not in _ENUMS:
            found.append(f"a decision for {action!r}, which no app declares as an action")
        for d in decisions:
            if isinstance(d.rule, str):
                try:
                    import_string(d.rule)
                except ImportError as exc:
                    found.append(f"rule of {action!r} ({d.rule}) does not resolve: {exc}")
    return found
