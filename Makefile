# 党建述职报告流水线 — 常用命令（变量：INPUTS OUTPUTS YEAR TEMPLATE PDF PREVIOUS JOBS OLD NEW ARGS）
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

INPUTS  ?= inputs
OUTPUTS ?= outputs
YEAR    ?=
TEMPLATE ?=
PDF     ?=
JOBS    ?=
ARGS    ?=

PREVIOUS ?=

COMMON := --inputs "$(INPUTS)" $(if $(YEAR),--year $(YEAR)) $(if $(filter-out 0 no false,$(PDF)),--pdf) \
          $(if $(PREVIOUS),--previous "$(PREVIOUS)") $(ARGS)
RUN    := $(if $(JOBS),--jobs $(JOBS))

.PHONY: report check init diff test bench golden template sample clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

report: $(STAMP)
	$(PY) -m pipeline report $(COMMON) $(RUN) --outputs "$(OUTPUTS)" $(if $(TEMPLATE),--template "$(TEMPLATE)")

check: $(STAMP)
	$(PY) -m pipeline check $(COMMON) $(RUN) --outputs "$(OUTPUTS)"

init: $(STAMP)
	$(PY) -m pipeline init --inputs "$(INPUTS)" $(if $(YEAR),--year $(YEAR)) $(if $(PREVIOUS),--previous "$(PREVIOUS)") $(ARGS)

# Compare two output folders (two drafts or two years): make diff OLD=旧输出 NEW=新输出
diff: $(STAMP)
	$(if $(and $(OLD),$(NEW)),,$(error 请指定两个输出文件夹，如 make diff OLD=outputs-第一稿 NEW=outputs))
	$(PY) -m pipeline diff "$(OLD)" "$(NEW)" $(ARGS)

test: $(STAMP)
	$(PY) -m pytest

# Regenerate golden files and the committed sample outputs after an intended change of
# output (review the diff!).
golden: $(STAMP)
	$(PY) -m pytest tests/test_golden.py --update-golden
	$(PY) -m pipeline report --inputs inputs --outputs outputs

bench: $(STAMP)
	$(PY) tools/bench.py

# Maintainer tools: rebuild the default template / the sample ledgers from code.
template: $(STAMP)
	$(PY) tools/build_template.py

sample: $(STAMP)
	$(PY) tools/make_sample.py

clean:
	rm -rf $(VENV) .pytest_cache
