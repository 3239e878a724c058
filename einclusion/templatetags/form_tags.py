"""Rendering helpers for accessible forms (used by templates/includes/field.html)."""

from django import template

register = template.Library()


@register.simple_tag
def field_widget(bound_field, css_class: str):
    """Render a field's widget with `css_class`, aria-invalid and aria-describedby set."""
    attrs = {"class": css_class}
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_aide")
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_erreurs")
        attrs["aria-invalid"] = "true"
        attrs["class"] += " is-invalid"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/non_field_errors.html")
def non_field_errors(form):
    return {"errors": form.non_field_errors()}
