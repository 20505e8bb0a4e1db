"""Reading a registry: safe files and YAML, documents with positions, the one manifest loader,
schemas, layout, hub.yaml, versions and findings. Imports nothing else of core."""
