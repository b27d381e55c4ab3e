"""The API's action: holding personal API tokens — anyone who works with content, never
the three administrators (a token would carry an administrator's rights out of the
browser). With a token as the object: it is the person's own (only they list or revoke
it)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from zhongshu.access import admins
from zhongshu.access.registry import AppPolicy
from zhongshu.org.models import Person


class ApiAction(StrEnum):
    TOKEN_MANAGE = "api.token_manage"  # noqa: S105 (an action name)


def manages_token(person: Person, token: Any) -> bool:
    if token is None:
        return not admins.is_admin(person)
    return getattr(token, "owner_id", None) == person.pk


def policy() -> AppPolicy:
    return AppPolicy(app="api", actions=ApiAction, rules={ApiAction.TOKEN_MANAGE: manages_token},
                     scopes={"api.apitoken": lambda person, qs: qs.filter(owner_id=person.pk)})
