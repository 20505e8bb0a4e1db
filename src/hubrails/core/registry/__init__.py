"""Reading a registry: safe files and YAML, documents with positions, schemas, layout, hub.yaml,
versions and findings. Imports nothing else of core."""
