# The same targets run locally and in CI (.ci/run calls `make test` once per Python it finds).
# On first use the environment is built from the repository's own pinned files:
# requirements-bootstrap.txt (uv, by hash) and uv.lock (everything else).
# One environment per Python version: `make test PYTHON=python3.12` builds and uses .venv-3.12.

PYTHON ?= python3
# "<major.minor> <path>" of the interpreter PYTHON names, or the one line that says why there is none.
FOUND_PYTHON := $(shell .ci/find-python '$(PYTHON)' 2>&1)
PYTHON_VERSION := $(if $(filter error:,$(firstword $(FOUND_PYTHON))),,$(firstword $(FOUND_PYTHON)))
PYTHON_EXE := $(wordlist 2,$(words $(FOUND_PYTHON)),$(FOUND_PYTHON))
# Expanded first by every recipe that needs Python: stops make with that one line.
NEED_PYTHON = $(if $(PYTHON_VERSION),,$(error $(strip $(patsubst error:%,%,$(FOUND_PYTHON)))))

UV_DIR := .uv
UV := $(UV_DIR)/bin/uv
VENV := .venv-$(PYTHON_VERSION)
BIN := $(VENV)/bin
SYNCED := $(VENV)/.synced
DIST := dist

export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
# mypy's cache records the environment's paths: one per environment.
export MYPY_CACHE_DIR := $(VENV)/.mypy_cache

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(UV): requirements-bootstrap.txt
	$(NEED_PYTHON)$(PYTHON_EXE) -m venv $(UV_DIR)
	$(UV_DIR)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements-bootstrap.txt
	@touch $@

PROJECTS := pyproject.toml generated_client/pyproject.toml sdk/pyproject.toml spec/pyproject.toml \
	mock/pyproject.toml contract/pyproject.toml

$(SYNCED): $(UV) uv.lock $(PROJECTS)
	$(NEED_PYTHON)$(UV) sync --frozen --python $(PYTHON_EXE)
	@touch $@

.PHONY: venv
venv: $(SYNCED) ## Build .venv-<version> (PYTHON, default python3) from uv.lock

.PHONY: lock
lock: $(UV) ## Re-resolve uv.lock after changing dependencies in pyproject.toml
	$(UV) lock

.PHONY: demo
demo: $(SYNCED) ## Start the mock, embed the sample images by both methods, print a similarity table
	$(BIN)/python -m examples.demo

.PHONY: mock
mock: $(SYNCED) ## Serve the mock on 127.0.0.1:4010 (MOCK_ARGS="--fault-rate 0.1 ..." for more)
	$(BIN)/memories-mock $(MOCK_ARGS)

.PHONY: generate
generate: $(SYNCED) ## Regenerate generated_client/ from openapi.yaml
	$(BIN)/python -m codegen generate

.PHONY: check-generated
check-generated: $(SYNCED) ## Fail if generated_client/ differs from a fresh generation
	$(BIN)/python -m codegen check

# make changes BASE=origin/main: what the spec edits since BASE (a git revision) break, for whom, which version next.
BASE ?= origin/main

.PHONY: changes
changes: $(SYNCED) ## Report what openapi.yaml's changes since BASE break (BASE=<git ref>, default origin/main)
	$(BIN)/python -m codegen changes "$(BASE):openapi.yaml" $(CHANGES_ARGS)

.PHONY: validate-spec
validate-spec: $(SYNCED) ## Validate openapi.yaml against the OpenAPI 3.1 schema
	$(BIN)/openapi-spec-validator openapi.yaml

.PHONY: typecheck
typecheck: $(SYNCED) ## mypy --strict on the generated client and on the project's own code
	$(BIN)/mypy --strict generated_client/memories_client
	$(BIN)/mypy

.PHONY: lint
lint: $(SYNCED) ## ruff lint and format check
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .

.PHONY: format
format: $(SYNCED) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --no-cache --fix .
	$(BIN)/ruff format --no-cache .

.PHONY: pytest
pytest: $(SYNCED) ## Run the test suites
	$(BIN)/pytest

.PHONY: test
test: validate-spec check-generated typecheck lint pytest ## Everything CI runs

# API_KEY=sk-... make conformance BASE_URL=https://mavi-backend.memories.ai/serve/api/v2
# memories-conformance against any deployment: the probes of the documented facts, then schemathesis with every
# check; JUnit, HAR and summary.md in $(REPORTS_DIR). API_KEY_2 (optional) is a second key, for the ownership probe.
# The keys come from the environment: a make argument would show in the process list (ps) while the run lasts.
# The embedding calls cost $0.0001 each on the real API; the plan, printed first, says how many the run may make
# (a few hundred at the default depth; MAX_REQUESTS=N caps the run).
REPORTS_DIR ?= reports
export API_KEY API_KEY_2

.PHONY: conformance
conformance: $(SYNCED) ## Check BASE_URL against the contract (probes, schemathesis), the key from the environment (API_KEY); reports in reports/
	@test "$(origin API_KEY)" != "command line" -a "$(origin API_KEY_2)" != "command line" || { echo "put the keys in the environment, not on make's command line (ps shows it): API_KEY=<key> make conformance BASE_URL=..."; exit 2; }
	@test -n "$(BASE_URL)" -a -n "$$API_KEY" || { echo "usage: make conformance BASE_URL=<api base url>, with API_KEY=<key> in the environment (API_KEY=<key> make conformance ...)"; exit 2; }
	@$(BIN)/memories-conformance --url "$(BASE_URL)" --reports "$(REPORTS_DIR)" $(if $(MAX_REQUESTS),--max-requests "$(MAX_REQUESTS)")

PRISM_INSTALLED := bench/prism/node_modules/.installed

$(PRISM_INSTALLED): bench/prism/package-lock.json
	cd bench/prism && npm ci --no-audit --no-fund
	@touch $@

.PHONY: bench
bench: $(SYNCED) $(PRISM_INSTALLED) ## Benchmarks against Prism, raw httpx and the ceiling; writes BENCHMARKS.md
	@command -v wrk >/dev/null || { echo "Installing wrk from Debian's packages"; \
		as_root=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$as_root apt-get update && $$as_root apt-get install -y wrk; }
	$(BIN)/python -m bench

.PHONY: mutants
mutants: $(SYNCED) ## The contract suite against broken mocks and clients, memories-conformance against broken deployments; all must be caught
	$(BIN)/python -m contract_tests.mutants

.PHONY: dist
dist: $(SYNCED) ## Build every distribution's wheel and sdist into dist/
	rm -rf $(DIST)
	$(UV) build --all-packages --out-dir $(DIST) --quiet
	@ls -1 $(DIST)

.PHONY: clean
clean: ## Remove the environments, caches and built distributions
	rm -rf $(UV_DIR) .venv-* $(DIST) .mypy_cache .pytest_cache .ruff_cache
