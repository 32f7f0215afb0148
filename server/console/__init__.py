"""The managers' and editors' web console, served under ``/console`` (docs/console.md).

Server-rendered pages (Jinja2, no script) over the learning model: the team skill
matrix, agents' profiles, assigning learning, help-seeking trends, the gap queue and
article analytics. Sign-in takes the same API tokens as the API.
"""

from __future__ import annotations

from deskmate.server.console.auth_routes import install_asset_routes, install_session_routes
from deskmate.server.console.authoring_routes import install_authoring_routes
from deskmate.server.console.editor_routes import install_editor_routes
from deskmate.server.console.page_context import ConsoleRoute
from deskmate.server.console.team_routes import install_team_routes
from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse

PREFIX = "/console"


def install_console(app: FastAPI) -> None:
    """Serve the console under ``/console`` on the app."""
    router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
    install_session_routes(router)
    install_team_routes(router)
    install_editor_routes(router)
    install_authoring_routes(router)
    install_asset_routes(router)  # last: it ends with the catch-all 404

    @app.get(PREFIX, include_in_schema=False)
    def console_root() -> RedirectResponse:
        return RedirectResponse(PREFIX + "/", status_code=307)

    app.include_router(router, prefix=PREFIX)
