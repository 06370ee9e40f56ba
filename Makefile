# 党建述职报告流水线 — 常用命令（变量：INPUTS OUTPUTS YEAR TEMPLATE PDF PREVIOUS OLD NEW ARGS）
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Two stamps: `make report` installs only the runtime lock; `make test` adds the dev lock.
STAMP  := $(VENV)/.runtime
DEV    := $(VENV)/.dev

INPUTS  ?= inputs
OUTPUTS ?= outputs
YEAR    ?=
TEMPLATE ?=
PDF     ?=
ARGS    ?=

PREVIOUS ?=

COMMON := --inputs "$(INPUTS)" $(if $(YEAR),--year $(YEAR)) $(if $(filter-out 0 no false,$(PDF)),--pdf) \
          $(if $(PREVIOUS),--previous "$(PREVIOUS)") $(ARGS)

.PHONY: report check init diff test lint bench golden template sample wheelhouse clean

# --no-deps + pip check: every installed package is pinned in the lock, or the install fails.
$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --no-deps -r requirements.lock
	$(PY) -m pip check
	touch $(STAMP)

# The dev venv also keeps this machine's runtime wheels, for the offline install test.
$(DEV): $(STAMP) requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -r requirements-dev.lock
	$(PY) -m pip check
	$(PY) -m pip download --quiet --no-deps --only-binary :all: -r requirements.lock -d $(VENV)/wheelhouse
	touch $(DEV)

report: $(STAMP)
	$(PY) -m pipeline report $(COMMON) --outputs "$(OUTPUTS)" $(if $(TEMPLATE),--template "$(TEMPLATE)")

check: $(STAMP)
	$(PY) -m pipeline check $(COMMON) --outputs "$(OUTPUTS)"

init: $(STAMP)
	$(PY) -m pipeline init --inputs "$(INPUTS)" $(if $(YEAR),--year $(YEAR)) $(if $(PREVIOUS),--previous "$(PREVIOUS)") $(ARGS)

# Compare two output folders (two drafts or two years): make diff OLD=旧输出 NEW=新输出
diff: $(STAMP)
	$(if $(and $(OLD),$(NEW)),,$(error 请指定两个输出文件夹，如 make diff OLD=outputs-第一稿 NEW=outputs))
	$(PY) -m pipeline diff "$(OLD)" "$(NEW)" $(ARGS)

test: $(DEV)
	$(PY) -m pytest

# ruff and mypy with the settings in pyproject.toml (.ci/run runs this before make test).
lint: $(DEV)
	$(PY) -m ruff check pipeline tools tests
	$(PY) -m mypy

# Regenerate golden files and the committed sample outputs after an intended change of
# output (review the diff!).
golden: $(DEV)
	$(PY) -m pytest tests/test_golden.py --update-golden
	$(PY) -m pipeline report --inputs inputs --outputs outputs

bench: $(DEV)
	$(PY) tools/bench.py

# Maintainer tools: rebuild the default template / the sample ledgers from code.
template: $(DEV)
	$(PY) tools/build_template.py

sample: $(DEV)
	$(PY) tools/make_sample.py

# Every wheel an offline machine needs (Windows and Linux, Python 3.10-3.13) plus this
# package's own wheel, in wheelhouse/ (README: 离线安装).
wheelhouse: $(DEV)
	$(PY) tools/wheelhouse.py wheelhouse

clean:
	rm -rf $(VENV) .pytest_cache wheelhouse
