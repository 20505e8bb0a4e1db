"""The central collector (``hub ledger serve``): an OTLP/HTTP receiver (``app``), its wire
formats (``decode``), per-team tokens (``tokens``), the request handling (``service``) and the
open-run buffer kept in the store (``buffer``).

May import ``core.ledger`` (mappings, rows, pricing), ``store`` and, inside functions, the
``collector`` extra (starlette, uvicorn, opentelemetry-proto); never ``cli``.
"""
