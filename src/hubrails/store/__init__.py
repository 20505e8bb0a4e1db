"""Ledger storage: SQLAlchemy Core tables on SQLite (embedded) or PostgreSQL (central)."""
