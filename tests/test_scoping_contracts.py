"""Every model with restrict() runs the scoping contract (jinguo.testing.scoping).

A new scoped model without a contract subclass fails here, whichever app it lives in: the
apps' test modules are imported (so that their contracts register) and compared with the
models Django knows whose manager is a RestrictQuerySet.
"""

import importlib
import pkgutil

from django.apps import apps

from jinguo.core.scoping import RestrictQuerySet
from jinguo.testing.scoping import CONTRACTS


def import_app_tests() -> None:
    """Import every test module of every Jinguo app, so that each contract has registered."""
    for config in apps.get_app_configs():
        name = f"{config.name}.tests"
        if not config.name.startswith("jinguo."):
            continue
        try:
            package = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for module in pkgutil.iter_modules(package.__path__):
            if module.name.startswith("test_"):
                importlib.import_module(f"{name}.{module.name}")


def scoped_models() -> set:
    return {
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), RestrictQuerySet)
    }


def test_every_model_with_restrict_runs_the_scoping_contract():
    import_app_tests()
    missing = sorted(m._meta.label for m in scoped_models() - CONTRACTS.keys())
    assert not missing, f"no ScopedModelContract subclass for: {', '.join(missing)}"


def test_every_contract_is_collected_and_is_about_a_scoped_model():
    import_app_tests()
    for model, contracts in CONTRACTS.items():
        assert model in scoped_models(), f"{model._meta.label} has no restrict() any more"
        for path, contract in contracts.items():
            # pytest runs only Test* classes of test_*.py modules: anything else never runs.
            module = contract.__module__.rsplit(".", 1)[-1]
            assert contract.__name__.startswith("Test") and module.startswith("test_"), path


def test_the_known_scoped_models_are_all_found():
    """The discovery above is not vacuous: the models the issue listed are among them."""
    labels = {m._meta.label for m in scoped_models()}
    assert {
        "orgs.OrgUnit",
        "accounts.User",
        "people.Person",
        "people.Household",
        "people.PersonTag",
        "people.ContactAssignment",
        "people.Visit",
        "people.Consent",
        "cases.Case",
        "cases.Referral",
        "cases.Mediation",
        "cases.Attachment",
        "cases.Agency",
        "cases.IntakeSubmission",
    } <= labels
