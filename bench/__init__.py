"""`make bench`: the figures users compare us on, measured side by side in one run; see BENCHMARKS.md."""
