"""The fusedrnn conformance runner (see docs/conformance.md).

core      cases, inputs, expected values, adapters, evaluation
plugin    the pytest plugin: one item per (implementation, case), reports
report    JSON and HTML reports
export    `fusedrnn conformance export DIR`
properties  hypothesis strategies and property functions for property cases
"""
import os
import sys

# adapters/ on sys.path for every harness module: they share protocol_io.py and
# script_values.py with the adapters, which also run as standalone processes.
ADAPTERS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "adapters")
if ADAPTERS not in sys.path:
    sys.path.insert(0, ADAPTERS)
