"""Shipped defaults (risk instrument, early-warning rules, emergency checklists…). Created
when missing after migrate, never overwritten, so a federation's own edits survive upgrades.
Each concern adds its loader (a function taking ``using``) to LOADERS."""

LOADERS = []


def ensure_defaults(using: str = "default") -> None:
    for loader in LOADERS:
        loader(using=using)
