"""API of the screening concern under /api/protection/."""


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
