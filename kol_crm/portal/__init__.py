"""The KOL portal (``/kol``): a KOL's own Website User sees their profile, proposals and
partnerships, answers proposals, acknowledges the rules and edits their soft facts.

- ``invite.py``: the "Invite to Portal" action of the KOL form (the Website User and its link);
- ``views.py``: what the portal pages show, read for the one KOL the session user is linked to;
- ``actions.py``: the KOL's actions (whitelisted), each a change the operator sees on the timeline.

Who sees what is decided in ``kol_crm/permissions.py`` (``portal_kol``, ``portal_may_read``).
"""
