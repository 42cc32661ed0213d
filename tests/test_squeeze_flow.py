"""Squeeze flow: a Norton disc between sticking plates, against the lubrication closed form.

A disc of radius R and thickness h << R, pressed at constant mean pressure p between plates it
sticks to, thins at the rate of the power-law squeeze film (J. R. Scott, Trans. Inst. Rubber
Ind. 7 (1931) 169; for n = 1 Stefan's law, -dh/dt = 2 p h^3 / (3 eta R^2)):

    -dh/dt = m h^2 / (2m + 1) * [p (m + 3) h / (2 K R^(m+1))]^n,   m = 1/n,

for the fluid tau = K gamma_dot^m. A Norton solid eps_dot = A' q^n is that fluid with
K = 3^(-(n+1)/(2n)) A'^(-1/n) (simple shear: q = sqrt(3) tau, gamma_dot = sqrt(3) eps_dot).
The disc is elastic too, but at constant force its elastic strain settles within a few
Maxwell times (0.01 s here) and the measured rate, over the second half of the run, is the flow.

Error budget (FE rate / Scott, P2, cells of h/4 and h/8 through the thickness):

    n   h/R    h/4      h/8
    1   0.10   0.9818   0.9902
    1   0.05   0.9938
    3   0.10   0.8577   ...

The lubrication limit is exact only as h/R -> 0 (the rim region, a few h wide, and the
pressure-driven through-thickness stress it neglects are O(h/R)); the FE rate approaches it as
h/R falls at a fixed mesh, and approaches a mesh-converged value as the mesh is refined.
"""
