"""Many branches at once: worker processes, the roll-up and 各支部汇总."""
