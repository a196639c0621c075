"""Route-matrix entries of the profile editor (web/pages/profile.py).

The owner edits their profile, and a steward any profile of the network; another member is
refused; an outsider is told the profile is not there; a signed-out caller is sent to sign in.
"""

from __future__ import annotations

from .route_matrix import ROUTES, Rule, expect

EDIT_PAGE = expect("403", anonymous="3xx", member="2xx", steward="2xx", outsider="404")
EDIT_SAVE = expect("403", anonymous="3xx", member="3xx", steward="3xx", outsider="404")

PROFILE_FORM = {
    "name": "Edited name",
    "sector": "independent",
    "headline": "Edited through the page",
    "capacity_hours": "30",
    "visibility": "network",
    "privacy_day_rate": "private",
    "privacy_capacity": "network",
    "privacy_contact": "network",
    "privacy_declines": "convenors",
}

ROUTES.update(
    {
        "GET /actors/{actor_id}/edit": Rule(EDIT_PAGE),
        "POST /actors/{actor_id}/edit": Rule(EDIT_SAVE, form=PROFILE_FORM),
    }
)
