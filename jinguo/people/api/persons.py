def register(router) -> None:
    """Add this module's viewsets to the people API router."""
