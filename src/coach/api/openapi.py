"""OpenAPI that states what the server enforces: unknown fields refused, public operations public."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Litestar

# Litestar's own msgspec schema plugin (not re-exported publicly); this one only adds to its output.
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.routes import HTTPRoute
from litestar.security.jwt import JWTCookieAuth

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Marks `forbid_unknown_fields` structs `additionalProperties: false` (the server answers 400)."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields:
            schema.additional_properties = False
        return schema


def state_public_operations(app: Litestar, auth: JWTCookieAuth[Any, Any]) -> None:
    """Operations that need no token say so (`security: []`), overriding the document-wide bearer scheme.

    Litestar's JWT auth adds its requirement to the whole document, but login, register and
    the health checks are excluded from auth: without this the schema claims they need a token.
    """
    schema = app.openapi_schema
    excluded = [
        re.compile(p) for p in ([auth.exclude] if isinstance(auth.exclude, str) else auth.exclude or [])
    ]
    for route in app.routes:
        item = (schema.paths or {}).get(route.path_format)
        if not isinstance(route, HTTPRoute) or item is None:
            continue
        for handler in route.route_handlers:
            if handler.opt.get(auth.exclude_opt_key) or any(p.match(route.path) for p in excluded):
                for method in handler.http_methods:
                    operation = getattr(item, method.lower(), None)
                    if operation is not None:
                        operation.security = []
