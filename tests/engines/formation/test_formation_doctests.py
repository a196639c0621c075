"""The examples in the formation engine's docstrings run and say what they claim."""

from __future__ import annotations

import doctest

import pytest

from coalition.engines.formation import classic, engine, fairness


@pytest.mark.parametrize("module", [classic, engine, fairness])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
