"""Li stripping at a Li / solid-electrolyte interface that can open.

The electrolyte is **rigid**: Li6PS5Cl (E = 22.1 GPa) strains by 2e-3 at 45 MPa, 0.04 um on a
20 um layer, against the micrometres a void grows by and the 7.8 GPa of Li, which yields at
about 1 MPa (Masias et al., J. Mater. Sci. 54 (2019) 2585). Its surface is the function
z_s(u) of the lateral coordinates u of :mod:`solver.geometry.interface_profile`, evaluated
exactly (as its cosine sum) at the current lateral position of each Li point.

**Stripped thickness.** Li leaves the interface at the local current density i (per nominal,
i.e. projected, area, like the measured mA/cm^2): the stripped thickness grows as

    d delta / dt = (V_m / F) i,        V_m = 13.0 cm^3/mol: 4.85 um per mAh/cm^2.

Its mean over the nominal area A, delta_bar, leaves the layer as a uniform axial shrink of
the Li, lambda_g = 1 - delta_bar / h_li (the growth of :mod:`solver.physics.swelling`, so the
Li's volume is exact). The shrink alone would lift a surface point at reference height Z by
s(Z) = delta_bar (H - Z) / h_li towards the top H (delta_bar where Li touches the flat
electrolyte, less over a void's raised cap); the local stripped thickness replaces that lift
in the gap by an offset delta - s(Z) of the Li surface. Where stripping is uniform on a flat
interface this is the shrink alone; the offset carries the non-uniform part, whose material
the layer keeps (exact while delta - delta_bar is small against the Li's thickness).

**Gap and contact.** The vertical gap of the Li underside above the electrolyte,

    g = Z + u_z - z_s(u_lat + X_lat) + delta - s(Z),

is closed by a penalty, a contact pressure p_c = k <-g> from the potential (k/2) <-g>^2 per
unit area, so the Li rows get -int k <-g> (v_z - grad z_s . v_lat) dA: frictionless to the
order of the surface slope squared (the force is along (-grad z_s, 1), the surface normal
before normalisation). k = RIGID_PENALTY E_Li / h_f (h_f the interface cell size), as for the
die wall (:mod:`solver.physics.contact`): the penetration is ~1e-4 of the cell's elastic
strain.

**Contact set and current focusing.** A node of the Li surface is in contact when
g <= CONTACT_TOLERANCE h_f (touching, loaded or not). The contact indicator chi (P1: 1 at
contact nodes) gives the contact area A_c = int chi dA, and the galvanostatic current I = i_0 A
is carried by it alone (current focusing at its minimum: Li dissolves only where it touches
the electrolyte, and the current density there is uniform),

    i = (I / A_c) chi,    so  int i dA = I  exactly, at every step.

Time integration: chi and i are those of the start of the step, delta is advanced over the step
before the mechanics is solved (the Li then creeps to follow within the same step); the
step's stripped thickness is limited by the stepper.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.physics.contact import RIGID_PENALTY
from solver.units import FARADAY_C_PER_MOL, MM2_PER_CM2

LI_MOLAR_VOLUME_MM3_PER_MOL = 13.0e3
"""Molar volume of Li, 13.0 cm^3/mol (density 0.534 g/cm^3, M = 6.94 g/mol)."""

CONTACT_TOLERANCE = 1.0e-3
"""A Li node is in contact where its gap is below this fraction of the interface cell size
(1.25 nm for 1.25 um cells): touching, with or without pressure."""

MA_CM2_PER_A_MM2 = 1.0e3 * MM2_PER_CM2
"""1 A/mm^2 = 1e5 mA/cm^2."""


def recession_velocity_mm_per_s(current_A_mm2, molar_volume_mm3_per_mol=LI_MOLAR_VOLUME_MM3_PER_MOL):
    """(V_m / F) i: the interface recession rate of a current density i (A/mm^2), mm/s."""
    return current_A_mm2 * molar_volume_mm3_per_mol / FARADAY_C_PER_MOL


def surface_height(profile, lateral):
    """z_s at the lateral position ``lateral`` (a UFL vector of 1 or 2 components): the
    electrolyte surface of ``profile`` as its cosine sum (exact, any sliding)."""
    z = profile.nominal_z_mm
    for k, a, phi in zip(profile.wavevectors_per_mm, profile.amplitudes_mm, profile.phases):
        z = z + float(a) * ufl.cos(sum(float(kj) * lateral[j] for j, kj in enumerate(k))
                                   + float(phi))
    return z


@dataclass
class StrippingInterface:
    """The Li side of the interface: stripped thickness, contact set, current and their forms.

    Attributes:
        delta: Stripped thickness at the Li surface nodes (mm, P1).
        chi: Contact indicator (1 at contact nodes, P1).
        gap_nodes: The gap g at the P1 nodes of the Li surface (mm), refreshed by
            :meth:`refresh_contact`.
        mean_stripped: delta_bar (mm), a Constant in the gap.
        current_scale: I / A_c (A/mm^2), the current density on the contact set.
        nominal_area: A (mm^2; per unit depth in plane strain).
        tolerance: Contact tolerance (mm).
        stiffness: Penalty k (MPa/mm).
    """

    delta: fem.Function
    chi: fem.Function
    gap_nodes: fem.Function
    mean_stripped: fem.Constant
    current_scale: float
    nominal_area: float
    tolerance: float
    stiffness: float
    gap: ufl.core.expr.Expr
    pressure: ufl.core.expr.Expr
    surface_dofs: np.ndarray
    li_cells: np.ndarray
    _gap_expr: fem.Expression
    _forms: dict
    contact_area: float = 0.0  # A_c of chi (mm^2), set with it by refresh_contact

    @property
    def recession_rate_mm_per_s(self) -> float:
        """(V_m / F) I / A_c: how fast the contact set recedes (mm/s)."""
        return recession_velocity_mm_per_s(self.current_scale)

    @property
    def comm(self):
        return self.delta.function_space.mesh.comm

    def integral(self, name: str) -> float:
        return self.comm.allreduce(fem.assemble_scalar(self._forms[name]), op=MPI.SUM)

    def refresh_contact(self) -> float:
        """The contact set and the current on it from the present fields; returns A_c (mm^2)."""
        self.gap_nodes.interpolate(self._gap_expr, cells0=self.li_cells)
        self.gap_nodes.x.scatter_forward()
        self.chi.x.array[:] = 0.0
        g = self.gap_nodes.x.array[self.surface_dofs]
        self.chi.x.array[self.surface_dofs] = (g <= self.tolerance).astype(float)
        self.contact_area = self.integral("contact_area")
        return self.contact_area

    def distribute(self, current_A_mm2: float, contact_area: float) -> None:
        """i = (I / A_c) chi: the nominal current density i_0 carried by the contact area."""
        total = current_A_mm2 * self.nominal_area
        self.current_scale = total / contact_area if contact_area > 0.0 else 0.0

    def advance(self, dt: float) -> None:
        """delta += dt (V_m / F) i at the contact nodes, and delta_bar from it."""
        rate = self.recession_rate_mm_per_s
        self.delta.x.array[self.surface_dofs] += dt * rate * self.chi.x.array[self.surface_dofs]
        self.delta.x.scatter_forward()
        self.mean_stripped.value = self.integral("stripped_volume") / self.nominal_area

    def observe(self) -> dict[str, float]:
        """The interface's series columns at the present fields (and contact set)."""
        contact_area = self.contact_area
        pressed = self.integral("pressure_area")
        return {
            "contact_fraction": contact_area / self.nominal_area,
            "void_fraction_um": 1e3 * self.integral("void_volume") / self.nominal_area,
            "max_local_current_mA_cm2": self.current_scale * MA_CM2_PER_A_MM2,
            "current_integral_mA_cm2": (self.current_scale * contact_area / self.nominal_area
                                        * MA_CM2_PER_A_MM2),
            "mean_recession_um": 1e3 * float(self.mean_stripped.value),
            "mean_contact_pressure_MPa": pressed / contact_area if contact_area > 0 else 0.0,
        }


def build_stripping_interface(mesh, facet_tags, surface_tag: int, cell_tags, li_tag: int,
                              profile, mode: str, u, v, weight, youngs_modulus_MPa: float,
                              cell_size_mm: float, nominal_area: float, top_mm: float,
                              li_thickness_mm: float,
                              quadrature_degree: int) -> tuple[StrippingInterface, ufl.Form]:
    """The interface on the facets ``surface_tag`` (the Li side) and its residual term."""
    zc = 2 if mode == "3d" else 1
    x = ufl.SpatialCoordinate(mesh)
    V1 = fem.functionspace(mesh, ("Lagrange", 1))
    delta = fem.Function(V1, name="stripped_thickness")
    chi = fem.Function(V1, name="contact")
    gap_nodes = fem.Function(V1, name="gap")
    mean = fem.Constant(mesh, 0.0)
    lateral = ufl.as_vector([x[j] + u[j] for j in range(zc)])
    z_s = surface_height(profile, lateral)
    lift = mean * (top_mm - x[zc]) / li_thickness_mm  # what the layer's shrink moves
    g = x[zc] + u[zc] - z_s + delta - lift
    k = RIGID_PENALTY * youngs_modulus_MPa / cell_size_mm
    # <-g>, active at g = 0 (touching): its derivative there is the penalty's, so a Li that
    # rests on the electrolyte unloaded is supported from the first Newton iteration
    p_c = k * ufl.conditional(ufl.le(g, 0.0), -g, 0.0)
    dz_s = [_slope(profile, lateral, j) for j in range(zc)]
    virtual = v[zc] - sum(dz_s[j] * v[j] for j in range(zc))
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags,
                     metadata={"quadrature_degree": quadrature_degree})
    n = ufl.FacetNormal(mesh)
    dA = ds(surface_tag)
    projected = abs(n[zc]) * weight  # dA_p = |n_z| dA: the projected (nominal) area
    residual = -p_c * virtual * weight * dA
    forms = {
        "contact_area": fem.form(chi * projected * dA),
        "stripped_volume": fem.form(delta * projected * dA),
        "void_volume": fem.form(ufl.max_value(g, 0.0) * projected * dA),
        "pressure_area": fem.form(p_c * projected * dA),
    }
    fdim = mesh.topology.dim - 1
    surface = fem.locate_dofs_topological(V1, fdim, facet_tags.find(surface_tag))
    expr = fem.Expression(g, V1.element.interpolation_points)
    interface = StrippingInterface(
        delta=delta, chi=chi, gap_nodes=gap_nodes, mean_stripped=mean, current_scale=0.0,
        nominal_area=nominal_area, tolerance=CONTACT_TOLERANCE * cell_size_mm, stiffness=k,
        gap=g, pressure=p_c, surface_dofs=surface,
        li_cells=cell_tags.find(li_tag).astype(np.int32), _gap_expr=expr, _forms=forms)
    return interface, residual


def _slope(profile, lateral, j: int):
    """d z_s / d u_j of the cosine sum (a UFL expression; zero for a flat surface)."""
    d = 0
    for k, a, phi in zip(profile.wavevectors_per_mm, profile.amplitudes_mm, profile.phases):
        arg = sum(float(kj) * lateral[i] for i, kj in enumerate(k)) + float(phi)
        d = d - float(a) * float(k[j]) * ufl.sin(arg)
    return d
