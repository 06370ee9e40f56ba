"""Shared pytest options: `--update-golden` rewrites the golden files (make golden)."""


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/* from the current outputs instead of comparing")
