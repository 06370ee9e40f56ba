"""Stage 2: figures from the ledgers (metrics.json and where each figure came from)."""
