"""Workaround for Debian's torchrun 1.13.1 on Python 3.11 (launchcheck).

Put this directory on PYTHONPATH and Python imports this file at start-up.

The bug: torch 1.13's `Std.from_str` (torch/distributed/elastic/multiprocessing/
api.py) finds the member for a number by iterating the `Std` IntFlag. Since
Python 3.11 iterating a Flag yields only its canonical single-bit members
(OUT, ERR), so `from_str("0")` and `from_str("3")` return None, and torchrun
dies in `to_map` with `AttributeError: 'NoneType' object has no attribute
'get'` unless --redirects and --tee are 1 or 2.

The fix: `Std.from_str` is replaced by the same parser with `Std(int(v))` as
the lookup, which returns the right member (NONE, OUT, ERR or ALL) on every
Python. Nothing else is changed. It is lazy: an import hook waits for that one
module, so a Python process that never imports it never imports torch. At the
end, the next `sitecustomize` on sys.path (Debian's) still runs.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys

_TARGET = "torch.distributed.elastic.multiprocessing.api"


def _patch(api):
    std = api.Std

    def from_str(cls, vm):
        """Std.from_str as in torch 1.13, with a lookup that works on 3.11."""

        def to_std(v):
            return cls(int(v))

        if re.match(api._VALUE_REGEX, vm):
            return to_std(vm)
        elif re.match(api._MAPPING_REGEX, vm):
            d = {}
            for m in vm.split(","):
                i, v = m.split(":")
                d[int(i)] = to_std(v)
            return d
        else:
            raise ValueError(
                "%s does not match: <%s> or <%s>" % (vm, api._VALUE_REGEX, api._MAPPING_REGEX))

    std.from_str = classmethod(from_str)


class _PatchingLoader(importlib.abc.Loader):
    """Runs the real loader, then patches the module it loaded."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch(module)

    def __getattr__(self, name):
        # get_source, get_filename, ... for tracebacks and linecache.
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self):
        self._done = False

    def find_spec(self, name, path, target=None):
        if name != _TARGET or self._done:
            return None
        self._done = True  # patch once
        for finder in sys.meta_path:
            if finder is self:
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec else None
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


def _chain_next_sitecustomize():
    """Runs the sitecustomize this file shadows (Debian's apport hook)."""
    here = os.path.dirname(os.path.realpath(__file__))
    rest = [p for p in sys.path if os.path.realpath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.origin == __file__ or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception:
        pass  # site.py would only have printed a warning


if _TARGET not in sys.modules:
    sys.meta_path.insert(0, _Finder())
else:
    _patch(sys.modules[_TARGET])

_chain_next_sitecustomize()
