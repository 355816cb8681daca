"""KOL State Change: the state log of the KOLs from before it existed, from their Version history.

KOL Pipeline now reads the log (kol_crm/workflows/state_log.py) instead of parsing Versions, so
every KOL needs its log: its first state at its creation, then one row per state change its
Versions recorded. Written in batches of KOLs with multi-row INSERTs (about 350,000 rows for
100,000 KOLs); a KOL that already has rows is skipped, so running it again adds nothing.
"""

from kol_crm.workflows import state_log


def execute():
	state_log.backfill()
