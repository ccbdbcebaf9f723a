"""API of the shelter concern under /api/protection/."""


def register(router) -> None:
    """Add this concern's viewsets to the app's router."""
