"""The list pages' filters read from a query string: bad input never answers 500 and is
never silently ignored — the filter is left out and the page says why, in Chinese."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest

YEAR_FIRST = 1949
YEAR_LAST = 2100


def parse_year(raw: str | None) -> tuple[int | None, str]:
    """(the year, "") for a sensible year, (None, "") for none, (None, message) otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return None, ""
    if raw.isascii() and raw.isdigit() and YEAR_FIRST <= int(raw) <= YEAR_LAST:
        return int(raw), ""
    return None, (f"年度“{raw[:20]}”无效：请填写 {YEAR_FIRST} 至 {YEAR_LAST} 年之间的四位年份。"
                  "本次未按年度筛选。")


def year_filter(request: HttpRequest, name: str = "year") -> int | None:
    """The year in ``request.GET[name]``; a bad one is reported on the page and dropped."""
    year, problem = parse_year(request.GET.get(name))
    if problem:
        messages.error(request, problem)
    return year


def report_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """A filter form's problems as page messages ("起始日期：请输入有效的日期。"), so that a
    bad date is answered rather than dropped unseen."""
    if not form.is_bound or form.is_valid():
        return
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            text = _plain(str(error))
            messages.error(request, f"{label}：{text}本次未按该条件筛选。" if label else text)


def _plain(text: str) -> str:
    # Django's own messages for dates read oddly to staff ("输入一个有效的日期。").
    if "日期" in text and "有效" in text:
        return "日期无效，请按 年-月-日 填写（如 2026-12-07）。"
    return text if text.endswith("。") else f"{text}。"
