"""Recomputing stored scores and tiers: every KOL (nightly, after a settings or tier change) or one.

Scoring itself (``scoring``) and tier assignment (``tiers``) are pure steps on a document;
this module runs them over stored KOLs and saves only what changed.
"""

import frappe
from frappe import _
from frappe.utils import now_datetime

from kol_crm.intelligence import scoring, tiers
from kol_crm.utils.settings import COMPONENTS, get_settings


def enqueue_recompute(after_commit: bool = True) -> str:
	frappe.enqueue(
		"kol_crm.intelligence.recompute.recompute_all",
		queue="long",
		timeout=3600,
		job_id="kol_crm:recompute_scores",
		deduplicate=True,
		enqueue_after_commit=after_commit,
		publish=True,
	)
	return _("Recomputing the scores and tiers of every KOL in the background.")


def recompute_all(publish: bool = False, commit: bool = True) -> dict:
	"""Background job and nightly task: rescore every open KOL, with progress and one commit per KOL."""
	s = get_settings()
	names = frappe.get_all(
		"KOL",
		filters={"workflow_state": ("not in", ("Declined", "Dropped", "Offboarded"))},
		pluck="name",
		order_by="name",
	)
	changed = failed = 0
	for i, name in enumerate(names, 1):
		try:
			if rescore(name, s):
				changed += 1
			if commit:
				frappe.db.commit()
		except Exception:
			if commit:
				frappe.db.rollback()
			failed += 1
			frappe.log_error(title=_("KOL score recompute failed for {0}").format(name))
		if publish and (i == len(names) or i % max(len(names) // 100, 1) == 0):  # at most ~100 updates
			frappe.publish_progress(
				i * 100 / len(names),
				title=_("Recomputing KOL scores"),
				description=name,
				doctype="KOL CRM Settings",
				docname="KOL CRM Settings",
			)
	frappe.db.set_single_value("KOL CRM Settings", "scores_recomputed_on", now_datetime())
	if commit:
		frappe.db.commit()
	return {"kols": len(names), "changed": changed, "failed": failed}


def rescore(name: str, s=None) -> bool:
	"""Rescore one KOL; save only when a score or the tier changed. True when saved."""
	doc = frappe.get_doc("KOL", name)
	fields = ("score_overall", "tier", *(f"score_{c}" for c in COMPONENTS), "score_explanation")
	before = {f: doc.get(f) for f in fields}
	scoring.apply_scores(doc, s)
	tiers.assign_tier(doc)
	if all(before[f] == doc.get(f) for f in fields):
		return False
	doc.flags.scores_applied = True  # KOL.validate doesn't score it a second time
	# the system recomputes for everyone, whoever owns the KOL
	doc.flags.ignore_permissions = True
	doc.flags.skip_pacing_warning = True
	doc.save()
	return True
