"""The web UI's URLs. Everything company-scoped lives under /c/<company_id>/ (see decorators)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from billbridge.web.views import (
    auth,
    bills,
    home,
    integrations,
    overview,
    security,
    settings,
    tokens,
    two_factor,
)

app_name = "web"

company_patterns = [
    path("bills/", bills.bill_list, name="bill_list"),
    path("bills/new/", bills.bill_new, name="bill_new"),
    path("bills/upload/", bills.bill_upload, name="bill_upload"),
    path("bills/<int:bill_id>/", bills.bill_detail, name="bill_detail"),
    path("bills/<int:bill_id>/document/", bills.bill_document, name="bill_document"),
    path("bills/<int:bill_id>/edit/", bills.bill_edit, name="bill_edit"),
    path("bills/<int:bill_id>/pay/", bills.bill_pay, name="bill_pay"),
    path("bills/<int:bill_id>/exchange-rate/", bills.bill_exchange_rate, name="bill_exchange_rate"),
    path(
        "bills/<int:bill_id>/not-a-duplicate/",
        bills.bill_not_duplicate,
        name="bill_not_duplicate",
    ),
    path("settings/products/", settings.products, name="products"),
    path("settings/categories/", settings.categories, name="categories"),
    path(
        "settings/categories/<int:category_id>/",
        settings.category_update,
        name="category_update",
    ),
    path("settings/payment-methods/", settings.payment_methods, name="payment_methods"),
    path(
        "settings/payment-methods/<int:payment_method_id>/",
        settings.payment_method_update,
        name="payment_method_update",
    ),
    path("settings/security-log/", security.security_log, name="security_log"),
    path("settings/two-factor/", two_factor.two_factor_policy, name="two_factor_policy"),
    path("integrations/", integrations.integration_list, name="integrations"),
]

urlpatterns = [
    path("login/", two_factor.LoginView.as_view(), name="login"),
    path("login/code/", two_factor.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("i18n/", set_language, name="set_language"),
    path("account/tokens/", tokens.token_list, name="tokens"),
    path("account/two-factor/", two_factor.account_two_factor, name="two_factor"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("", home.home, name="home"),
    path("overview/", overview.overview, name="overview"),
    path("c/<int:company_id>/", include(company_patterns)),
]
