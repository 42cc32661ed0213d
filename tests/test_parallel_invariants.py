"""Closed-form checks collected for the 2-rank run of the suite (make test)."""

from tests.test_norton_relaxation import test_fixed_gap_relaxation  # noqa: F401
from tests.test_stack_closed_form import test_layered_stack_pressure  # noqa: F401
