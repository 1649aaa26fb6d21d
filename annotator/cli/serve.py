"""annotator serve: the review desk in the browser."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli._app import SIGINT_STATUS, app
from annotator.cli._output import user_errors, workspace


@app.command("serve")
def serve_cli(
    *,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on (0: any free "
                                      "port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to listen on. Only this computer "
                                      "can connect to 127.0.0.1; anything else is reachable "
                                      "from the network.")] = "127.0.0.1",
) -> None:
    """Start the review desk in the browser on this workspace; prints its address, opens nothing."""
    with user_errors():
        ws = workspace()
        from annotator.server.run import LocalServer

        server = LocalServer(ws, host=host, port=port)
    typer.echo(server.url)
    if server.exposed:
        where = ", ".join(server.network_urls()) or f"every address of this computer ({host})"
        typer.echo(f"warning: the review desk is reachable from the network with no login, at "
                   f"{where}: anyone who can reach it can read and change this workspace "
                   "(its token only stops other web pages in a browser); use --host 127.0.0.1 "
                   "to keep it to this computer", err=True)
    typer.echo(f"review desk for {ws.root} as editor '{ws.editor}'; Ctrl-C to stop", err=True)
    try:
        server.run()
    except KeyboardInterrupt:  # how the desk is stopped, not an interrupted run: each act whole
        typer.echo("review desk stopped", err=True)
        raise typer.Exit(SIGINT_STATUS) from None
