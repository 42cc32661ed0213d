"""Current constriction at a partly contacting interface: the secondary current distribution.

Where the Li touches the electrolyte over part of the interface, the ionic current crowds
towards the edges of the contact patches. Its distribution follows from Ohm's law in the
electrolyte and linear charge-transfer kinetics where the Li touches it (Newman & Thomas-
Alyea, *Electrochemical Systems*, 3rd ed., Wiley 2004, ch. 18; for Li on a solid
electrolyte: Kasemchainan et al., Nat. Mater. 18 (2019) 1105, doi:10.1038/s41563-019-0438-9):

    div(kappa grad phi) = 0                     in the electrolyte,
    phi = 0                                     on its bottom (the pellet beyond),
    kappa grad phi . n = i = chi (E - phi) / R_ct   on its surface (n outward),

with phi the electrolyte potential (V), E the Li's (the metal is an equipotential), chi the
contact indicator and R_ct = R T / (F i_0) the charge-transfer resistance of Butler-Volmer
kinetics linearised about equilibrium (valid below R T / F = 26 mV of overpotential; at
1 mA/cm^2 and R_ct = 2 Ohm cm^2 it is 2 mV). The problem is linear in E: it is solved for
E = 1 V and scaled so that the current carried equals the cell's (galvanostatic). The ratio
of kinetic to ohmic resistance over a patch of size L, the Wagner number Wa = kappa R_ct / L,
sets how strongly the current focuses: uniform on the contact for Wa >> 1 (the uniform
distribution of :mod:`solver.physics.stripping`), and singular at the patch edges, as
(distance)^(-1/2), as Wa -> 0.

The contact set lives on the Li's surface nodes and the potential on the electrolyte's (the
two are meshed apart): each is carried to the other by its lateral position, the electrolyte
being rigid and the Li sliding on it by micrometres at most. Implemented for the 2-D modes
(plane strain and axisymmetric: the lateral position is one coordinate).
"""

from __future__ import annotations

import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import LinearProblem
from mpi4py import MPI

from solver.physics.kinetics import Kinetics


class Constriction:
    """The secondary current distribution on the Li surface nodes, for a contact set.

    Args:
        mesh, cell_tags, facet_tags: The interface cell's mesh and markers.
        electrolyte_tag, surface_tag, bottom_tag: The electrolyte's cells, its surface
            facets (facing the Li) and its bottom facets.
        weight: The area / volume weight of the mode (r in axisymmetry, 1 in plane strain).
        kinetics: R_ct and kappa.
        quadrature_degree: Of every form (P1 fields: 2 is exact).
    """

    def __init__(self, mesh, cell_tags, facet_tags, electrolyte_tag: int, surface_tag: int,
                 bottom_tag: int, weight, kinetics: Kinetics, quadrature_degree: int = 2):
        self.kinetics = kinetics
        self.comm = mesh.comm
        V = fem.functionspace(mesh, ("Lagrange", 1))
        fdim, tdim = mesh.topology.dim - 1, mesh.topology.dim
        self.chi_e = fem.Function(V, name="electrolyte_contact")
        self.phi = fem.Function(V, name="electrolyte_potential")
        self.surface_dofs = fem.locate_dofs_topological(V, fdim, facet_tags.find(surface_tag))
        coords = V.tabulate_dof_coordinates()
        self.surface_x = coords[self.surface_dofs, 0]
        n_owned = V.dofmap.index_map.size_local
        self._owned_surface = self.surface_dofs[self.surface_dofs < n_owned]
        self._owned_x = coords[self._owned_surface, 0]
        # the potential lives on the electrolyte: every Li node is held at 0 (unused)
        n_cells = mesh.topology.index_map(tdim).size_local + mesh.topology.index_map(tdim).num_ghosts
        li_cells = np.setdiff1d(np.arange(n_cells, dtype=np.int32), cell_tags.find(electrolyte_tag))
        li_dofs = np.setdiff1d(fem.locate_dofs_topological(V, tdim, li_cells),
                               fem.locate_dofs_topological(V, tdim, cell_tags.find(electrolyte_tag)))
        bottom = fem.locate_dofs_topological(V, fdim, facet_tags.find(bottom_tag))
        bcs = [fem.dirichletbc(0.0, np.unique(np.concatenate([bottom, li_dofs])).astype(np.int32), V)]
        phi, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        md = {"quadrature_degree": quadrature_degree}
        cells = ufl.Measure("dx", domain=mesh, subdomain_data=cell_tags, metadata=md)
        dx = cells(electrolyte_tag)
        ds = ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags, metadata=md)(surface_tag)
        kappa, r_ct = kinetics.kappa, kinetics.r_ct
        a = (kappa * ufl.inner(ufl.grad(phi), ufl.grad(v)) * weight * dx
             + self.chi_e / r_ct * phi * v * weight * ds
             # the Li's (held, unused) dofs in the sparsity pattern, for their unit diagonal
             + phi * v * cells(tuple(int(t) for t in np.unique(cell_tags.values)
                                     if t != electrolyte_tag)))
        L = self.chi_e / r_ct * 1.0 * v * weight * ds  # E = 1 V
        self._problem = LinearProblem(
            a, L, bcs=bcs, u=self.phi, petsc_options_prefix="ssb_constriction_",
            petsc_options={"ksp_type": "preonly", "pc_type": "lu",
                           "pc_factor_mat_solver_type": "mumps"})
        self._current_form = fem.form(self.chi_e / r_ct * (1.0 - self.phi) * weight * ds)

    def _gather(self, x: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every rank's (x, value) pairs, sorted by x (the surface nodes: small arrays)."""
        xs = np.concatenate(self.comm.allgather(x))
        vs = np.concatenate(self.comm.allgather(values))
        order = np.argsort(xs, kind="stable")
        return xs[order], vs[order]

    def solve(self, li_x: np.ndarray, li_chi: np.ndarray) -> tuple[np.ndarray, float]:
        """The local current density at the Li surface nodes at positions ``li_x`` with contact
        ``li_chi`` for a Li potential of 1 V (A/mm^2), and the total current through the
        electrolyte surface for it (A, integrated with the mode's weight: per mm of depth in
        plane strain). The caller scales both to the cell's current."""
        xs, cs = self._gather(li_x, li_chi)
        self.chi_e.x.array[:] = 0.0
        self.chi_e.x.array[self.surface_dofs] = np.interp(self.surface_x, xs, cs)
        self.chi_e.x.scatter_forward()
        self._problem.solve()
        self.phi.x.scatter_forward()
        total = self.comm.allreduce(fem.assemble_scalar(self._current_form), op=MPI.SUM)
        own = self._owned_surface
        xe, pe = self._gather(self._owned_x, self.phi.x.array[own])
        phi_li = np.interp(li_x, xe, pe)
        return li_chi * (1.0 - phi_li) / self.kinetics.r_ct, total
