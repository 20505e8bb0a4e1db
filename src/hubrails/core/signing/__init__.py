"""Signed certificates: Ed25519 key pairs (``hub keygen``), the public keys a Team manifest
lists (``spec.signing_keys``), and DSSE envelopes around in-toto Statements (securesystemslib's
``dsse.Envelope`` and ``CryptoSigner``, pyca/cryptography's Ed25519). Imports nothing else of
core."""
