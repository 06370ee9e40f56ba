"""One branch folder read, counted and checked: the pipeline up to the findings."""
