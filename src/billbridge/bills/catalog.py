"""Categories and payment methods: created, renamed, archived (never deleted while in use)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from billbridge.accounts.models import Company
from billbridge.bills.models import Category, PaymentMethod, PaymentMethodType


def create_category(company: Company, name: str, account_number: str = "") -> Category:
    if not name.strip():
        raise ValidationError({"name": _("Give the category a name.")})
    return Category.objects.create(
        company=company, name=name.strip(), account_number=account_number.strip()
    )


def create_payment_method(
    company: Company, name: str, type: str, account_number: str = ""
) -> PaymentMethod:
    if not name.strip():
        raise ValidationError({"name": _("Give the payment method a name.")})
    if type not in PaymentMethodType.values:
        raise ValidationError(
            {
                "type": _("Choose one of: %(types)s.")
                % {"types": ", ".join(PaymentMethodType.values)}
            }
        )
    return PaymentMethod.objects.create(
        company=company, name=name.strip(), type=type, account_number=account_number.strip()
    )


def update_category(
    category: Category,
    *,
    name: str | None = None,
    account_number: str | None = None,
    archived: bool | None = None,
) -> Category:
    """Rename, re-map or (un)archive a category; None leaves a field as it is."""
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Give the category a name.")})
        category.name = name.strip()
    if account_number is not None:
        category.account_number = account_number.strip()
    if archived is not None:
        category.archived = archived
    category.save(update_fields=["name", "account_number", "archived"])
    return category


def update_payment_method(
    method: PaymentMethod,
    *,
    name: str | None = None,
    type: str | None = None,
    account_number: str | None = None,
    archived: bool | None = None,
) -> PaymentMethod:
    """Rename, re-type, re-map or (un)archive a payment method; None leaves a field as it is."""
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Give the payment method a name.")})
        method.name = name.strip()
    if type is not None:
        if type not in PaymentMethodType.values:
            raise ValidationError(
                {
                    "type": _("Choose one of: %(types)s.")
                    % {"types": ", ".join(PaymentMethodType.values)}
                }
            )
        method.type = type
    if account_number is not None:
        method.account_number = account_number.strip()
    if archived is not None:
        method.archived = archived
    method.save(update_fields=["name", "type", "account_number", "archived"])
    return method
