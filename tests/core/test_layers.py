"""Layers as ARCHITECTURE.md says, checked on the source (every import, function-level too):

* services and the other non-web modules never read the request or render templates: the
  actor and the input are parameters, mail is queued as a template name and a context;
* feature schemas take their shared types from platform/schemas.py, never from api.py;
* the people stack is one-way: accounts (people, sessions, passwords, tokens) <- members
  (organisations) <- onboarding (invitations, join requests). accounts imports neither
  members nor onboarding, members does not import onboarding; where accounts must reach
  them it sends the signals of accounts/signals.py. Type-checking imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PLATFORM = Path(__file__).resolve().parents[2] / "platform"

# The request's side of the application: they may use request, session, current_user and
# render_template. Any module with one of these names, in any feature, is a web module.
WEB_MODULE_NAMES = {"views.py", "api.py", "forms.py", "events.py"}  # events: Socket.IO handlers
WEB_MODULES = {
    "app.py",  # error pages and request hooks
    "cli.py",
    "core.py",  # the home page and health endpoints (a blueprint)
    "errors.py",
    "security.py",  # headers, CSRF and host checks per request
    "templating.py",
    "access.py",  # the @policy decorator: who is asking
    "extensions.py",  # the rate limiter's key: the client's address
    "i18n.py",  # the locale selector: the request's language or the person's
    "input_checks.py",  # the one parser of request bodies
    "accounts/auth.py",  # Flask-Login's request loader (cookies, bearer tokens)
    "accounts/limits.py",  # rate limits keyed by the request's address and account
}
# Mail renders its templates at the job boundary (mail/delivery.py), and only there.
RENDERING_ALLOWED = {"mail/delivery.py"}

REQUEST_NAMES = {"request", "session", "current_user"}
RENDERING_NAMES = {"render_template", "render_template_string", "stream_template"}


def _modules():
    for path in sorted(PLATFORM.rglob("*.py")):
        yield path.relative_to(PLATFORM).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _flask_names(tree: ast.AST):
    """(line, name) for every name taken from flask or flask_login, and every use of
    ``flask.<name>`` / ``flask_login.<name>``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask_login"):
            for alias in node.names:
                yield node.lineno, alias.name
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("flask", "flask_login")
        ):
            yield node.lineno, node.attr


def test_only_web_modules_read_the_request_or_render_templates():
    offenders = []
    for name, tree in _modules():
        if name in WEB_MODULES or name.rsplit("/", 1)[-1] in WEB_MODULE_NAMES:
            continue
        for line, used in _flask_names(tree):
            if used in REQUEST_NAMES or (used in RENDERING_NAMES and name not in RENDERING_ALLOWED):
                offenders.append(f"{name}:{line} uses {used}")
    assert offenders == []


def test_the_checker_sees_function_level_imports():
    tree = ast.parse("def f():\n    from flask import render_template\n    import flask\n")
    assert [n for _line, n in _flask_names(tree)] == ["render_template"]
    tree = ast.parse("def f():\n    import flask\n    return flask.request\n")
    assert [n for _line, n in _flask_names(tree)] == ["request"]


def _imported_modules(name: str, tree: ast.AST):
    """(line, dotted module) for every import of ``name`` (a path under platform/), relative
    imports resolved against the package, function-level imports included. ``from . import x``
    yields ``pkg.x``, so importing a sibling module is seen."""
    package = name.removesuffix(".py").split("/")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("seoul_platform."):
                    yield node.lineno, alias.name.removeprefix("seoul_platform.")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                module = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("seoul_platform."):
                module = node.module.removeprefix("seoul_platform.")
            else:
                continue
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}" if module else alias.name


def test_feature_schemas_do_not_import_the_api_blueprint():
    offenders = [
        f"{name}:{line} imports {module}"
        for name, tree in _modules()
        if name.endswith("/schemas.py")
        for line, module in _imported_modules(name, tree)
        if module == "api" or module.startswith("api.")
    ]
    assert offenders == []


# feature -> the features it must never import (at any level, in any of its modules)
FORBIDDEN = {
    "accounts": {"members", "onboarding"},
    "members": {"onboarding"},
}


def _feature_of(module: str) -> str:
    return module.split(".", 1)[0]


def test_the_people_stack_is_one_way():
    offenders = []
    for name, tree in _modules():
        feature = name.split("/", 1)[0]
        for line, module in _imported_modules(name, tree):
            if _feature_of(module) in FORBIDDEN.get(feature, ()):
                offenders.append(f"{name}:{line} imports {module}")
    assert offenders == []


def test_the_import_checker_resolves_relative_and_absolute_imports():
    source = (
        "from ..members.services import detach_laureate\n"
        "from .. import onboarding\n"
        "from . import services\n"
        "def f():\n"
        "    import seoul_platform.onboarding.models\n"
        "    from seoul_platform.members import views\n"
        "if TYPE_CHECKING:\n"
        "    from ..api import PageOut\n"
    )
    found = [m for _line, m in _imported_modules("accounts/privacy.py", ast.parse(source))]
    assert found == [
        "members.services.detach_laureate",
        "onboarding",
        "accounts.services",
        "onboarding.models",
        "members.views",
        "api.PageOut",
    ]
