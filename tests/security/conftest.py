"""Fixtures of the security tests.

Argon2 with its production cost takes ~0.4 s per hash on the CI machine; the tests create
dozens of accounts, so they hash with the cheapest Argon2id parameters instead. The code path
is the same; test_security_accounts.py checks the production parameters separately.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from coalition.services import identity


@pytest.fixture(autouse=True, scope="session")
def fast_hashing() -> Iterator[None]:
    patch = pytest.MonkeyPatch()
    patch.setattr(identity, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
    yield
    patch.undo()
