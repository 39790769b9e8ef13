# Two commands do all the set-up on a fresh machine (Python 3.11+, pip, make):
#   make demo   run the main job on the shipped sample bundle
#   make test   run the test suite
# Each creates .venv/ when missing (or when pyproject.toml changed) and installs into it.
#   make mutation   mutation testing of the ITA submission code (mutmut; minutes, not in CI)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := oshakit/data/sample
YEAR   ?= 2025

.PHONY: demo test bench lint clean check-html mutation

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "== installing oshakit and its dependencies into $(VENV)/ (a few minutes the first time; pip's own log: $(VENV)/install.log)"
	@echo "== step 1/2: pip"
	@$(BIN)/python -m pip install --upgrade pip --log $(VENV)/install.log
	@echo "== step 2/2: oshakit and its dependencies"
	@$(BIN)/python -m pip install -e ".[dev,dask]" --log $(VENV)/install.log
	@touch $(STAMP)
	@echo "== installed"

demo: $(STAMP)
	$(BIN)/oshakit run $(SAMPLE) --year $(YEAR) --out reports/

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Not part of `make test`: needs Chromium (Debian: apt-get install chromium). Renders the
# audit pack, one Data Docs page and one notebook report of `make demo` to PNGs.
check-html: demo
	$(BIN)/python -m oshakit.report.screens reports/$(YEAR)

# First the mutations issue 12 names (tests/ita_named_mutations.py: each must be killed), then
# mutmut's mutants of oshakit/ita/{submit,payloads,client}.py run against the ITA tests
# ([tool.mutmut] in pyproject.toml). Survivors are listed at the end; inspect one with
# `.venv/bin/mutmut show NAME`. docs/ita.md lists the survivors of the last run and why.
mutation: $(STAMP)
	@$(BIN)/python -m pip install --quiet -e ".[mutation]" >> $(VENV)/install.log 2>&1
	$(BIN)/python tests/ita_named_mutations.py
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

lint: $(STAMP)
	$(BIN)/ruff check oshakit tests bench

clean:
	rm -rf $(VENV) reports/20* .pytest_cache mutants
