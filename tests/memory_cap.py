"""Runs code in a child Python under an address-space cap (``RLIMIT_AS``), so that a test of
memory behaviour can never take the machine's memory: the child either finishes within the
cap, raises ``MemoryError`` and survives, or dies, and the test says which it expected."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GIB = 1 << 30


def run_capped(code: str, *, cap_bytes: int = 3 * GIB, timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -c code`` under an address-space cap of ``cap_bytes``.

    glibc gives every thread a malloc arena that reserves address space; two arenas and two
    threads keep the child's reserved space near what it really uses.
    """
    if not sys.platform.startswith("linux"):
        pytest.skip("address-space caps (RLIMIT_AS) are tested on Linux")
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "TEXTSIM_NUM_THREADS": "2"}
    return subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def assert_survived(result: subprocess.CompletedProcess, expected_output: str) -> None:
    """The child exited normally and printed ``expected_output`` (its last line)."""
    assert result.returncode == 0, (
        f"the child died (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    lines = result.stdout.strip().splitlines()
    assert lines and lines[-1] == expected_output, result.stdout + result.stderr
