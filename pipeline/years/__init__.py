"""Last year beside this one: previous figures and the ledgers `init --previous` pre-fills."""
