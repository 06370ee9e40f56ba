# 党建述职报告流水线 — 常用命令（变量：INPUTS OUTPUTS YEAR TEMPLATE PDF PREVIOUS JOBS OLD NEW ARGS）
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Stamps: `make report` installs only the runtime lock; `make test` adds the dev and web locks;
# `make serve` the web lock (the portal, docs/portal.md).
STAMP  := $(VENV)/.runtime
DEV    := $(VENV)/.dev
WEB    := $(VENV)/.web

INPUTS  ?= inputs
# outputs/ holds the sample's committed outputs: another folder's ledgers write beside it,
# into 输出-<folder> (make report INPUTS=台账2023 -> 输出-台账2023), never over the sample's.
OUTPUTS ?= $(if $(filter inputs inputs/ ./inputs ./inputs/,$(INPUTS)),outputs,输出-$(notdir $(patsubst %/,%,$(INPUTS))))
YEAR    ?=
TEMPLATE ?=
PDF     ?=
JOBS    ?=
ARGS    ?=
# make serve: where the portal listens and keeps its database and uploads (git-ignored).
HOST    ?= 127.0.0.1
PORT    ?= 8000
DATA    ?= data

PREVIOUS ?=

# Values reach the program through the environment, never pasted into the shell line: a folder
# named `x"; rm -rf ~; "` stays a folder name ("$$INPUTS" is expanded, never parsed as code).
# ARGS is split into words (several options) but not evaluated either.
# $(value …) keeps make from expanding them either (a `$(shell …)` in a name stays text).
INPUTS_ORIGIN := $(origin INPUTS)
PASSED := INPUTS OUTPUTS YEAR TEMPLATE PREVIOUS JOBS ARGS OLD NEW
$(foreach v,$(PASSED),$(if $(filter command line environment,$(origin $(v))),$(eval override $(v) := $$(value $(v)))))
# Exported to the program's own recipes only: a `make test` must not hand them to the make
# commands its tests start.
RUNNERS := _report _check _init diff evaluate
$(foreach v,$(PASSED),$(eval $(RUNNERS): export $(v) := $$($(v))))
COMMON := --inputs "$$INPUTS" $${YEAR:+--year "$$YEAR"} $(if $(filter-out 0 no false,$(PDF)),--pdf) \
          $${PREVIOUS:+--previous "$$PREVIOUS"} $$ARGS
RUN    := $${JOBS:+--jobs "$$JOBS"}


# The program's exit status, kept for the line that explains it: make itself would end a failed
# run with a bare "Error 1", so report/check/init run the program in a helper target and then
# say in Chinese what the status means (make's own exit status is then 2, as for any failure).
STATUS := $(VENV)/.last-status
# A dry run (make -n) ran nothing: the status file is some earlier run's, so it explains nothing.
DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))
define explain
$(if $(and $(if $(DRY_RUN),,yes),$(filter-out 0,$(file <$(STATUS)))),$(error $(or $(EXPLAIN_$(strip $(file <$(STATUS)))),程序以退出码 $(file <$(STATUS)) 结束)),@:)
endef
EXPLAIN_1 = make $@ 未完成（退出码 1）：台账有错误或不是报告年度的台账，见上面的提示和输出文件夹中的校验报告$(if $(filter report,$@),；没有加 ARGS=--keep-going 时不生成报告，加了则生成的是注明“仅供核对”的核对稿,)
EXPLAIN_2 = make $@ 未完成（退出码 2）：命令、文件夹、模板或规则设置有误，什么也没有生成，见上面“错误：”或“用法错误：”一行
EXPLAIN_3 = make $@ 未完成（退出码 3）：程序内部错误，输入文件没有改动，请把上面的提示发给维护人员
EXPLAIN_4 = make $@ 基本完成（退出码 4）：Word 报告等文件都已生成，只有要求的 PDF 没有生成，原因见上面的说明
EXPLAIN_130 = make $@ 已中断（退出码 130），没有写出不完整的文件

.PHONY: report check init evaluate diff test test-web-pg serve lint bench golden template sample wheelhouse clean _report _check _init

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

$(WEB): $(STAMP) requirements-web.lock
	$(PY) -m pip install --quiet --no-deps -r requirements-web.lock
	$(PY) -m pip check
	touch $(WEB)

report: _report
	$(explain)
_report: $(STAMP)
	@$(PY) -m pipeline report $(COMMON) $(RUN) --outputs "$$OUTPUTS" $${TEMPLATE:+--template "$$TEMPLATE"}; \
	echo $$? > $(STATUS)

check: _check
	$(explain)
_check: $(STAMP)
	@$(PY) -m pipeline check $(COMMON) $(RUN) --outputs "$$OUTPUTS"; echo $$? > $(STATUS)

# Blank ledgers go into a new folder of the user's choosing, never into the sample inputs/.
INIT_YEAR = $(or $(YEAR),$(shell date +%Y))
init: _init
	$(explain)
_init: $(STAMP)
	$(if $(filter file,$(INPUTS_ORIGIN)),$(error 请指定存放空白台账的新文件夹（inputs/ 是样例台账，不能往里写），如：make init INPUTS=台账$(INIT_YEAR) YEAR=$(INIT_YEAR)))
	@$(PY) -m pipeline init --inputs "$$INPUTS" $${YEAR:+--year "$$YEAR"} $${PREVIOUS:+--previous "$$PREVIOUS"} $$ARGS; \
	echo $$? > $(STATUS)

# Compare two output folders (two drafts or two years): make diff OLD=旧输出 NEW=新输出
# 述职评议 on a many-branch output folder (docs/述职评议.md); ARGS=--results 测评结果.xlsx
evaluate: $(STAMP)
	$(PY) -m pipeline evaluate --outputs "$$OUTPUTS" $$ARGS

diff: $(STAMP)
	$(if $(and $(OLD),$(NEW)),,$(error 请指定两个输出文件夹，如 make diff OLD=outputs-第一稿 NEW=outputs))
	$(PY) -m pipeline diff "$$OLD" "$$NEW" $$ARGS

# One worker per core (-n auto), a file at a time (--dist loadfile) so a module's
# fixtures are built once, in the shuffled order tests/conftest.py draws (TEST_SEED=… replays
# one); --no-loadscope-reorder keeps that order, which starts the `heavy` modules first.
test: $(DEV) $(WEB)
	$(PY) -m pytest -n auto --dist loadfile --no-loadscope-reorder

# The portal's tests once more against PostgreSQL (.ci/run starts one and sets DATABASE_URL).
test-web-pg: $(DEV) $(WEB)
	$(if $(DATABASE_URL),,$(error 请设置 DATABASE_URL，如 make test-web-pg DATABASE_URL=postgres://用户:密码@localhost/库名))
	$(PY) -m pytest -p no:cacheprovider tests/web

# The portal: migrate, print the address, serve with waitress (Ctrl-C stops it). HOST, PORT and
# DATA reach the command through the environment, never as shell text.
serve: export PORTAL_HOST := $(HOST)
serve: export PORTAL_PORT := $(PORT)
serve: export PORTAL_DATA := $(DATA)
serve: $(WEB)
	$(PY) -m pipeline web serve --host "$$PORTAL_HOST" --port "$$PORTAL_PORT" --data "$$PORTAL_DATA"

# ruff and mypy with the settings in pyproject.toml (.ci/run runs this before make test).
lint: $(DEV)
	$(PY) -m ruff check pipeline tools tests
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

# Regenerate the committed sample outputs after an intended change of output (review the
# diff!): the golden test writes the text files it compares from a fresh run, then a real run
# writes the Word and Excel files and 生成记录.json beside them.
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
