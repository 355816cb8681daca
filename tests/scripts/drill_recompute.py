"""The steps of tests/scripts/drill_recompute.sh, run with the bench's Python from its sites folder:

	python drill_recompute.py SITE STEP

setup    drill tiers and KOLs (committed), the settings as they were kept in AT_START
start    a change of Reach Full at Followers: the settings' save queues a recompute run
state    the run's checkpoint, as JSON
stall    the run's heartbeat put 11 minutes back (as if its worker had died 11 minutes ago)
resume   the scheduler's task that resumes a stalled run
verify   every drill KOL's stored scores are what its data gives now, and each tier move was
         recorded once; JSON
cleanup  the drill's KOLs, tier changes and tiers deleted, the settings restored
"""

import json
import os

import drill_steps
import frappe
from frappe.utils import add_to_date, now_datetime

AT_START = "/tmp/kol-drill-recompute.json"
KOLS = 300
PREFIX = "Drill Recompute KOL"
TIERS = (("Drill High", 1, 50), ("Drill Low", 2, 0))


def drill_kols() -> list[str]:
	return frappe.get_all("KOL", filters={"kol_name": ("like", PREFIX + "%")}, pluck="name", order_by="name")


def setup() -> dict:
	from kol_crm.intelligence import recompute

	cleanup(quiet=True)
	s = frappe.get_single("KOL CRM Settings")
	with open(AT_START, "w") as fh:
		json.dump({"reach_full_followers": s.reach_full_followers, "started": str(now_datetime())}, fh)
	for name, rank, min_score in TIERS:
		frappe.get_doc(
			{"doctype": "KOL Tier", "tier_name": name, "rank": rank, "min_score": min_score}
		).insert(ignore_permissions=True)
	for i in range(KOLS):
		frappe.get_doc(
			{
				"doctype": "KOL",
				"kol_name": f"{PREFIX} {i:03d}",
				"intake_path": "External Intake",
				"intake_purpose": "Acquisition",
				"program_type": "Paid",
				"email": f"drill-recompute-{i}@drill.example",
				"platform_accounts": [
					{
						"platform": "Bilibili",
						"handle": f"@drill{i}",
						"followers": 50 + 37 * i,
						"engagement_rate": 1,
					}
				],
			}
		).insert(ignore_permissions=True)
	recompute.write_state({"recompute_status": recompute.FINISHED})
	frappe.db.commit()
	return {"kols": len(drill_kols())}


def start() -> dict:
	from kol_crm.intelligence import recompute

	s = frappe.get_single("KOL CRM Settings")
	# most scores rise, many KOLs move up to Drill High (or down, back from an earlier 1,000)
	s.reach_full_followers = 1000 if s.reach_full_followers != 1000 else 10_000_000
	s.save(ignore_permissions=True)
	frappe.db.commit()
	with open(AT_START) as fh:
		kept = json.load(fh)
	with open(AT_START, "w") as fh:
		json.dump({**kept, "run_started": str(now_datetime())}, fh)
	return dict(recompute.read_state())


def state() -> dict:
	from kol_crm.intelligence import recompute

	return dict(recompute.read_state())


def stall() -> dict:
	from kol_crm.intelligence import recompute

	recompute.write_state({"recompute_heartbeat": add_to_date(now_datetime(), minutes=-11)})
	frappe.db.commit()
	return dict(recompute.read_state())


def resume() -> dict:
	from kol_crm import tasks
	from kol_crm.intelligence import recompute

	tasks.resume_stalled_recompute()
	frappe.db.commit()
	return dict(recompute.read_state())


def verify() -> dict:
	from kol_crm.intelligence import recompute

	names = drill_kols()
	with open(AT_START) as fh:
		started = json.load(fh)["run_started"]
	changes = frappe.get_all(
		"KOL Tier Change",
		filters={"kol": ("in", names), "creation": (">", started)},
		fields=["kol", "count(name) as n"],
		group_by="kol",
	)
	frappe.db.savepoint("drill_verify")
	still_stale = recompute.rescore_chunk(names)["changed"]
	frappe.db.rollback(save_point="drill_verify")
	tiers = frappe.get_all(
		"KOL", filters={"name": ("in", names)}, fields=["tier", "count(name) as n"], group_by="tier"
	)
	return {
		"kols": len(names),
		"still_stale": still_stale,
		"kols_moved": len(changes),
		"most_changes_of_one_kol": max((c.n for c in changes), default=0),
		"tiers": {t.tier or "": t.n for t in tiers},
		"state": dict(recompute.read_state()),
	}


def cleanup(quiet: bool = False) -> dict:
	from kol_crm.intelligence import recompute

	names = drill_kols()
	for name in names:
		frappe.db.delete("KOL Tier Change", {"kol": name})
		frappe.delete_doc("KOL", name, ignore_permissions=True, force=True)
	if os.path.exists(AT_START):
		with open(AT_START) as fh:
			kept = json.load(fh)
		# not through the form: its save would queue another run
		frappe.db.set_single_value("KOL CRM Settings", "reach_full_followers", kept["reach_full_followers"])
		os.remove(AT_START)
	# the site's other KOLs were rescored too: those the run put in a drill tier lose it, and are
	# rescored with the settings restored once the drill tiers are gone
	drill_tiers = [name for name, _rank, _min in TIERS]
	others = frappe.get_all("KOL", filters={"tier": ("in", drill_tiers)}, pluck="name")
	if others:
		frappe.db.set_value("KOL", {"name": ("in", others)}, "tier", None, update_modified=False)
		frappe.db.delete("KOL Privilege", {"parenttype": "KOL", "tier": ("in", drill_tiers)})
	for name in drill_tiers:
		if frappe.db.exists("KOL Tier", name):
			frappe.delete_doc("KOL Tier", name, ignore_permissions=True, force=True)
	frappe.local.kol_crm_tiers = None
	frappe.clear_document_cache("KOL CRM Settings", "KOL CRM Settings")
	if others:
		recompute.rescore_chunk(others)
	recompute.write_state({"recompute_status": recompute.FINISHED})
	frappe.db.commit()
	frappe.clear_cache()
	return {"deleted": len(names), "others_rescored": len(others)}


STEPS = {f.__name__: f for f in (setup, start, state, stall, resume, verify, cleanup)}

if __name__ == "__main__":
	drill_steps.main(STEPS)
