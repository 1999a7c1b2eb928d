"""Each mutant (fusedrnn.reference with one planted bug) fails the suite.

A mutant is caught when it fails a case that the unmutated reference passes
(conformance/xfail/reference.json lists the cases the reference itself fails).
"""
import os
import sys

import pytest

SUITE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "conformance")
sys.path.insert(0, SUITE)
sys.path.insert(0, os.path.join(SUITE, "mutants"))

import mutant_adapter  # noqa: E402
from harness import core  # noqa: E402

BASELINE_FAILS = set(core.load_xfail("reference"))
CASES = [c for _, c in core.load_cases() if c["id"] not in BASELINE_FAILS and c["kind"] != "property"]


def test_there_are_at_least_twenty_mutants():
    assert len(mutant_adapter.NAMES) >= 20


def test_the_reference_itself_passes_outside_its_xfail_list():
    a = core.open_adapter("reference")
    bad = [c["id"] for c in CASES if core.run_case(a, c)[0].status == "failed"]
    assert bad == []


@pytest.mark.parametrize("name", mutant_adapter.NAMES)
def test_mutant_is_caught(name):
    a = core.open_adapter(f"mutant:{name}")
    try:
        for case in CASES:
            result, _ = core.run_case(a, case)
            if result.status == "failed":
                return
    finally:
        a.close()
    pytest.fail(f"mutant {name} passed every case")
