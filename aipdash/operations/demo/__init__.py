"""Demo data: the public facts about AIP and a deterministic illustrative portfolio.

`aipdash.operations.demo.loader.load_demo()` loads both; `manage.py load_demo` calls it.
"""
