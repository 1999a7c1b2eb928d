"""cffi (API mode) build script for fusedrnn._fusedrnn_cffi.

The extension compiles every C source of libc/src with the flags in
libc/CFLAGS, the same sources and flags the Perl binding compiles, so both
bindings run identical arithmetic. The declarations handed to cffi are read
from the public header itself, so the binding cannot drift from it.
"""
import glob
import os
import re

import scipy_openblas32
from cffi import FFI

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBC = os.path.join(ROOT, "libc")
HEADER = os.path.join(LIBC, "include", "fusedrnn.h")


def header_cdef(path):
    """The header's declarations as cffi can parse them.

    Everything from the status enum to the closing C++ guard is plain C
    declarations; drop preprocessor lines and the visibility macro there.
    """
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("typedef enum fusedrnn_status")
    end = text.rindex("#ifdef __cplusplus")
    body = [ln for ln in text[start:end].splitlines() if not ln.lstrip().startswith("#")]
    cdef = re.sub(r"\bFUSEDRNN_PUBLIC\b", "", "\n".join(body))
    macros = "".join(
        "#define FUSEDRNN_VERSION_%s ...\n" % part for part in ("MAJOR", "MINOR", "PATCH")
    )
    return macros + cdef


def compile_flags():
    with open(os.path.join(LIBC, "CFLAGS"), encoding="utf-8") as fh:
        return fh.read().split()


def sources():
    # Relative paths keep setuptools happy inside the source tree.
    return sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(LIBC, "src", "*.c")))


blas_lib = scipy_openblas32.get_lib_dir()
ffibuilder = FFI()
ffibuilder.cdef(header_cdef(HEADER))
ffibuilder.set_source(
    "fusedrnn._fusedrnn_cffi",
    '#include "fusedrnn.h"\n',
    sources=sources(),
    include_dirs=[os.path.join(LIBC, "include"), scipy_openblas32.get_include_dir()],
    extra_compile_args=compile_flags(),
    libraries=[scipy_openblas32.get_library()],
    library_dirs=[blas_lib],
    # $ORIGIN finds the wheel's library beside us in site-packages; the
    # absolute path covers in-place builds. fusedrnn also imports
    # scipy_openblas32 first, which loads the library.
    extra_link_args=[
        "-pthread",
        "-Wl,-rpath,$ORIGIN/../scipy_openblas32/lib",
        "-Wl,-rpath," + blas_lib,
    ],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
