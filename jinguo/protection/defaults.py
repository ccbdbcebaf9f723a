"""Shipped defaults (risk instrument, early-warning rules, emergency checklists…). Created
when missing after migrate, never overwritten, so a federation's own edits survive upgrades.
Each concern's ``contributions.<part>.load_defaults`` creates its own."""

from importlib import import_module

from .contributions import PARTS


def ensure_defaults(using: str = "default") -> None:
    for part in PARTS:
        import_module(f"{__package__}.contributions.{part}").load_defaults(using=using)
