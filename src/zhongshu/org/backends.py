"""Signing in and loading the signed-in person on each request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import Person


class PersonBackend(ModelBackend):
    """Django's ModelBackend, loading the person with his unit and the two units above
    it: need-to-know climbs from a 处 through the office to the organ it works for
    (``org.selectors.served_units``) on nearly every page, and the page shell names the
    unit, so one query serves where three did."""

    def get_user(self, user_id: Any) -> Person | None:
        try:
            person = Person._default_manager.select_related("unit__parent__parent").get(pk=user_id)
        except Person.DoesNotExist:
            return None
        return person if self.user_can_authenticate(person) else None
