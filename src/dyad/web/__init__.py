"""The web API and page (``dyad serve``): see ``dyad.web.app``."""

from dyad.web.app import create_app

__all__ = ["create_app"]
