# 党建述职报告流水线 — 常用命令（变量：INPUTS OUTPUTS YEAR TEMPLATE PDF PREVIOUS JOBS OLD NEW ARGS）
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Two stamps: `make report` installs only the runtime lock; `make test` adds the dev lock.
STAMP  := $(VENV)/.runtime
DEV    := $(VENV)/.dev

INPUTS  ?= inputs
# outputs/ holds the sample's committed outputs: another folder's ledgers write beside it,
# into 输出-<folder> (make report INPUTS=台账2023 -> 输出-台账2023), never over the sample's.
OUTPUTS ?= $(if $(filter inputs inputs/ ./inputs ./inputs/,$(INPUTS)),outputs,输出-$(notdir $(patsubst %/,%,$(INPUTS))))
YEAR    ?=
TEMPLATE ?=
PDF     ?=
JOBS    ?=
ARGS    ?=

PREVIOUS ?=

COMMON := --inputs "$(INPUTS)" $(if $(YEAR),--year $(YEAR)) $(if $(filter-out 0 no false,$(PDF)),--pdf) \
          $(if $(PREVIOUS),--previous "$(PREVIOUS)") $(ARGS)
RUN    := $(if $(JOBS),--jobs $(JOBS))


# The program's exit status, kept for the line that explains it: make itself would end a failed
# run with a bare "Error 1", so report/check/init run the program in a helper target and then
# say in Chinese what the status means (make's own exit status is then 2, as for any failure).
STATUS := $(VENV)/.last-status
define explain
$(if $(filter-out 0,$(file <$(STATUS))),$(error $(or $(EXPLAIN_$(strip $(file <$(STATUS)))),程序以退出码 $(file <$(STATUS)) 结束)),@:)
endef
EXPLAIN_1 = make $@ 未完成（退出码 1）：台账有错误或不是报告年度的台账，见上面的提示和输出文件夹中的校验报告$(if $(filter report,$@),；没有加 ARGS=--keep-going 时不生成报告，加了则生成的是注明“仅供核对”的核对稿,)
EXPLAIN_2 = make $@ 未完成（退出码 2）：命令、文件夹、模板或规则设置有误，什么也没有生成，见上面“错误：”或“用法错误：”一行
EXPLAIN_3 = make $@ 未完成（退出码 3）：程序内部错误，输入文件没有改动，请把上面的提示发给维护人员
EXPLAIN_4 = make $@ 基本完成（退出码 4）：Word 报告等文件都已生成，只有要求的 PDF 没有生成，原因见上面的说明
EXPLAIN_130 = make $@ 已中断（退出码 130），没有写出不完整的文件

.PHONY: report check init diff test lint bench golden template sample wheelhouse clean _report _check _init

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

report: _report
	$(explain)
_report: $(STAMP)
	@$(PY) -m pipeline report $(COMMON) $(RUN) --outputs "$(OUTPUTS)" $(if $(TEMPLATE),--template "$(TEMPLATE)"); \
	echo $$? > $(STATUS)

check: _check
	$(explain)
_check: $(STAMP)
	@$(PY) -m pipeline check $(COMMON) $(RUN) --outputs "$(OUTPUTS)"; echo $$? > $(STATUS)

# Blank ledgers go into a new folder of the user's choosing, never into the sample inputs/.
INIT_YEAR = $(or $(YEAR),$(shell date +%Y))
init: _init
	$(explain)
_init: $(STAMP)
	$(if $(filter file,$(origin INPUTS)),$(error 请指定存放空白台账的新文件夹（inputs/ 是样例台账，不能往里写），如：make init INPUTS=台账$(INIT_YEAR) YEAR=$(INIT_YEAR)))
	@$(PY) -m pipeline init --inputs "$(INPUTS)" $(if $(YEAR),--year $(YEAR)) $(if $(PREVIOUS),--previous "$(PREVIOUS)") $(ARGS); \
	echo $$? > $(STATUS)

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
	$(VENV)/bin/lint-imports

# Regenerate golden files and the committed sample outputs after an intended change of
# output (review the diff!).
golden: $(DEV)
	$(PY) -m pytest tests/test_golden.py --update-golden
	$(PY) -m pipeline report --inputs inputs --outputs outputs

bench: $(DEV)
	$(PY) tools/bench.py

# Maintainer tools: rebuild the default template / the sample ledgers from code.
# The template's text is templates/默认模板.txt; its .docx is packaged and copied for users.
template: $(DEV)
	$(PY) tools/build_template.py pipeline/data/default.docx templates/默认模板.docx

sample: $(DEV)
	$(PY) tools/make_sample.py

# Every wheel an offline machine needs (Windows and Linux, Python 3.10-3.13) plus this
# package's own wheel, in wheelhouse/ (README: 离线安装).
wheelhouse: $(DEV)
	$(PY) tools/wheelhouse.py wheelhouse

clean:
	rm -rf $(VENV) .pytest_cache wheelhouse
