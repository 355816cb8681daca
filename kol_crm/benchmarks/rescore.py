"""Benchmark: rescoring KOLs one document at a time against the chunked path, on the same KOLs.

	bench --site kol-bench.localhost execute kol_crm.benchmarks.rescore.run
	bench --site kol-bench.localhost execute kol_crm.benchmarks.rescore.run --kwargs "{'sample': 2000}"

On ``sample`` open KOLs of the site (the benchmark programme's, ``kol_crm.benchmarks.run``), in
three cases:

- *first*: the sample is first given what scoring reads (a platform account with followers,
  engagement and last activity, fit and content ratings: the generated programme has none), so
  every KOL gets new scores and most a new tier (the worst case);
- *weights*: the scores are current, then Reach Full at Followers is made ten times smaller (a
  manager's change): every KOL's scores change, some tiers move;
- *unchanged*: the scores are current (the nightly run on a quiet programme): nothing to write.

Each path starts from the same rows (a savepoint rolled back between them) and everything is
rolled back at the end: the site's data is left as it was. Prints and returns seconds, KOLs per
second, the ratio, and the time both paths would take for every open KOL at that rate.
"""

import random
import time

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate

from kol_crm.intelligence import recompute, scoring, tiers
from kol_crm.utils.settings import get_settings


def run(sample: int = 1000, quiet: bool = False) -> dict:
	say = (lambda *a: None) if quiet else print
	names = recompute.open_kols(limit=int(sample))
	total = recompute.count_open_kols()
	say(f"rescoring benchmark on {frappe.local.site}: {len(names)} of {total} open KOLs")
	result = {"sample": len(names), "open_kols": total, "cases": {}}
	try:
		give_inputs(names)
		result["cases"]["first"] = compare(names, total)
		recompute.rescore_chunk(names)  # the scores are current now
		settings = frappe.get_doc(get_settings().as_dict())  # a copy: the cached settings stay as they are
		settings.reach_full_followers = max(settings.reach_full_followers // 10, 10)
		result["cases"]["weights"] = compare(names, total, settings)
		result["cases"]["unchanged"] = compare(names, total)
	finally:
		frappe.db.rollback()
		frappe.local.kol_crm_tiers = None
	for case, figures in result["cases"].items():
		say(line(case, figures))
	return result


def rescore_one(name: str, s=None) -> bool:
	"""The path before chunks, kept as the baseline here and as the tests' oracle: rescore one KOL
	through its controller and save it, only when a score or the tier changed.

	Not called by the app: a run rescores in chunks (``recompute.rescore_chunk``), and the tests
	check that it stores what this path stores."""
	doc = frappe.get_doc("KOL", name)
	fields = ("tier", *recompute.SCORE_FIELDS)
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


def give_inputs(names: list[str], seed: int = 7) -> None:
	"""What scoring reads, for ``names``: a platform account each and the operator's ratings."""
	rng = random.Random(seed)
	now = now_datetime()
	today = getdate(nowdate())
	accounts = [
		(
			frappe.generate_hash(length=12),
			name,
			"KOL",
			"platform_accounts",
			1,
			now,
			now,
			"Administrator",
			"Administrator",
			"Bilibili",
			f"@bench{i}",
			int(10 ** rng.uniform(2.5, 6.5)),
			round(rng.uniform(0.5, 9), 2),
			add_days(today, -rng.randint(0, 200)),
		)
		for i, name in enumerate(names)
	]
	frappe.db.bulk_insert(
		"KOL Platform Account",
		(
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"creation",
			"modified",
			"owner",
			"modified_by",
			"platform",
			"handle",
			"followers",
			"engagement_rate",
			"last_active_on",
		),
		accounts,
	)
	ratings = {
		name: {
			"fit_rating": rng.choice((0.2, 0.4, 0.6, 0.8, 1.0)),
			"content_quality_rating": rng.choice((0.4, 0.6, 0.8)),
		}
		for name in names
	}
	recompute.write_scores(ratings)


def compare(names: list[str], total: int, settings=None) -> dict:
	"""Both paths on ``names`` from the same stored rows (with ``settings``, else the site's)."""
	frappe.db.savepoint("kol_rescore_bench")
	one_by_one, changed = _timed(lambda: sum(rescore_one(name, settings) for name in names))
	frappe.db.rollback(save_point="kol_rescore_bench")
	frappe.local.kol_crm_tiers = None
	size = recompute.chunk_size()
	chunks, result = _timed(
		lambda: [recompute.rescore_chunk(names[i : i + size], settings) for i in range(0, len(names), size)]
	)
	frappe.db.rollback(save_point="kol_rescore_bench")
	frappe.local.kol_crm_tiers = None
	return figures(len(names), total, one_by_one, chunks, changed, sum(r["changed"] for r in result))


def figures(n: int, total: int, one_by_one: float, chunks: float, changed_old: int, changed_new: int) -> dict:
	return {
		"kols": n,
		"changed_one_by_one": changed_old,
		"changed_chunks": changed_new,
		"one_by_one_s": round(one_by_one, 3),
		"chunks_s": round(chunks, 3),
		"one_by_one_kols_per_s": round(n / one_by_one) if one_by_one else None,
		"chunks_kols_per_s": round(n / chunks) if chunks else None,
		"ratio": round(one_by_one / chunks, 1) if chunks else None,
		"all_open_one_by_one_s": round(total * one_by_one / n) if n else None,
		"all_open_chunks_s": round(total * chunks / n) if n else None,
	}


def line(case: str, f: dict) -> str:
	return (
		f"{case:9} {f['kols']} KOLs ({f['changed_chunks']} changed): one by one {f['one_by_one_s']} s "
		f"({f['one_by_one_kols_per_s']}/s), chunks {f['chunks_s']} s ({f['chunks_kols_per_s']}/s), "
		f"{f['ratio']}x; every open KOL: {f['all_open_one_by_one_s']} s vs {f['all_open_chunks_s']} s"
	)


def _timed(fn) -> tuple[float, object]:
	start = time.perf_counter()
	value = fn()
	return time.perf_counter() - start, value
