"""Transparent KOL scores: reach, engagement, content quality, activity, fit and overall.

Every score is 0-100. A score whose inputs are missing is *unknown*: it is left out of the
overall score (the weights of the known scores are re-normalised) instead of counting as 0,
and the explanation on the KOL says so. Formulas (settings in KOL CRM Settings):

- reach = 100 x log10(1 + followers) / log10(1 + reach_full_followers), at most 100
- engagement = 60% rate: 100 x (follower-weighted mean engagement rate) / engagement_full_rate,
  at most 100, + 40% loyalty: follower quality and whether the fans would follow the KOL to us
  (High/Likely 100, Medium/Possible 60, Low/Unlikely 20), of the parts that are known
- content quality = 70% operator rating (stars / 5 x 100) + 30% on-platform figures
  (100 x (posts + content) / content_full_posts, at most 100), of the parts that are known
- activity = 60% recency on our platform + 40% recency elsewhere (latest platform account
  activity); recency is 100 up to activity_full_days, 0 from activity_zero_days, linear between
- fit = 50% category match with the programme categories (100 same or sub-category,
  60 same parent domain, 20 otherwise) + 50% operator fit rating
- overall = sum(weight x score) / sum(weight) over the known scores; a score's weight is the
  KOL's intake path's weight times its purpose's factor (acquisition favours reach, activation
  activity and content, conversion engagement and fit)
"""

import math

import frappe
from frappe import _
from frappe.utils import date_diff, flt, fmt_money, getdate, now_datetime, nowdate

from kol_crm.utils.settings import COMPONENTS, get_settings, purpose_factors

INTERNAL = "Internal Cultivation"
CONTENT_PARTS = (("rating", 0.7), ("figures", 0.3))
ACTIVITY_PARTS = (("ours", 0.6), ("elsewhere", 0.4))
FIT_PARTS = (("category", 0.5), ("rating", 0.5))
ENGAGEMENT_PARTS = (("rate", 0.6), ("loyalty", 0.4))
LOYALTY = {"High": 100.0, "Likely": 100.0, "Medium": 60.0, "Possible": 60.0, "Low": 20.0, "Unlikely": 20.0}
CATEGORY_MATCH, CATEGORY_DOMAIN, CATEGORY_OTHER = 100.0, 60.0, 20.0


def component_labels() -> dict[str, str]:
	return {
		"reach": _("Reach"),
		"engagement": _("Engagement"),
		"content_quality": _("Content Quality"),
		"activity": _("Activity"),
		"fit": _("Fit"),
	}


def _blend(parts: dict[str, float | None], weights: tuple[tuple[str, float], ...]) -> float | None:
	known = [(parts[name], w) for name, w in weights if parts.get(name) is not None]
	if not known:
		return None
	return sum(s * w for s, w in known) / sum(w for _s, w in known)


def _stars(rating) -> float | None:
	"""Rating fields hold 0-1 (v15); 0 means not rated."""
	rating = flt(rating)
	return min(rating, 1.0) * 100 if rating > 0 else None


def _fmt(value: float | None) -> str:
	return _("unknown") if value is None else f"{value:.1f}"


def recency(last: str | None, today, full_days: int, zero_days: int) -> float | None:
	if not last:
		return None
	days = max(date_diff(today, last), 0)
	if days <= full_days:
		return 100.0
	if days >= zero_days:
		return 0.0
	return 100.0 * (zero_days - days) / (zero_days - full_days)


def reach_score(doc, s) -> tuple[float | None, str]:
	followers = sum(row.followers or 0 for row in doc.platform_accounts)
	if followers <= 0:
		return None, _("no follower counts recorded")
	full = max(s.reach_full_followers, 10)
	score = min(100.0, 100.0 * math.log10(1 + followers) / math.log10(1 + full))
	return score, _("{0} followers on {1} accounts, log-scaled ({2} followers = 100)").format(
		fmt_money(followers, precision=0), len(doc.platform_accounts), fmt_money(full, precision=0)
	)


def loyalty(doc) -> float | None:
	"""Follower quality and whether the fans would follow the KOL to us, as the operator judged
	them (High/Likely 100, Medium/Possible 60, Low/Unlikely 20): the mean of those known."""
	known = [
		LOYALTY[value]
		for value in (doc.get("follower_quality"), doc.get("audience_portability"))
		if value in LOYALTY
	]
	return sum(known) / len(known) if known else None


def engagement_score(doc, s) -> tuple[float | None, str]:
	rows = [r for r in doc.platform_accounts if flt(r.engagement_rate) > 0]
	rate_score, rate = None, None
	if rows:
		weights = [max(r.followers or 0, 1) for r in rows]
		rate = sum(flt(r.engagement_rate) * w for r, w in zip(rows, weights, strict=True)) / sum(weights)
		rate_score = min(100.0, 100.0 * rate / flt(s.engagement_full_rate))
	loyal = loyalty(doc)
	if rate_score is None and loyal is None:
		return None, _("no engagement rates recorded")
	score = _blend({"rate": rate_score, "loyalty": loyal}, ENGAGEMENT_PARTS)
	return score, _(
		"follower-weighted engagement rate {0}% ({1}% = 100), follower loyalty {2} (follower quality, fans would follow to us); the rate counts 60%"
	).format(f"{rate:.2f}" if rate is not None else _("unknown"), flt(s.engagement_full_rate), _fmt(loyal))


def _has_platform_presence(doc) -> bool:
	return bool(
		doc.platform_user or doc.platform_account_id or doc.on_platform_posts or doc.on_platform_content
	)


def content_quality_score(doc, s) -> tuple[float | None, str]:
	rating = _stars(doc.content_quality_rating)
	figures = None
	count = (doc.on_platform_posts or 0) + (doc.on_platform_content or 0)
	if _has_platform_presence(doc):
		figures = min(100.0, 100.0 * count / max(s.content_full_posts, 1))
	score = _blend({"rating": rating, "figures": figures}, CONTENT_PARTS)
	detail = _(
		"operator rating {0}, on-platform posts and content {1} ({2} items; {3} = 100); rating counts 70%"
	).format(_fmt(rating), _fmt(figures), count, s.content_full_posts)
	return score, detail


def activity_score(doc, s, today) -> tuple[float | None, str]:
	ours = recency(doc.last_active_on_platform, today, s.activity_full_days, s.activity_zero_days)
	dates = [getdate(r.last_active_on) for r in doc.platform_accounts if r.get("last_active_on")]
	elsewhere_on = max(dates) if dates else None
	elsewhere = recency(elsewhere_on, today, s.activity_full_days, s.activity_zero_days)
	score = _blend({"ours": ours, "elsewhere": elsewhere}, ACTIVITY_PARTS)
	detail = _(
		"our platform {0} (last active {1}), elsewhere {2} (last active {3}); full up to {4} days, zero from {5} days; our platform counts 60%"
	).format(
		_fmt(ours),
		frappe.format(doc.last_active_on_platform, "Date") if doc.last_active_on_platform else _("unknown"),
		_fmt(elsewhere),
		frappe.format(elsewhere_on, "Date") if elsewhere_on else _("unknown"),
		s.activity_full_days,
		s.activity_zero_days,
	)
	return score, detail


def category_match(category: str | None, s, cache: dict | None = None) -> tuple[float | None, str]:
	"""How the KOL's category matches the programme categories. ``cache`` (a dict kept by the
	caller) holds the category tree for a bulk rescore instead of two queries per KOL."""
	targets = [row.category for row in s.program_categories if row.category]
	if not category:
		return None, _("no category set")
	if not targets:
		return None, _("no programme categories set")
	tree = _category_tree(targets, cache)
	cat = tree["categories"].get(category) if tree else _category(category)
	if not cat:
		return None, _("unknown")
	rows = tree["targets"] if tree else _categories(targets)
	for t in rows:
		if t.lft <= cat.lft and cat.rgt <= t.rgt:
			return CATEGORY_MATCH, _("{0} is within programme category {1}").format(category, t.name)
	for t in rows:
		if cat.parent_kol_category and (
			t.parent_kol_category == cat.parent_kol_category or t.name == cat.parent_kol_category
		):
			return CATEGORY_DOMAIN, _("{0} shares the domain {1} with a programme category").format(
				category, cat.parent_kol_category
			)
		if cat.lft < t.lft and t.rgt < cat.rgt:
			return CATEGORY_DOMAIN, _("{0} contains programme category {1}").format(category, t.name)
	return CATEGORY_OTHER, _("{0} is outside the programme categories").format(category)


CATEGORY_FIELDS = ("name", "lft", "rgt", "parent_kol_category")


def _category(name: str):
	return frappe.db.get_value("KOL Category", name, CATEGORY_FIELDS, as_dict=True)


def _categories(names: list[str]) -> list:
	return frappe.get_all(
		"KOL Category", filters={"name": ("in", names)}, fields=list(CATEGORY_FIELDS), order_by="lft"
	)


def _category_tree(targets: list[str], cache: dict | None) -> dict | None:
	"""Every category and the programme's, read once into ``cache`` (None without a cache)."""
	if cache is None:
		return None
	if cache.get("category_targets") != targets:
		rows = frappe.get_all("KOL Category", fields=list(CATEGORY_FIELDS), order_by="lft")
		cache["category_targets"] = targets
		cache["category_tree"] = {
			"categories": {row.name: row for row in rows},
			"targets": [row for row in rows if row.name in set(targets)],
		}
	return cache["category_tree"]


def fit_score(doc, s, cache: dict | None = None) -> tuple[float | None, str]:
	category, why = category_match(doc.category, s, cache)
	rating = _stars(doc.fit_rating)
	score = _blend({"category": category, "rating": rating}, FIT_PARTS)
	return score, _("category match {0} ({1}), operator fit rating {2}").format(
		_fmt(category), why, _fmt(rating)
	)


def weights_for(doc, s) -> dict[str, float]:
	"""The intake path's weight of each score times the KOL's purpose's factor."""
	prefix = "internal_weight_" if doc.intake_path == INTERNAL else "weight_"
	factors = purpose_factors(s, doc.intake_purpose)
	return {c: flt(s.get(prefix + c)) * factors[c] for c in COMPONENTS}


def compute(doc, s=None, today=None, cache: dict | None = None) -> dict:
	"""Scores, unknowns and explanation lines for a KOL document (never raises on missing data)."""
	s = s or get_settings()
	today = getdate(today or nowdate())
	results = {
		"reach": reach_score(doc, s),
		"engagement": engagement_score(doc, s),
		"content_quality": content_quality_score(doc, s),
		"activity": activity_score(doc, s, today),
		"fit": fit_score(doc, s, cache),
	}
	weights = weights_for(doc, s)
	labels = component_labels()
	known = {c: score for c, (score, _why) in results.items() if score is not None and weights[c] > 0}
	total_weight = sum(weights[c] for c in known)
	overall = sum(weights[c] * known[c] for c in known) / total_weight if total_weight else None
	lines = []
	for c, (score, why) in results.items():
		if score is None:
			lines.append(_("{0}: unknown ({1}); left out of the overall score.").format(labels[c], why))
		else:
			lines.append(
				_("{0}: {1} (weight {2}): {3}.").format(labels[c], _fmt(score), f"{weights[c]:g}", why)
			)
	if overall is None:
		lines.append(_("Overall: unknown; no score with a weight has data yet."))
	else:
		lines.append(
			_(
				"Overall: {0} = weighted mean of {1} known scores with the {2} weights times the {3} purpose's factors."
			).format(
				_fmt(overall),
				len(known),
				_(doc.intake_path or "External Intake"),
				_(doc.intake_purpose or "Acquisition"),
			)
		)
	return {
		"scores": {c: score for c, (score, _why) in results.items()},
		"overall": overall,
		"unknown": [c for c, (score, _why) in results.items() if score is None],
		"lines": lines,
	}


def apply_scores(doc, s=None, today=None, cache: dict | None = None) -> dict:
	"""Store the scores and their explanation on the KOL (called from KOL.validate, and by
	``recompute`` on a lightweight row with the same fields)."""
	result = compute(doc, s, today, cache)
	for c, score in result["scores"].items():
		setattr(doc, f"score_{c}", round(score, 1) if score is not None else 0)
	doc.score_overall = round(result["overall"], 1) if result["overall"] is not None else 0
	labels = component_labels()
	doc.score_unknown = ", ".join(labels[c] for c in result["unknown"]) or None
	doc.score_unknown_components = ",".join(result["unknown"]) or None
	doc.score_explanation = "\n".join(result["lines"])
	doc.scored_on = now_datetime()
	doc.flags.overall_known = result["overall"] is not None
	return result
