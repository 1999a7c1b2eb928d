"""The fusedrnn conformance runner (see docs/conformance.md).

core      cases, inputs, expected values, adapters, evaluation
plugin    the pytest plugin: one item per (implementation, case), reports
report    JSON and HTML reports
export    `fusedrnn conformance export DIR`
properties  hypothesis strategies and property functions for property cases
"""
