"""Small helpers the views share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's ValidationError next to the matching field, else above the form.

    Services name fields their own way (`payment_method_id`, `supplier_name`); `aliases` maps
    those names to the form's.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, errors)
