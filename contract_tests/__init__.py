"""The contract suite: checks that the spec, the generated client and a server agree."""
