"""Mediation sessions.

CONTRACT:
- mediation_create(*, user, case, held_at, mode, parties, mediators, outcome, place="",
  statements="", agreement="") -> Mediation
- mediation_update(*, user, mediation, **same fields) -> Mediation
"""
