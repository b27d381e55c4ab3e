"""Classification levels (密级), secrecy periods (保密期限) and what each clearance
(涉密人员等级) may see. Every classifiable object of every app inherits ``Classified``.

Levels are small integers so that "may see up to" is one indexed comparison in SQL.
The numbers are stored in every classified row: permanent once shipped.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhongshu.org.models import Clearance

if TYPE_CHECKING:
    from zhongshu.org.models import Person



class Level(models.IntegerChoices):
    # English names follow the official translation of the State Secrets Law:
    # 绝密 top secret, 机密 secret, 秘密 confidential.
    PUBLIC = 0, _("公开")
    INTERNAL = 1, _("内部")
    CONFIDENTIAL = 2, _("秘密")
    SECRET = 3, _("机密")
    TOP_SECRET = 4, _("绝密")


# From 秘密 up an item is a state secret: it needs a secrecy period, reading it is
# audited, and forwarding it outside its need-to-know needs approval.
CLASSIFIED_FROM = Level.CONFIDENTIAL

# The longest secrecy period the law allows per level (保守国家秘密法: 绝密不超过三十年，
# 机密不超过二十年，秘密不超过十年), unless 长期.
MAX_YEARS = {Level.CONFIDENTIAL: 10, Level.SECRET: 20, Level.TOP_SECRET: 30}

# The highest level each clearance may see (documented in docs/access.md).
HIGHEST_LEVEL: dict[str, Level] = {
    Clearance.CORE: Level.TOP_SECRET,
    Clearance.IMPORTANT: Level.SECRET,
    Clearance.GENERAL: Level.CONFIDENTIAL,
    Clearance.NONE: Level.INTERNAL,
}


def highest_level(person: Person) -> Level:
    """The highest level ``person`` may see; unknown clearances see only internal items."""
    return HIGHEST_LEVEL.get(getattr(person, "clearance", Clearance.NONE), Level.INTERNAL)


def clearance_covers(person: Person, level: int | None) -> bool:
    return level is None or int(level) <= highest_level(person)


def is_classified(level: int | None) -> bool:
    return level is not None and int(level) >= CLASSIFIED_FROM


class Classified(models.Model):
    """Mixin for every classifiable object: its level, secrecy period, owner unit (whose
    leader approves forwarding) and the person who registered it.

    A subclass that declares its own ``Meta`` must inherit ``Classified.Meta`` and add
    to, not replace, ``Classified.Meta.constraints``."""

    classification = models.PositiveSmallIntegerField(_("密级"), choices=Level.choices,
                                                      default=Level.INTERNAL)
    secrecy_years = models.PositiveSmallIntegerField(_("保密期限（年）"), null=True, blank=True)
    secrecy_long_term = models.BooleanField(_("长期"), default=False)
    classified_on = models.DateField(_("定密日期"), null=True, blank=True)
    owner_unit = models.ForeignKey("org.Unit", verbose_name=_("定密单位"),
                                   on_delete=models.PROTECT, related_name="+")
    registered_by = models.ForeignKey("org.Person", verbose_name=_("登记人"),
                                      on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(classification__gte=Level.PUBLIC, classification__lte=Level.TOP_SECRET),
                name="%(app_label)s_%(class)s_classification_valid"),
            # A state secret has exactly one of: a number of years, or 长期.
            # Unclassified items have neither.
            models.CheckConstraint(
                condition=(Q(classification__lt=CLASSIFIED_FROM, secrecy_years__isnull=True,
                             secrecy_long_term=False)
                           | Q(classification__gte=CLASSIFIED_FROM, secrecy_years__isnull=False,
                               secrecy_years__gte=1, secrecy_years__lte=30, secrecy_long_term=False)
                           | Q(classification__gte=CLASSIFIED_FROM, secrecy_years__isnull=True,
                               secrecy_long_term=True)),
                name="%(app_label)s_%(class)s_secrecy_period_valid"),
        ]

    def clean(self) -> None:
        super().clean()
        level = Level(self.classification)
        if level < CLASSIFIED_FROM:
            if self.secrecy_years or self.secrecy_long_term:
                raise ValidationError({"secrecy_years": _("非涉密事项不设保密期限。")})
            return
        if not self.secrecy_years and not self.secrecy_long_term:
            raise ValidationError({"secrecy_years": _("涉密事项须填写保密期限（年）或选择长期。")})
        if self.secrecy_years and self.secrecy_long_term:
            raise ValidationError({"secrecy_years": _("保密期限填写年数或选择长期，不能同时选择。")})
        if self.secrecy_years and self.secrecy_years > MAX_YEARS[level]:
            raise ValidationError({"secrecy_years": _("%(level)s事项的保密期限不超过 %(n)s 年。")
                                   % {"level": level.label, "n": MAX_YEARS[level]}})

    @property
    def is_classified(self) -> bool:
        return is_classified(self.classification)

    @property
    def secrecy_mark(self) -> str:
        """The mark printed on the item, e.g. 秘密★10年 or 机密★长期; empty if unclassified."""
        level = Level(self.classification)
        if level < CLASSIFIED_FROM:
            return str(level.label) if level == Level.INTERNAL else ""
        period = "长期" if self.secrecy_long_term else f"{self.secrecy_years}年"
        return f"{level.label}★{period}"

    @property
    def secrecy_ends_on(self) -> dt.date | None:
        if not self.is_classified or self.secrecy_long_term or not self.classified_on:
            return None
        start = self.classified_on
        try:
            return start.replace(year=start.year + int(self.secrecy_years or 0))
        except ValueError:  # 29 February
            return start.replace(year=start.year + int(self.secrecy_years or 0), day=28)


def classified_models() -> list[type[Classified]]:
    """Every installed concrete model that inherits ``Classified``."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, Classified)]
