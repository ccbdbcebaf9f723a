"""django-tables2 asks ``inspect.signature`` which arguments a column's ``render`` or a
table's ``render_FOO`` takes, once for every cell: on a queue page of 25 rows that was ~2,500
signature computations, a tenth of the page's time. A function's signature does not change,
so it is remembered per function (weakly: a function that goes away takes its entry along).
"""

import weakref

from django_tables2 import utils

_original = utils.signature
_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def cached_signature(fn):
    # A bound method is a new object on every access: key it by its function, and whether it
    # is bound (the self-argument is left out for bound methods).
    target = getattr(fn, "__func__", fn)
    bound = hasattr(fn, "__self__") and not isinstance(fn, type)
    try:
        entry = _cache.get(target)
    except TypeError:  # not weakly referenceable: compute it every time
        return _original(fn)
    if entry is not None and bound in entry:
        return entry[bound]
    result = _original(fn)
    _cache.setdefault(target, {})[bound] = result
    return result


def install() -> None:
    utils.signature = cached_signature
