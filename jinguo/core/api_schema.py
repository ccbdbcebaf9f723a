"""The published API schema says every answer an endpoint can give, not only its success.

A postprocessing hook of drf-spectacular adds the errors that core.api_errors and DRF give
alike for every endpoint (400, 401, 403, 404, 409, 429), and the HTTP server's 414, where the
view did not describe them itself, with the shape of their bodies.
"""

from .ids import MAX_ID
from .serializers import CONTROL_CHARACTERS

ERROR = {
    "type": "object",
    "description": "错误说明",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
FIELD_ERRORS = {
    "type": "object",
    "description": "按字段列出的错误：字段名 → 错误说明列表；与字段无关的在 non_field_errors 中。",
    "additionalProperties": True,
}
CONFLICT = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "version": {"type": "integer"}},
    "required": ["detail"],
}

URI_TOO_LONG = {
    "description": "请求地址过长（由 HTTP 服务器拒绝，不是 JSON）",
    "content": {"text/html": {"schema": {"type": "string"}}},
}

WRITES = {"post", "put", "patch", "delete"}

# What core.serializers accepts as text: no control characters; a field that may not be blank
# needs one character that is not a space (DRF trims the rest away).
_TEXT = f"[^{CONTROL_CHARACTERS}]"
TEXT_PATTERN = f"^{_TEXT}*$"
NON_BLANK_TEXT_PATTERN = f"^{_TEXT}*[^\\s{CONTROL_CHARACTERS}]{_TEXT}*$"


def _constrained(prop: dict) -> bool:
    return any(key in prop for key in ("enum", "format", "pattern"))


def _declare_text_rules(schema: dict) -> None:
    for prop in schema.get("properties", {}).values():
        if prop.get("readOnly") or prop.get("type") != "string":
            continue
        if _constrained(prop):
            continue
        prop["pattern"] = NON_BLANK_TEXT_PATTERN if prop.get("minLength", 0) >= 1 else TEXT_PATTERN


def _json_bodies_only(operation: dict) -> None:
    # The API's contract is JSON. DRF still parses forms (a browser, curl --data), but a form
    # cannot say null or a number, so it is not what we promise to platforms.
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        for media_type in list(content):
            if media_type != "application/json":
                del content[media_type]


def _body_properties(result: dict, operation: dict) -> dict:
    schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
    )
    ref = schema.get("$ref", "")
    if ref:
        schema = result["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return schema.get("properties", {})


def _declare_query_rules(params: list) -> None:
    # Integer query parameters are ids or page numbers unless they say otherwise (ages do).
    for param in params:
        schema = param.get("schema", {})
        if param.get("in") != "query":
            continue
        if schema.get("type") == "integer":
            schema.setdefault("minimum", 1)
            schema.setdefault("maximum", MAX_ID)
        if schema.get("type") == "string" and "" not in schema.get("enum", [""]):
            schema["enum"] = [*schema["enum"], ""]
            continue
        if schema.get("type") == "string" and not _constrained(schema):
            # Query text follows the rule of text in a body (core.middleware.ApiQueryMiddleware).
            schema["pattern"] = TEXT_PATTERN
        if param["name"] != "page" and (
            schema.get("type") in {"integer", "number", "boolean"} or "format" in schema
        ):
            # A list's filter form sends every field, the empty ones as "": no filter.
            param["schema"] = {"anyOf": [schema, {"type": "string", "enum": [""]}]}


def _response(description: str, ref: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    schemas.setdefault("Conflict", CONFLICT)
    for name, schema in schemas.items():
        if name.endswith("Request"):
            _declare_text_rules(schema)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            params = operation.get("parameters", [])
            _declare_query_rules(params)
            _json_bodies_only(operation)
            has_query = any(p.get("in") == "query" for p in params)
            if method in WRITES or has_query:
                responses.setdefault("400", _response("请求内容有误（按字段说明）", "FieldErrors"))
            responses.setdefault("401", _response("未登录或令牌无效", "Error"))
            # The one answer the application never sees: the HTTP server (gunicorn, nginx)
            # refuses a request line past its limit (gunicorn: 4094 bytes) with its own page.
            responses.setdefault("414", URI_TOO_LONG)
            responses.setdefault("403", _response("没有权限", "Error"))
            # A detail outside the user's scope, or a page past the end of a list.
            responses.setdefault("404", _response("记录不存在或不在您的范围内", "Error"))
            if method in {"put", "patch"} and "version" in _body_properties(result, operation):
                responses.setdefault(
                    "428", _response("修改有版本号的记录须带上读取时的 version", "FieldErrors")
                )
            if method in {"put", "patch"} or (method == "post" and "{" in path):
                responses.setdefault(
                    "409", _response("记录已被他人修改（version 过期）", "Conflict")
                )
    return result
