"""Writes of the orders concern: written warnings and their visits, protection orders,
breaches, injury records and evidence bundles (one module each)."""
