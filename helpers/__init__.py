"""Helpers for comparing Vietnamese localities across Party congress terms.

The notebooks call these; nothing here draws a conclusion on its own. Submodules load on
first use so that `import helpers` stays cheap.
"""
from importlib import import_module

__all__ = ["load", "check"]


def __getattr__(name):
    if name in __all__:
        return getattr(import_module(".loading", __name__), name)
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
