"""Git: the only package that runs git (through GitPython). Imports nothing else of core."""
