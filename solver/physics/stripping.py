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

With ``current_distribution = "secondary"`` the current on the contact set follows the
electrolyte's potential instead (:mod:`solver.physics.constriction`): it crowds at the edges
of contact patches, and is scaled so that int i dA = I, to round-off, all the same.

Time integration: chi and i are those of the start of the step, delta is advanced over the step
before the mechanics is solved (the Li then creeps to follow within the same step); the
step's stripped thickness is limited by the stepper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem
from mpi4py import MPI

from solver.physics.constriction import Constriction
from solver.physics.kinetics import OHM_MM2_PER_OHM_CM2
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
        current: Local current density i at the Li surface nodes (A/mm^2 per nominal area,
            P1), set by :meth:`distribute`.
        current_scale: max i (A/mm^2): I / A_c for the uniform distribution.
        nominal_area: A (mm^2; per unit depth in plane strain).
        tolerance: Contact tolerance (mm).
        stiffness: Penalty k (MPa/mm).
    """

    delta: fem.Function
    chi: fem.Function
    current: fem.Function
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
    _lateral_expr: fem.Expression
    lateral: fem.Function
    constriction: Constriction | None = None
    electrolyte_resistance_ohm_mm2: float = 0.0  # h_e / kappa of the modelled layer
    contact_area: float = 0.0  # A_c of chi (mm^2), set with it by refresh_contact
    potential_V: float = math.nan  # the Li's potential E for the present current (secondary)
    _contact_version: int = 0
    _distributed: tuple = ()

    @property
    def recession_rate_mm_per_s(self) -> float:
        """(V_m / F) max i: how fast the fastest point of the contact set recedes (mm/s)."""
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
        self._contact_version += 1
        return self.contact_area

    def distribute(self, current_A_mm2: float) -> None:
        """The local current density i for a nominal current density i_0 = ``current_A_mm2``
        carried by the present contact set: uniform, i = (I / A_c) chi, or the secondary
        distribution scaled to carry I = i_0 A (computed once per contact set and current)."""
        key = (self._contact_version, current_A_mm2)
        if key == self._distributed:
            return
        self._distributed = key
        dofs, total = self.surface_dofs, current_A_mm2 * self.nominal_area
        self.current.x.array[:] = 0.0
        self.potential_V = math.nan
        if total > 0.0 and self.contact_area > 0.0:
            chi = self.chi.x.array[dofs]
            if self.constriction is None:
                self.current.x.array[dofs] = total / self.contact_area * chi
            else:
                self.lateral.interpolate(self._lateral_expr, cells0=self.li_cells)
                self.lateral.x.scatter_forward()
                unit, _ = self.constriction.solve(self.lateral.x.array[dofs], chi)
                self.current.x.array[dofs] = unit
                carried = self.integral("current")
                self.potential_V = total / carried  # E: the unit solution scaled to I
                self.current.x.array[dofs] *= self.potential_V
        self.current.x.scatter_forward()
        local = float(self.current.x.array[dofs].max(initial=0.0))
        self.current_scale = self.comm.allreduce(local, op=MPI.MAX)

    def advance(self, dt: float) -> None:
        """delta += dt (V_m / F) i at the contact nodes, and delta_bar from it."""
        dofs = self.surface_dofs
        self.delta.x.array[dofs] += dt * recession_velocity_mm_per_s(self.current.x.array[dofs])
        self.delta.x.scatter_forward()
        self.mean_stripped.value = self.integral("stripped_volume") / self.nominal_area

    def observe(self) -> dict[str, float]:
        """The interface's series columns at the present fields (and contact set)."""
        contact_area = self.contact_area
        pressed = self.integral("pressure_area")
        i0 = self.integral("current") / self.nominal_area
        resistance = (self.potential_V / i0 - self.electrolyte_resistance_ohm_mm2
                      if i0 > 0.0 and math.isfinite(self.potential_V) else math.nan)
        return {
            "contact_fraction": contact_area / self.nominal_area,
            "void_fraction_um": 1e3 * self.integral("void_volume") / self.nominal_area,
            "max_local_current_mA_cm2": self.current_scale * MA_CM2_PER_A_MM2,
            "current_integral_mA_cm2": i0 * MA_CM2_PER_A_MM2,
            "interface_resistance_ohm_cm2": resistance / OHM_MM2_PER_OHM_CM2,
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
    current = fem.Function(V1, name="local_current")
    lateral_position = fem.Function(V1, name="lateral_position")
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
        "current": fem.form(current * projected * dA),
        "void_volume": fem.form(ufl.max_value(g, 0.0) * projected * dA),
        "pressure_area": fem.form(p_c * projected * dA),
    }
    fdim = mesh.topology.dim - 1
    surface = fem.locate_dofs_topological(V1, fdim, facet_tags.find(surface_tag))
    expr = fem.Expression(g, V1.element.interpolation_points)
    interface = StrippingInterface(
        delta=delta, chi=chi, current=current, gap_nodes=gap_nodes, mean_stripped=mean,
        current_scale=0.0,
        nominal_area=nominal_area, tolerance=CONTACT_TOLERANCE * cell_size_mm, stiffness=k,
        gap=g, pressure=p_c, surface_dofs=surface,
        li_cells=cell_tags.find(li_tag).astype(np.int32), _gap_expr=expr, _forms=forms,
        _lateral_expr=fem.Expression(lateral[0], V1.element.interpolation_points),
        lateral=lateral_position)
    return interface, residual


def _slope(profile, lateral, j: int):
    """d z_s / d u_j of the cosine sum (a UFL expression; zero for a flat surface)."""
    d = 0
    for k, a, phi in zip(profile.wavevectors_per_mm, profile.amplitudes_mm, profile.phases):
        arg = sum(float(kj) * lateral[i] for i, kj in enumerate(k)) + float(phi)
        d = d - float(a) * float(k[j]) * ufl.sin(arg)
    return d
