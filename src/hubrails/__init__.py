"""hubrails: governance rails for AI agent registries."""

__version__ = "0.1.0"
