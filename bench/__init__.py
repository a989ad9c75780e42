"""credlink's benchmark: speed figures at city and province scale, outside the test suite.

Run from the repository root, e.g. ``.venv/bin/python -m bench.graph_views``; see README, "Benchmark".
"""
