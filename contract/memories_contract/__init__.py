"""`memories-conformance`: checks that a deployment of the memories.ai image-embedding API honours its contract."""
