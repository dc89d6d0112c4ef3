"""factory_boy factories for the domain; tests build their world from these."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import factory

from billbridge.accounts.models import Company, Membership, User
from billbridge.bills.models import Bill, BillStatus, Category, PaymentMethod, Supplier


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "secret-password")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Firma {n} ApS")
    cvr = factory.Sequence(lambda n: f"{10000000 + n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = "owner"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Kategori {n}")
    account_number = factory.Sequence(lambda n: f"{2000 + n}")


class PaymentMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    company = factory.SubFactory(CompanyFactory)
    name = "Bankkonto"
    type = "bank_account"
    account_number = "5810"


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Leverandør {n} A/S")
    cvr = factory.Sequence(lambda n: f"{30000000 + n}")


class BillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bill

    company = factory.SubFactory(CompanyFactory)
    supplier = factory.SubFactory(SupplierFactory, company=factory.SelfAttribute("..company"))
    invoice_number = factory.Sequence(lambda n: f"F-{1000 + n}")
    issue_date = dt.date(2026, 11, 1)
    due_date = dt.date(2026, 11, 15)
    currency = "DKK"
    total = Decimal("1250.00")
    vat_amount = Decimal("250.00")
    text = "Kontorartikler"
    status = BillStatus.UPCOMING


def totp_code(device, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now for `device` (pyotp, as a phone would),
    after letting the device forget the codes it already took (one code is good once)."""
    from base64 import b32encode

    import pyotp

    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    secret = b32encode(device.bin_key).decode()
    return pyotp.TOTP(secret, interval=device.step).at(time.time() + steps_ahead * device.step)


def enable_two_factor(user):
    """Two-factor on for `user`, as the account page does it: (app device, recovery codes)."""
    from billbridge.accounts import two_factor

    device = two_factor.start_setup(user)
    codes = two_factor.confirm_setup(user, totp_code(device))
    device.refresh_from_db()
    return device, codes


def added_bill(company: Company, n: int = 1, **kw: object) -> Bill:
    """A finished bill added through the one write path (bills.services.add_bill), as the web
    form and the API add one: sync records follow for every connected integration. 1,250.00
    DKK with 250.00 VAT, dated 1 November 2026, from "Leverandør <n> A/S" unless `kw` says."""
    from billbridge.bills.services import BillInput, add_bill

    data: dict[str, object] = {
        "supplier_name": f"Leverandør {n} A/S",
        "invoice_number": f"F-{1000 + n}",
        "issue_date": dt.date(2026, 11, 1),
        "due_date": dt.date(2026, 11, 15),
        "total": Decimal("1250.00"),
        "vat_amount": Decimal("250.00"),
    }
    data.update(kw)
    document = data.pop("document", None)
    return add_bill(company, BillInput(**data), document=document)  # type: ignore[arg-type]
