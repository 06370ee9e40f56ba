"""The branch portal: a Django site over pipeline.api (secretaries upload ledgers, the 上级党委
reviews). It is the top layer: it reaches the stages only through pipeline.api (and pipeline.core
for shared names), so reading, rules and rendering have one implementation.

`python -m pipeline.web serve|adduser|import|migrate` (or `python -m pipeline web …`); docs/portal.md.
"""

SETTINGS = "pipeline.web.settings"
