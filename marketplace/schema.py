"""The OpenAPI schema: the token authentication (a drf-spectacular extension) and the
post-processing that documents what every operation can answer."""

import copy

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenOrBearerScheme(OpenApiAuthenticationExtension):
    target_class = "marketplace.authentication.TokenOrBearerAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "API-Token von `POST /api/v1/auth/token/`, gesendet als "
                "`Authorization: Token <key>` oder `Authorization: Bearer <key>`."
            ),
        }


# --- what every operation can answer -------------------------------------------------------------

FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Ungültige Eingabe: je Feld oder Parameter eine Liste von Meldungen (bei "
        "verschachtelten Feldern deren Fehler), oder `detail` mit einer Meldung für das Ganze; "
        "`code` bei fachlichen Fehlern."
    ),
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": {},
}
ERROR = {
    "type": "object",
    "description": "Ein Fehler: `detail` sagt, was los ist; `code` zum Unterscheiden.",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
}
ERROR_TEXTS = {
    "400": "Ungültige Eingabe (auch unbekannte Felder oder Parameter)",
    "401": "Nicht angemeldet, oder das Token ist ungültig",
    "403": "Angemeldet, aber nicht erlaubt",
    "404": "Gibt es nicht oder ist für Sie nicht sichtbar",
    "409": "Widerspricht dem aktuellen Stand; bei code=busy mit Retry-After",
}


def _json(ref: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def complete_responses(result, generator, request, public):
    """drf-spectacular post-processing: every operation documents the errors it can answer.

    - 400 (field errors, not `{"detail"}` alone) where there is a body or a query parameter:
      unknown fields and parameters are refused, and so are empty parameter values (hence
      `minLength: 1` on free-text parameters);
    - 401 where a token is accepted (a wrong token is a 401 even where none is needed), 403
      where one is required, 404 where the path names an object;
    - each sub-schema of a discriminated request names its one `kind`.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["FieldErrors"] = FIELD_ERRORS
    schemas["Error"] = ERROR
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            _complete(operation, write=method in ("post", "put", "patch", "delete"))
            _relax_form_bodies(operation, schemas)
    for name, schema in list(schemas.items()):
        _narrow_discriminated_kinds(schema, schemas)
        if name.endswith(("Request", "RequestForm")) and "properties" in schema:
            # Every input serializer refuses unknown fields (marketplace/api_base.py).
            schema["additionalProperties"] = False
    return result


def _complete(operation: dict, *, write: bool) -> None:
    responses = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    for parameter in parameters:
        schema = parameter.get("schema", {})
        free_text = schema.get("type") == "string" and not {"enum", "format"} & set(schema)
        if parameter["in"] == "query" and free_text:
            schema.setdefault("minLength", 1)
    security = operation.get("security", [])
    wanted = []
    if operation.get("requestBody") or any(p["in"] == "query" for p in parameters):
        wanted.append("400")
    if any(requirement for requirement in security):
        wanted.append("401")
        if {} not in security:
            wanted.append("403")
    if any(p["in"] == "path" for p in parameters):
        wanted.append("404")
    if write:
        # A constraint or a lock may refuse any write (marketplace/api_errors.py), besides the
        # state rules of each operation.
        wanted.append("409")
    for code in wanted:
        responses.setdefault(code, {"description": ERROR_TEXTS[code]})
    for code, response in responses.items():
        if code == "400":
            response["content"] = _json("FieldErrors")
        elif code.startswith("4"):
            response["content"] = _json("Error")


def _relax_form_bodies(operation: dict, schemas: dict) -> None:
    """In a multipart form an empty optional field means "not given" (DRF), so the form's
    schema lets it be empty where the JSON body's does not."""
    content = operation.get("requestBody", {}).get("content", {})
    form = content.get("multipart/form-data")
    if not form or "$ref" not in form.get("schema", {}):
        return
    name = form["schema"]["$ref"].rsplit("/", 1)[-1]
    relaxed = f"{name}Form"
    if relaxed not in schemas:
        schema = copy.deepcopy(schemas[name])
        required = set(schema.get("required", []))
        for field, spec in schema.get("properties", {}).items():
            if field not in required:
                spec.pop("minLength", None)
                if "pattern" in spec:
                    spec["pattern"] = f"^$|{spec['pattern']}"
        schemas[relaxed] = schema
    form["schema"] = {"$ref": f"#/components/schemas/{relaxed}"}


def _narrow_discriminated_kinds(schema: dict, schemas: dict) -> None:
    discriminator = schema.get("discriminator")
    if not discriminator:
        return
    name = discriminator["propertyName"]
    for value, ref in discriminator.get("mapping", {}).items():
        target = schemas.get(ref.rsplit("/", 1)[-1], {})
        if name in target.get("properties", {}):
            target["properties"][name] = {"type": "string", "enum": [value]}
