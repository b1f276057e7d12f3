"""The /api/v1 blueprint: declared operations, validation, pagination and the OpenAPI document.

Each feature's api.py declares its endpoints with `operation(...)`, naming the pydantic models
of the request body, query string and response. The same declarations drive validation
(400 malformed, 415 wrong content type, 422 invalid fields) and the OpenAPI 3.1 document, so
the document cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from pydantic.json_schema import models_json_schema

from .access import PUBLIC, policy
from .db import unit_of_work
from .errors import HTTP_TEXT, BadRequest, DomainError, NotFound
from .input_checks import request_json
from .pagination import Page, PageQuery
from .schemas import MAX_ID, PageOut, UtcDateTime  # noqa: F401  (UtcDateTime: re-exported)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: dict[str, list[str]] | None = None


class UnsupportedMediaType(DomainError):
    status = 415
    title = "Unsupported media type"


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    access: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    errors: tuple[int, ...]
    description: str = ""
    produces: Sequence[str] = field(default_factory=lambda: ("application/json",))
    form: type[BaseModel] | None = None  # multipart/form-data fields besides the files
    files: Sequence[str] = ()  # multipart/form-data file parts (each required)


OPERATIONS: list[Operation] = []


def _validation_errors(err: PydanticError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in err.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in item["loc"]) or "body"
        errors.setdefault(name, []).append(item["msg"])
    return errors


def parse_body(model: type[BaseModel]) -> BaseModel:
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(_("Send the body as application/json."))
    data = request_json()
    if not isinstance(data, dict):
        raise BadRequest(_("The body must be a JSON object."))
    try:
        return model.model_validate(data)
    except PydanticError as exc:
        from .errors import ValidationError

        raise ValidationError(_("Some fields are invalid."), _validation_errors(exc)) from exc


def parse_multipart(
    model: type[BaseModel] | None, files: Sequence[str]
) -> tuple[BaseModel | None, dict]:
    """A multipart/form-data body: its fields validated with ``model`` and its file parts
    (each required). 415 for another content type, 422 for invalid fields or a missing file."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(_("Send the body as multipart/form-data."))
    from .errors import ValidationError

    errors: dict[str, list[str]] = {}
    form = None
    if model is not None:
        try:
            form = model.model_validate(request.form.to_dict())
        except PydanticError as exc:
            errors.update(_validation_errors(exc))
    uploads = {}
    for name in files:
        upload = request.files.get(name)
        if upload is None or not upload.filename:
            errors.setdefault(name, []).append(_("Choose a file."))
        uploads[name] = upload
    if errors:
        raise ValidationError(_("Some fields are invalid."), errors)
    return form, uploads


def parse_query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except PydanticError as exc:
        from .errors import ValidationError

        raise ValidationError(
            _("Some query parameters are invalid."), _validation_errors(exc)
        ) from exc


# 405: an id outside 1..MAX_ID matches no route, and the router may answer 405 for it.
DEFAULT_ERRORS = (400, 401, 403, 404, 405, 429)


def operation(
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    access: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    produces: Sequence[str] = ("application/json",),
    form: type[BaseModel] | None = None,
    files: Sequence[str] = (),
) -> Callable:
    """Declare an API endpoint. The view receives path args plus ``body``/``query`` models
    when declared and returns a pydantic model, a Response, or None (for 204). It runs inside
    one unit of work: handlers never commit.

    A multipart/form-data body is declared with ``form`` (a model of its plain fields) and/or
    ``files`` (the names of its file parts); the view then receives ``form`` and ``files``
    (name -> werkzeug FileStorage). A JSON ``body`` and a multipart one exclude each other."""
    multipart = form is not None or bool(files)
    if multipart and body is not None:
        raise ValueError("an operation takes a JSON body or a multipart one, not both")

    def decorate(fn: Callable) -> Callable:
        @wraps(fn)
        def view(**kwargs: Any):
            if body is not None:
                kwargs["body"] = parse_body(body)
            if multipart:
                kwargs["form"], kwargs["files"] = parse_multipart(form, files)
            if query is not None:
                kwargs["query"] = parse_query(query)
            # The handler's unit of work: one commit after it returns (its response model is
            # built inside, before the commit expires the rows), a rollback if it raises.
            with unit_of_work():
                result = fn(**kwargs)
            if isinstance(result, Response):
                return result
            if result is None:
                return Response(status=204)
            response_obj = jsonify(result.model_dump(mode="json"))
            response_obj.status_code = status
            return response_obj

        policy(access)(view)
        endpoint = fn.__name__
        bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=[method])
        # 401 stays documented on public operations too: an invalid bearer token is refused.
        all_errors = set(DEFAULT_ERRORS) | set(errors)
        if body is not None or multipart:
            all_errors |= {413, 415, 422}
        if query is not None:
            all_errors.add(422)
            if issubclass(query, PageQuery):
                all_errors.add(404)  # a page past the end
        OPERATIONS.append(
            Operation(
                rule=rule,
                method=method.lower(),
                endpoint=endpoint,
                summary=summary,
                tag=tag,
                access=access,
                body=body,
                query=query,
                response=response,
                status=status,
                errors=tuple(sorted(all_errors)),
                description=(fn.__doc__ or "").strip(),
                produces=produces,
                form=form,
                files=tuple(files),
            )
        )
        return view

    return decorate


def paginated(page: Page, model: type[PageOut], item: Callable[[Any], Any]) -> Response:
    """The response of a list operation: ``model`` with the page's items (each passed through
    ``item``) and an RFC 8288 Link header (first, prev, next, last). A page past the end is
    404; page 1 of an empty list is an empty 200."""
    if page.past_end:
        raise NotFound(
            _(
                "Page %(page)s does not exist; the last page is %(last)s.",
                page=page.requested,
                last=page.pages,
            )
        )
    body = {
        "items": [item(row) for row in page.items],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }
    response = jsonify(model.model_validate(body).model_dump(mode="json"))
    args = request.args.to_dict()
    links = []

    def link(number: int, rel: str) -> None:
        args["page"] = str(number)
        args["per_page"] = str(page.per_page)
        url = url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)
        links.append(f'<{url}>; rel="{rel}"')

    link(1, "first")
    if page.has_prev:
        link(page.page - 1, "prev")
    if page.has_next:
        link(page.page + 1, "next")
    link(page.pages, "last")
    response.headers["Link"] = ", ".join(links)
    return response


# ---- the OpenAPI document -----------------------------------------------------------------

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# The error responses the document describes (texts from errors.HTTP_TEXT, in English).
_DOCUMENTED_ERRORS = (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)


def _error_titles() -> dict[int, str]:
    with force_locale("en"):  # developer documentation: one language whatever the reader's
        return {code: str(HTTP_TEXT[code][0]) for code in _DOCUMENTED_ERRORS}


def _is_list(op: Operation) -> bool:
    return op.query is not None and issubclass(op.query, PageQuery)


def _multipart_schema(op: Operation, schemas: dict) -> dict:
    """The form fields' schema (inlined, so that the file parts can join it) plus one binary
    property per file part."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    if op.form is not None:
        fschema = op.form.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(fschema.get("$defs", {}))
        properties.update(fschema.get("properties", {}))
        required.extend(fschema.get("required", []))
    for name in op.files:
        properties[name] = {"type": "string", "format": "binary"}
        required.append(name)
    return {"type": "object", "properties": properties, "required": required}


def build_openapi() -> dict:
    models: list[tuple[type[BaseModel], str]] = [(Problem, "serialization")]
    for op in OPERATIONS:
        if op.body is not None:
            models.append((op.body, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    key_map, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas = defs.get("$defs", {})

    def ref(model: type[BaseModel], mode: str) -> dict:
        return key_map[(model, mode)]

    problem_ref = key_map[(Problem, "serialization")]
    paths: dict[str, dict] = {}
    for op in sorted(OPERATIONS, key=lambda o: (o.rule, o.method)):
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", op.rule)
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
                if conv == "int"
                else {"type": "string"},
            }
            for conv, name in _PARAM.findall(op.rule)
        ]
        if op.query is not None:
            qschema = op.query.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, prop in qschema.get("properties", {}).items():
                prop = {k: v for k, v in prop.items() if k != "title"}
                parameters.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in qschema.get("required", []),
                        "schema": prop,
                    }
                )
        responses: dict[str, dict] = {}
        if op.status == 204:
            responses["204"] = {"description": "Done"}
        elif op.response is not None:
            responses[str(op.status)] = {
                "description": "Success",
                "content": {"application/json": {"schema": ref(op.response, "serialization")}},
            }
        else:
            responses[str(op.status)] = {
                "description": "Success",
                "content": {ctype: {"schema": {"type": "string"}} for ctype in op.produces},
            }
        for code in op.errors:
            responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
        if _is_list(op):
            responses[str(op.status)]["headers"] = {
                "Link": {
                    "description": "RFC 8288 links to the first, previous, next and last pages",
                    "schema": {"type": "string"},
                }
            }
            responses["404"] = {
                "description": "Not found, or a page past the end of the list (page 1 of an "
                "empty list is an empty 200)",
                "content": {"application/problem+json": {"schema": problem_ref}},
            }
        entry: dict[str, Any] = {
            "operationId": op.endpoint,
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": parameters,
            "responses": responses,
            "x-access": op.access,
        }
        if op.description:
            entry["description"] = op.description
        if op.access == PUBLIC:
            entry["security"] = []
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(op.body, "validation")}},
            }
        if op.form is not None or op.files:
            entry["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": _multipart_schema(op, schemas)}},
            }
        paths.setdefault(path, {})[op.method] = entry

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Seoul Smart City Prize Platform API",
            "version": "1.0.0",
            "description": "Members, pilots, training and matching for Seoul Smart City Prize "
            "winners. Errors are application/problem+json.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "responses": {
                f"E{code}": {
                    "description": text,
                    "content": {"application/problem+json": {"schema": problem_ref}},
                }
                for code, text in _error_titles().items()
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    }


@bp.get("/openapi.json")
@policy(PUBLIC)
def openapi_document():
    return jsonify(build_openapi())


@bp.get("/docs")
@policy(PUBLIC)
def docs():
    """A browsable, script-free rendering of the OpenAPI document."""
    return render_template("api_docs.html", spec=build_openapi())
