"""The review desk in the browser: a local web app over the same library and store as the CLI.

``annotator serve`` starts it on 127.0.0.1. Starlette, uvicorn and Jinja2 are imported only here
(and only when the server starts), so the CLI stays fast.

DOCS: docs/server.md
"""
