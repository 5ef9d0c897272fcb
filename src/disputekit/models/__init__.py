"""Validated data models: case facts, evidence list and parsed facts per kind."""
