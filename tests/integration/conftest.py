"""Fixtures of the live local stack (tests/support/live_stack.py): one per session, or stacks of a test's own."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_stack import LiveStack, launch, run_module


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStack]:
    """One running stack for the session (its data is shared: use distinct phones per test)."""
    stack = launch(tmp_path_factory.mktemp("devstack") / "devstack.log")
    try:
        stack.wait_healthy()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def launch_stack(tmp_path: Path) -> Iterator[Callable[..., LiveStack]]:
    """Start extra stacks of one's own (e.g. to stop them); any left running are killed afterwards."""
    started: list[LiveStack] = []

    def start(**kw: Any) -> LiveStack:
        stack = launch(tmp_path / f"devstack-{len(started)}.log", **kw)
        started.append(stack)
        return stack

    yield start
    for stack in started:
        stack.kill()


@pytest.fixture(name="run_module")
def run_module_fixture() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_module
