"""Closed-form checks collected for the 2-rank run of the suite (make test)."""

from tests.test_creep_kinematics import (  # noqa: F401
    test_assembled_jacobian_is_the_derivative_of_the_residual,
    test_contact_patch_uniform_wall_pressure,
    test_disc_spreads_to_the_wall_and_stops,
    test_uniaxial_compression_at_constant_force,
)
from tests.test_fields import (  # noqa: F401
    test_every_snapshot_carries_every_field_and_the_region_names,
    test_vtx_writes_every_field,
)
from tests.test_norton_relaxation import test_fixed_gap_relaxation  # noqa: F401
from tests.test_paraview import test_one_field_file_opens_in_paraview  # noqa: F401
from tests.test_stack_closed_form import test_layered_stack_pressure  # noqa: F401
from tests.test_verification import (  # noqa: F401
    test_film_on_rigid_substrate_follows_crank_and_thin_film_stress,
    test_sphere_3d_octant,
    test_sphere_axisymmetric_reaches_the_steady_state_stress,
    test_stress_driven_diffusion_reaches_equilibrium,
)
