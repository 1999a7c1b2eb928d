"""Every conformance case against the python implementation, in process.

`fusedrnn conformance run` does the same with reports; this keeps `make test`
honest about it. The perl side runs in `make conformance`.
"""
import os
import sys

import pytest

SUITE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "conformance")
sys.path.insert(0, SUITE)

from harness import core  # noqa: E402

CASES = [c for _, c in core.load_cases() if c["level"] != "perl"]   # the perl level is Perl code: make conformance


@pytest.fixture(scope="module")
def adapter():
    return core.open_adapter("python")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(adapter, case):
    result, _ = core.run_case(adapter, case)
    assert result.status == "passed", result.message
