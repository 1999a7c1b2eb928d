# fusedrnn: `make test` and `make bench` do everything on a fresh Debian
# machine with Python 3.11, gcc and perl. Stamps under build/ keep an
# unchanged tree quick.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build
PYTEST_ARGS ?= -n auto -q

C_SOURCES := $(wildcard libc/src/*.c libc/src/*.h) libc/include/fusedrnn.h libc/CFLAGS
PY_BUILD_INPUTS := $(C_SOURCES) bindings/build_ffi.py bindings/fusedrnn_build.py pyproject.toml
PERL_SOURCES := $(wildcard perl/*.PL perl/*.xs perl/typemap perl/lib/*.pm perl/lib/*/*.pm perl/lib/*/*/*.pm perl/lib/*/*/*/*.pm perl/lib/*/*/*/*/*.pm)

.PHONY: test test-c test-python test-perl build venv pdl bench clean conformance conformance-extra

# ---- bootstrap ---------------------------------------------------------------
# The install line is here, so a change to this Makefile re-runs it.
$(BUILD)/venv.stamp: pyproject.toml Makefile
	@mkdir -p $(BUILD)
	@test -x $(PY) || { echo "creating the project virtual environment in $(VENV)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip setuptools wheel
	$(PY) -m pip install -q --disable-pip-version-check numpy "cffi>=1.16" "scipy-openblas32>=0.3.27" \
		"pytest>=8" "pytest-xdist>=3.5" "hypothesis>=6.100" "jsonschema>=4.20" "tqdm>=4.66"
	@touch $@

venv: $(BUILD)/venv.stamp

# Debian's PDL, for the Perl binding; installed only when missing.
$(BUILD)/pdl.stamp:
	@mkdir -p $(BUILD)
	@if ! perl -MPDL -e 1 2>/dev/null; then \
		echo "PDL is missing: installing Debian's pdl package"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pdl >/dev/null; \
	fi
	@touch $@

pdl: $(BUILD)/pdl.stamp

BLAS_INC = $(shell $(PY) -c "import scipy_openblas32 as s; print(s.get_include_dir())")
BLAS_LIB = $(shell $(PY) -c "import scipy_openblas32 as s; print(s.get_lib_dir())")
LIBC_MAKE = $(MAKE) --no-print-directory -C libc BUILD=$(abspath $(BUILD))/libc BLAS_INC=$(BLAS_INC) BLAS_LIB=$(BLAS_LIB)

# ---- build -------------------------------------------------------------------
# Editable install: Python files are used in place; the cffi extension is
# rebuilt into engine/fusedrnn/ whenever a C source or the build glue changes.
$(BUILD)/python.stamp: $(BUILD)/venv.stamp $(PY_BUILD_INPUTS)
	$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .
	@touch $@

$(BUILD)/perl.stamp: $(BUILD)/venv.stamp $(BUILD)/pdl.stamp $(C_SOURCES) $(PERL_SOURCES)
	cd perl && FUSEDRNN_BLAS_INC=$(BLAS_INC) FUSEDRNN_BLAS_LIB=$(BLAS_LIB) perl Makefile.PL >/dev/null && $(MAKE) --no-print-directory >/dev/null
	@touch $@

build: $(BUILD)/python.stamp $(BUILD)/perl.stamp

# ---- tests ---------------------------------------------------------------------
test-c: $(BUILD)/venv.stamp
	$(LIBC_MAKE) test
	$(LIBC_MAKE) test-sanitize

test-python: $(BUILD)/python.stamp
	$(PY) -m pytest $(PYTEST_ARGS)

# Python writes vectors and saved models; perl/t/50-cross.t and 55-cross-models.t
# must reproduce them bit for bit.
test-perl: $(BUILD)/perl.stamp $(BUILD)/python.stamp
	$(PY) tests/cross_vectors.py $(abspath $(BUILD))/cross-vectors
	$(PY) tests/cross_models.py $(abspath $(BUILD))/cross-vectors
	cd perl && FUSEDRNN_CROSS_VECTORS=$(abspath $(BUILD))/cross-vectors prove -b -j2 t

test: test-c test-python test-perl

# ---- conformance suite (docs/conformance.md) -------------------------------------
# Every case against the Python and Perl bindings; reports in build/conformance/.
CONFORMANCE_ARGS ?=
conformance: $(BUILD)/python.stamp $(BUILD)/perl.stamp
	$(PY) -m fusedrnn.cli conformance run --impl python --impl perl --report-dir $(BUILD)/conformance $(CONFORMANCE_ARGS)

# Also PyTorch and ONNX Runtime (operator level; installed into the venv here only).
conformance-extra: $(BUILD)/python.stamp $(BUILD)/perl.stamp
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q --disable-pip-version-check torch==2.13.0 \
		|| echo "torch could not be installed: its adapter reports not applicable"
	@$(PY) -c "import onnxruntime, onnx" 2>/dev/null || $(PY) -m pip install -q --disable-pip-version-check onnx onnxruntime \
		|| echo "onnxruntime could not be installed: its adapter reports not applicable"
	$(PY) -m fusedrnn.cli conformance run --impl python --impl perl --impl torch --impl onnxruntime \
		--report-dir $(BUILD)/conformance-extra $(CONFORMANCE_ARGS)

# ---- benchmark (never part of the tests) ----------------------------------------
bench: $(BUILD)/python.stamp
	@$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q --disable-pip-version-check torch==2.13.0 \
		|| echo "torch==2.13.0 could not be installed: fusedrnn's figures only"
	$(PY) -m fusedrnn.bench

clean:
	rm -rf $(BUILD) engine/fusedrnn/_fusedrnn_cffi*.so
	-cd perl && [ -f Makefile ] && $(MAKE) clean >/dev/null
