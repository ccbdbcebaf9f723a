"""The published API schema says every answer an endpoint can give, not only its success.

A postprocessing hook of drf-spectacular adds the errors that core.api_errors and DRF give
alike for every endpoint (400, 401, 403, 404, 409, 429) where the view did not describe
them itself, with the shape of their bodies.
"""

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

WRITES = {"post", "put", "patch", "delete"}


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
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            params = operation.get("parameters", [])
            has_query = any(p.get("in") == "query" for p in params)
            if method in WRITES or has_query:
                responses.setdefault("400", _response("请求内容有误（按字段说明）", "FieldErrors"))
            responses.setdefault("401", _response("未登录或令牌无效", "Error"))
            responses.setdefault("403", _response("没有权限", "Error"))
            # A detail outside the user's scope, or a page past the end of a list.
            responses.setdefault("404", _response("记录不存在或不在您的范围内", "Error"))
            if method in {"put", "patch"} or (method == "post" and "{" in path):
                responses.setdefault(
                    "409", _response("记录已被他人修改（version 过期）", "Conflict")
                )
    return result
