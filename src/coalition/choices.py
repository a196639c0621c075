"""Narrow a value read from outside (a form, a file, a command line) to one of a vocabulary's
values, so the type checker knows it too.

>>> SIDES = ("left", "right")  # typed tuple[Literal["left", "right"], ...] in real code
>>> is_choice("left", SIDES), is_choice("up", SIDES), is_choice(None, SIDES)
(True, False, False)
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeGuard, TypeVar

__all__ = ["is_choice"]

T = TypeVar("T")


def is_choice(value: object, choices: Collection[T]) -> TypeGuard[T]:
    """Whether ``value`` is one of ``choices`` (then typed as their type)."""
    return value in choices
