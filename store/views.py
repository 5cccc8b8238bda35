"""What each role may see of the listings (pure pandas, no Streamlit).

========================  ==========================================================
role                      sees
========================  ==========================================================
``public`` (anyone)       :func:`geo.listings.public_view`: no place, address or point
                          of "sur orientation" services (nor their place in their
                          name); secret services show only an allow-list (category,
                          commune or catchment, capacity, status, the SIAO/115 contact)
``professionnel``         addresses and points of "sur orientation" services too;
                          secret services the same allow-list (R4: nothing that locates
                          a secret place below gestionnaire, no source line)
``gestionnaire``          everything stored
========================  ==========================================================

Every page, download, map and sheet below gestionnaire reads the listings through
:func:`view_for_role` (``components.data.services``).
"""

from __future__ import annotations

import pandas as pd

from geo import listings

ROLES = ("public", "professionnel", "gestionnaire")
ROLE_LABELS = {"public": "Public", "professionnel": "Professionnel·le",
               "gestionnaire": "Gestionnaire"}


def rank(role: str | None) -> int:
    """Order of the roles (0 public … 2 gestionnaire); an unknown role counts as public.

    >>> rank("gestionnaire") > rank("professionnel") > rank("public") == rank("admin")
    True
    """
    return ROLES.index(role) if role in ROLES else 0


def at_least(role: str | None, needed: str) -> bool:
    """True when ``role`` may do what ``needed`` may.

    >>> at_least("professionnel", "gestionnaire"), at_least("gestionnaire", "professionnel")
    (False, True)
    """
    return rank(role) >= rank(needed)


def view_for_role(services: pd.DataFrame, role: str | None) -> pd.DataFrame:
    """Return the listings as ``role`` may see them (a copy).

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["Foyer", "Groupe"], "place": ["rue A", "salle B"],
    ...     "address": ["", ""], "postcode": ["", ""], "category": ["hebergement", "auteurs"],
    ...     "confidentiality": ["secret", "sur_orientation"], "lat": [1.0, 2.0], "lon": [1.0, 2.0]})
    >>> view_for_role(s, "public")["place"].tolist()
    ['', '']
    >>> view_for_role(s, "professionnel")["place"].tolist()
    ['', 'salle B']
    >>> view_for_role(s, "gestionnaire")["name"].tolist()
    ['Foyer', 'Groupe']
    """
    if rank(role) >= rank("gestionnaire"):
        return services.copy()
    return listings.public_view(services, referral_places=rank(role) >= rank("professionnel"))
