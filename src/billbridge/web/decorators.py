"""Company-scoped views: moved to `billbridge.accounts.tenancy` (issue 12 item 3); these names
stay importable from here for the web app's own modules."""

from billbridge.accounts.tenancy import (
    SESSION_COMPANY_KEY,
    CompanyRequest,
    CompanyViewMixin,
    ManagerViewMixin,
    View,
    company_view,
    manager_required,
)

__all__ = [
    "SESSION_COMPANY_KEY",
    "CompanyRequest",
    "CompanyViewMixin",
    "ManagerViewMixin",
    "View",
    "company_view",
    "manager_required",
]
