"""Registry contributions of the screening concern (menu items, panels, sections, jobs, role
grants, audit labels, statistics sources)."""


def load_defaults(using: str = "default") -> None:
    """Create this concern's shipped defaults when missing; never overwrite."""
