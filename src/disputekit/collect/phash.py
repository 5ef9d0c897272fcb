"""Comparing perceptual hashes (no imaging dependencies: rules import this cheaply)."""

from __future__ import annotations


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two phash hex strings of equal length."""
    if len(a) != len(b):
        raise ValueError(f"phash lengths differ: {len(a)} and {len(b)}")
    return (int(a, 16) ^ int(b, 16)).bit_count()
