"""System checks of the accounts app's settings."""

from django.conf import settings
from django.core.checks import Warning, register


@register("security", deploy=True)
def two_factor_enforced(app_configs=None, **kwargs):
    """A production installation that does not enforce the second factor says so loudly."""
    if settings.JINGUO_TWO_FACTOR_ENFORCED:
        return []
    return [
        Warning(
            "JINGUO_TWO_FACTOR_ENFORCED is off: roles marked as requiring two-factor login "
            "(system administrator, security auditor, leader) sign in with a password alone.",
            hint="Unset JINGUO_TWO_FACTOR_ENFORCED, or set it to 1, outside the demo.",
            id="accounts.W001",
        )
    ]
