"""What-if scenarios (issue 17): named, saved sets of assumptions (schedule slip, attrition,
leverage, capital cost per MW, demand case) and the arithmetic that applies them to the
portfolio's grouped rows, beside the recorded figures.

A layer of its own between the features (dashboard, sharing, ...) and the charts: it reads the
records (projects, partners) and the kernel, and the features read it.
"""
