"""The "KOL Portal" user the portal's writes are stamped with (kol_crm/portal/actor.py), on a site
installed before it existed. Records the portal stamped with Guest before keep that stamp."""

from kol_crm.portal.actor import ensure_actor


def execute():
	ensure_actor()
