"""Stage 4: what a person reads: the Word report, 校验报告, blank ledgers, PDFs."""
