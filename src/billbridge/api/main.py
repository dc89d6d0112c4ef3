"""The REST API (django-ninja): OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="billbridge", version="1", urls_namespace="api")
