"""Functions, callbacks and an operator the dag-factory conformance configs name (our own, written
from what dag-factory 1.1's examples do; see tests/tools/test_compare.py)."""
