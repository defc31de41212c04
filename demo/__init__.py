"""Deterministic generators of demo and benchmark telemetry, and the demo summary."""
