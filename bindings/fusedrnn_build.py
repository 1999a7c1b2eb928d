"""PEP 517 backend: setuptools, plus the cffi extension of bindings/build_ffi.py.

setuptools only takes `cffi_modules` as an argument of setup(); this backend
passes it so the repository root needs no setup.py.
"""
from setuptools import build_meta as _setuptools_meta
from setuptools.build_meta import *  # noqa: F401,F403  (re-export the PEP 517 hooks)

_SETUP = 'from setuptools import setup; setup(cffi_modules=["bindings/build_ffi.py:ffibuilder"])'


class _FusedRNNBackend(_setuptools_meta._BuildMetaBackend):
    def run_setup(self, setup_script="setup.py"):
        exec(compile(_SETUP, "fusedrnn_build", "exec"), {"__name__": "__main__"})


_BACKEND = _FusedRNNBackend()
get_requires_for_build_wheel = _BACKEND.get_requires_for_build_wheel
get_requires_for_build_sdist = _BACKEND.get_requires_for_build_sdist
prepare_metadata_for_build_wheel = _BACKEND.prepare_metadata_for_build_wheel
build_wheel = _BACKEND.build_wheel
build_sdist = _BACKEND.build_sdist
get_requires_for_build_editable = _BACKEND.get_requires_for_build_editable
prepare_metadata_for_build_editable = _BACKEND.prepare_metadata_for_build_editable
build_editable = _BACKEND.build_editable
