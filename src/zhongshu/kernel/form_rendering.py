"""One rule for rendering every form field on the site (``FORM_RENDERER``): the label with a
red asterisk when the field is required, the help text, the errors beside the field, and
"请选择" instead of Django's "---------" in drop-down lists. ``{{ form }}`` and
``{{ field.as_field_group }}`` use it; the templates' own field markup follows the same
pattern (``org/_form.html``)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class OfficeFormRenderer(TemplatesSetting):
    form_template_name = "zhongshu/forms/div.html"
    field_template_name = "zhongshu/forms/field.html"
