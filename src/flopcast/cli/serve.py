"""``flopcast serve``: the analysis in a browser (the ``serve`` extra)."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command(
        "serve",
        help=(
            "The analysis in a browser: catalog, model reports, live calculators and the "
            "JSON API (/api/, described at /openapi.json), on 127.0.0.1. Needs the serve "
            "extra: pip install 'flopcast[serve]'.\n\n"
            "Example: flopcast serve --port 8000"
        ),
    )(serve_command)


def serve_command(
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port to listen on.")
    ] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on (default 127.0.0.1, this machine only); another "
            "address makes it reachable from the network, with a warning.",
        ),
    ] = "127.0.0.1",
) -> None:
    from flopcast.web import serve

    serve(host=host, port=port)
