# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON_VERSION := $(shell cat .python-version)
VENV := .venv
PY := $(VENV)/bin/python
SSB := $(VENV)/bin/ssb
MPIRUN := $(VENV)/bin/mpirun
OUT ?= runs

.PHONY: venv demo test test-slow test-mpi validate validate-alloys alloys convergence calibrate clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml .python-version
	@PY=$$(command -v python$(PYTHON_VERSION) || (command -v pyenv >/dev/null && pyenv which python$(PYTHON_VERSION)) || command -v python3); \
	 echo "creating $(VENV) with $$PY"; $$PY -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[wheel,test,viz]'
	@touch $@

demo: venv
	$(SSB) run cases/li_full_cell_fixed_gap.toml --out $(OUT)/li_full_cell_fixed_gap --overwrite
	$(SSB) run cases/li_full_cell_spring.toml --out $(OUT)/li_full_cell_spring --overwrite
	$(SSB) plot $(OUT)/li_full_cell_fixed_gap $(OUT)/li_full_cell_spring --out $(OUT)/fixed_gap_vs_springs.png
	$(SSB) show $(OUT)/li_full_cell_fixed_gap --field von_mises_MPa --region anode
	@echo "results: $(abspath $(OUT)) (series.csv, fields/fields.xdmf, summary.json, plots, pictures)"

# Serial suite (TEST_JOBS pytest workers, each test in one process), then the parallel tests
# under mpirun -n 2.
TEST_JOBS ?= 2
test: venv
	$(PY) -m pytest -q -n $(TEST_JOBS)
	$(MPIRUN) -n 2 $(PY) -m pytest -q -m "not slow" tests/test_parallel_invariants.py

# The slow verification runs (finer or longer versions of default tests), a few minutes.
test-slow: venv
	$(PY) -m pytest -q -m slow tests --ignore=tests/validation

# Simulated against measured for the Li die cells (about ten minutes): the table, asserted row by row.
validate: venv
	SSB_VALIDATION_OUT=$(abspath $(OUT))/validation $(PY) -m pytest -q -s -m slow tests/validation

# Li17Sn4 / Li13In3 stripping to depletion at 0 and 45 MPa against Hansel et al. 2021 (~30 min).
validate-alloys: venv
	$(PY) scripts/validate_alloys.py --out $(OUT)/validation_alloys

# Sn foil and Si film lithiation, fixed gap and constant pressure, with plots (~5 min).
alloys: venv
	$(PY) scripts/alloy_lithiation.py --out $(OUT)/alloys

# Observed orders of convergence of the coupled solver (a few minutes).
convergence: venv
	$(PY) scripts/convergence.py --out $(OUT)/convergence.md

clean:
	rm -rf $(OUT) .pytest_cache
