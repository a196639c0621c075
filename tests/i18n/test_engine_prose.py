"""Nothing a person reads carries the formation engine's English: a replacement suggested
without a stated reason says so in the reader's language."""

from __future__ import annotations

from coalition.i18n import use_locale
from coalition.services.invitation_replacements import _replacement
from coalition.store.tables import Actor


def test_a_replacement_without_reasons_says_why_in_the_readers_language() -> None:
    actor = Actor(id=7, name="Ana", sector="health", headline="")
    actor.capabilities = []
    with use_locale("en"):
        assert _replacement(actor, 3, [], {}).why == "meets the role's needs"
    with use_locale("es"):
        why = _replacement(actor, 3, [], {}).why
    assert why and why != "meets the role's needs", why
