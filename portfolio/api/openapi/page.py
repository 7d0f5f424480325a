"""The reference page (/api/v1/docs), worked out from the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

from portfolio.schemas import rules

_CONSTRAINTS = (
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minimum", "at least {}"),
    ("maximum", "at most {}"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
    ("pattern", "{}"),
    ("format", "{}"),
    ("default", "default {}"),
)


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/") else None


def type_text(schema: dict[str, Any]) -> str:
    """Describe a schema's type in a few words: "Project", "array of string", ..."""
    name = _ref_name(schema)
    if name:
        return name
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(kind)
    if kind == "array":
        return "array of " + type_text(schema.get("items", {}))
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    return str(kind)


#: The rules' patterns in words; any other is shown as it is.
_PATTERN_WORDS = {
    rules.LINE_PATTERN: "one line, without control or text-direction characters",
    rules.TEXT_PATTERN: "no control or text-direction characters",
    rules.MONTH_PATTERN: "a month, YYYY-MM",
}


def _words(key: str, value: Any) -> Any:
    if key == "pattern":
        return _PATTERN_WORDS.get(value, f"matches {value}")
    if key == "default":
        return json.dumps(value, ensure_ascii=False)
    return value


def constraint_text(schema: dict[str, Any]) -> str:
    """List a schema's limits in words."""
    parts = [text.format(_words(key, schema[key])) for key, text in _CONSTRAINTS if key in schema]
    items = schema.get("items") or {}
    if "maxLength" in items:
        parts.append(f"each at most {items['maxLength']} characters")
    return "; ".join(parts)


def _schema_rows(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "type": type_text(prop),
            "link": _ref_name(prop) or _ref_name(prop.get("items", {})),
            "required": name in required,
            "constraints": constraint_text(prop),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _example_body(schema_name: str, doc: dict[str, Any]) -> str:
    if schema_name == "ProjectPatch":
        return json.dumps({"ongoing": False, "end": "2025-06"})
    props = doc["components"]["schemas"][schema_name]["properties"]
    example = {
        name: (prop.get("examples") or [None])[0]
        for name, prop in props.items()
        if prop.get("examples")
    }
    if schema_name.startswith("Project"):
        example.setdefault("kind", "personal")
    return json.dumps(dict(sorted(example.items(), key=lambda kv: list(props).index(kv[0]))))


def _curl(method: str, path: str, body: str | None, media: str, base: str) -> str:
    url = base.rstrip("/") + path.replace("{project_id}", "1").replace(
        "{slug}", "back-end-engineer"
    )
    lines = [f"curl -X {method.upper()} '{url}'", '  -H "Authorization: Bearer $TOKEN"']
    if body is not None:
        lines.append(f"  -H 'Content-Type: {media}'")
        lines.append(f"  --data '{body}'")
    return " \\\n".join(lines)


def reference(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Return what the reference page shows, worked out from the document."""
    tags = {
        tag["name"]: {
            "name": tag["name"],
            "description": tag.get("description", ""),
            "operations": [],
        }
        for tag in doc.get("tags", [])
    }
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method in ("get", "post", "put", "patch", "delete"):
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": type_text(p["schema"]),
                    "constraints": constraint_text(p["schema"]),
                    "description": p.get("description", ""),
                }
                for p in [*shared, *operation.get("parameters", [])]
            ]
            body = None
            example = None
            media = "application/json"
            if "requestBody" in operation:
                content = operation["requestBody"]["content"]
                media = next(iter(content))
                schema = content[media]["schema"]
                body = {
                    "media": list(content),
                    "type": type_text(schema),
                    "link": _ref_name(schema),
                }
                name = _ref_name(schema)
                example = (
                    _example_body(name, doc)
                    if name in doc["components"]["schemas"] and name != "JsonResume"
                    else "@resume.json"
                )
            responses = []
            for code, response in operation["responses"].items():
                shared_name = _ref_name(response)
                if shared_name:
                    response = doc["components"]["responses"][shared_name]
                content = response.get("content", {})
                media_type = next(iter(content), "")
                schema = content[media_type]["schema"] if media_type else {}
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "media": media_type,
                        "type": type_text(schema) if schema else "",
                        "link": _ref_name(schema) if schema else None,
                    }
                )
            curl_body = None
            if example is not None:
                curl_body = example if not example.startswith("@") else None
            curl = _curl(method, path, curl_body, media, base_url)
            if example is not None and example.startswith("@"):
                curl += f" \\\n  -H 'Content-Type: {media}' \\\n  --data-binary {example}"
            tags[operation["tags"][0]]["operations"].append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "body": body,
                    "responses": responses,
                    "curl": curl,
                }
            )
    schemas = [
        {
            "name": name,
            "description": schema.get("description", ""),
            "type": schema.get("type", "object"),
            "rows": _schema_rows(schema),
        }
        for name, schema in doc["components"]["schemas"].items()
    ]
    return {
        "info": doc["info"],
        "tags": list(tags.values()),
        "schemas": schemas,
        "base_url": base_url.rstrip("/"),
    }
