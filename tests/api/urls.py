"""Only the API, at its real prefix: API tests do not depend on the web pages being built.

The pages the API's answers send a browser to come too: Visma Connect's redirect URI, named by
the API's authorize answer (issue 9 item 3), is where Visma returns the user, whoever started."""

from django.urls import include, path

from billbridge.integrations.dinero import views as dinero_views

BROWSER_RETURNS = [
    path("integrations/dinero/callback/", dinero_views.callback, name="dinero_callback"),
]

urlpatterns = [path("api/v1/", include("billbridge.api.urls")), *BROWSER_RETURNS]
