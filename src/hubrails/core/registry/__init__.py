"""Reading a registry: safe files and YAML, documents with positions, schemas, layout, hub.yaml,
the hub's location, versions and findings. Imports nothing else of core."""
