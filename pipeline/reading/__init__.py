"""Stage 1: spreadsheets in, typed ledger records out (files, tables, cells, rows)."""
