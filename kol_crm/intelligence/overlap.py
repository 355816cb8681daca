"""Audience overlap between the KOLs of a category: KOLs must not drain the shared user pool
(一个社群中的各种kol想尽办法消耗这个流量池里面的用户).

**The measure.** Between two KOLs A and B with audiences |A| and |B| and |A∩B| shared followers,
the *overlap coefficient* |A∩B| / min(|A|, |B|) is the share of the smaller audience the other KOL
already reaches. It is used rather than Jaccard (|A∩B| / |A u B|) because pacing asks what a KOL
adds to the pool: a 1,000-follower KOL whose followers all follow a 100,000-follower KOL adds
nobody (overlap coefficient 100 %), yet Jaccard says 1 % because the big audience dilutes it.

**Where the shared followers come from**, per pair, best first:
1. *Measured*: the latest KOL Audience Overlap record of the pair (a platform's audience tool, a
   survey), its Shared Followers as recorded.
2. *Our Platform*: users who converted through both KOLs on our platform (KOL Platform Event
   conversions with the same ``customer_ref``). When each KOL has at least ``MIN_PLATFORM_SAMPLE``
   converted users, the overlap coefficient of those two sets stands for the overlap coefficient of
   the audiences: shared = coefficient * min(total followers).
3. *Estimate* (no data): on every platform both KOLs have an account on, a share of the smaller
   account's followers is assumed shared (KOL CRM Settings > Assumed Overlap on a Shared Platform,
   default 10 %); KOLs on no common platform share nobody.

**A category's unique reach** is the sum of its active KOLs' followers minus the sum of the
shared followers of every pair (inclusion-exclusion to pairs). It never falls below the largest
single audience. The estimates over all pairs are summed without visiting each pair: on one
platform, the sum of min(a, b) over all pairs of sorted values v1 <= ... <= vn is the sum of vi * (n - i).
"""

from collections import defaultdict
from itertools import combinations

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, today

from kol_crm.permissions import can_access_kol

MEASURED, OUR_PLATFORM, ESTIMATE = "Measured", "Our Platform", "Estimate"
MIN_PLATFORM_SAMPLE = 5
DEFAULT_THRESHOLD = 30.0
DEFAULT_ASSUMED_SHARE = 10.0


# ------------------------------------------------------------------ pure


def overlap_coefficient(shared: float, a: float, b: float) -> float:
	"""|A∩B| / min(|A|, |B|), between 0 and 1; 0 when either audience is empty."""
	smaller = min(a, b)
	if smaller <= 0:
		return 0.0
	return min(max(shared, 0) / smaller, 1.0)


def jaccard(shared: float, a: float, b: float) -> float:
	"""|A∩B| / |A u B| (for comparison; pacing uses ``overlap_coefficient``)."""
	shared = min(max(shared, 0), min(a, b))
	union = a + b - shared
	return shared / union if union > 0 else 0.0


def exceeds_threshold(coefficient: float, threshold_percent: float) -> bool:
	"""Whether an overlap is *above* the threshold (a threshold in percent; at it is not above)."""
	return round(coefficient * 100, 6) > flt(threshold_percent)


def sum_of_pairwise_minimums(values: list[float]) -> float:
	"""Σ over all unordered pairs of min(a, b), in O(n log n)."""
	ordered = sorted(values)
	n = len(ordered)
	return sum(v * (n - 1 - i) for i, v in enumerate(ordered))


def estimated_shared(accounts_a: dict[str, int], accounts_b: dict[str, int], share_percent: float) -> float:
	"""The estimate without data: ``share_percent`` of the smaller account on every common platform."""
	return sum(
		flt(share_percent) / 100 * min(accounts_a[p], accounts_b[p])
		for p in set(accounts_a) & set(accounts_b)
	)


def unique_reach(audiences: list[int], total_shared: float) -> int:
	"""Sum of the audiences minus the shared followers, never below the largest audience."""
	if not audiences:
		return 0
	total = sum(audiences)
	return round(min(total, max(total - total_shared, max(audiences))))


def pair_key(a: str, b: str) -> tuple[str, str]:
	return (a, b) if a <= b else (b, a)


# ------------------------------------------------------------------ data


def settings_values(s) -> tuple[float, float]:
	"""(threshold %, assumed share %) from KOL CRM Settings, with their defaults when unset."""
	threshold = s.get("overlap_warning_threshold")
	share = s.get("assumed_platform_overlap")
	return (
		DEFAULT_THRESHOLD if threshold in (None, "") else flt(threshold),
		DEFAULT_ASSUMED_SHARE if share in (None, "") else flt(share),
	)


def platform_accounts(kols: list[str]) -> dict[str, dict[str, int]]:
	"""{kol: {platform: followers}} (code reading for an aggregate: no row rule, nothing shown)."""
	accounts: dict[str, dict[str, int]] = defaultdict(dict)
	if not kols:
		return accounts
	for row in frappe.get_all(
		"KOL Platform Account",
		filters={"parenttype": "KOL", "parent": ("in", kols)},
		fields=["parent", "platform", "followers"],
	):
		by_platform = accounts[row.parent]
		by_platform[row.platform] = by_platform.get(row.platform, 0) + cint(row.followers)
	return accounts


def measured_pairs(kols: list[str]) -> dict[tuple[str, str], int]:
	"""The latest measured shared followers of each pair among ``kols``."""
	if len(kols) < 2:
		return {}
	pairs: dict[tuple[str, str], int] = {}
	for row in frappe.get_all(
		"KOL Audience Overlap",
		filters={"kol": ("in", kols), "other_kol": ("in", kols)},
		fields=["kol", "other_kol", "shared_followers"],
		order_by="measured_on desc, creation desc",
	):
		key = pair_key(row.kol, row.other_kol)
		if row.kol != row.other_kol and key not in pairs:
			pairs[key] = cint(row.shared_followers)
	return pairs


def platform_coefficients(kols: list[str]) -> dict[tuple[str, str], float]:
	"""Overlap coefficient of the users who converted through each pair of ``kols`` on our
	platform, for pairs where both KOLs have at least ``MIN_PLATFORM_SAMPLE`` converted users."""
	if len(kols) < 2:
		return {}
	users: dict[str, set[str]] = defaultdict(set)
	for row in frappe.get_all(
		"KOL Platform Event",
		filters={"event_type": "Conversion", "kol": ("in", kols), "customer_ref": ("is", "set")},
		fields=["kol", "customer_ref"],
	):
		users[row.kol].add(row.customer_ref)
	sampled = sorted(k for k, refs in users.items() if len(refs) >= MIN_PLATFORM_SAMPLE)
	by_user: dict[str, list[str]] = defaultdict(list)
	for kol in sampled:
		for ref in users[kol]:
			by_user[ref].append(kol)
	shared: dict[tuple[str, str], int] = defaultdict(int)
	for kols_of_user in by_user.values():
		for a, b in combinations(sorted(kols_of_user), 2):
			shared[(a, b)] += 1
	return {key: overlap_coefficient(n, len(users[key[0]]), len(users[key[1]])) for key, n in shared.items()}


class Pool:
	"""The shared followers between the KOLs of one pool (a category's active KOLs)."""

	def __init__(self, followers: dict[str, int], s):
		self.followers = {k: cint(v) for k, v in followers.items()}
		self.threshold, self.share = settings_values(s)
		names = list(self.followers)
		self.accounts = platform_accounts(names)
		self.measured = measured_pairs(names)
		self.platform = platform_coefficients(names)

	def pair(self, a: str, b: str) -> dict:
		"""{shared, coefficient, source} for one pair."""
		key = pair_key(a, b)
		fa, fb = self.followers.get(a, 0), self.followers.get(b, 0)
		if key in self.measured:
			shared, source = float(min(self.measured[key], fa, fb)), MEASURED
		elif key in self.platform:
			shared, source = self.platform[key] * min(fa, fb), OUR_PLATFORM
		else:
			shared = estimated_shared(self.accounts.get(a, {}), self.accounts.get(b, {}), self.share)
			source = ESTIMATE
		return {"shared": shared, "coefficient": overlap_coefficient(shared, fa, fb), "source": source}

	def total_shared(self) -> float:
		"""Σ shared over all pairs: the estimate summed per platform, corrected where data exists."""
		by_platform: dict[str, list[int]] = defaultdict(list)
		for kol in self.followers:
			for platform, n in self.accounts.get(kol, {}).items():
				by_platform[platform].append(n)
		total = sum(self.share / 100 * sum_of_pairwise_minimums(v) for v in by_platform.values())
		for key in set(self.measured) | set(self.platform):
			a, b = key
			if a not in self.followers or b not in self.followers:
				continue
			estimate = estimated_shared(self.accounts.get(a, {}), self.accounts.get(b, {}), self.share)
			total += self.pair(a, b)["shared"] - estimate
		return total

	def summary(self) -> dict:
		audiences = list(self.followers.values())
		shared = self.total_shared()
		reach = unique_reach(audiences, shared)
		total = sum(audiences)
		return {
			"kol_followers": total,
			"shared_followers": total - reach,
			"unique_reach": reach,
			"overlap_percent": (total - reach) * 100 / total if total else 0.0,
			"measured_pairs": len(self.measured) + len(self.platform),
		}


def category_pool(
	category: str, exclude: str | None = None, program_type: str | None = None
) -> dict[str, int]:
	"""{kol: total followers} of the Active KOLs in ``category`` and its sub-categories."""
	cat = frappe.db.get_value("KOL Category", category, ["lft", "rgt"], as_dict=True)
	if not cat:
		return {}
	kol = frappe.qb.DocType("KOL")
	c = frappe.qb.DocType("KOL Category")
	query = (
		frappe.qb.from_(kol)
		.join(c)
		.on(c.name == kol.category)
		.select(kol.name, kol.total_followers)
		.where((kol.workflow_state == "Active") & (c.lft >= cat.lft) & (c.rgt <= cat.rgt))
	)
	if exclude:
		query = query.where(kol.name != exclude)
	if program_type:
		query = query.where(kol.program_type == program_type)
	return {name: cint(n) for name, n in query.run()}


def candidate_overlaps(doc, pool_category: str, s) -> list[dict]:
	"""The candidate ``doc`` against each Active KOL of ``pool_category``: shared followers, overlap
	coefficient, source; the highest overlap first."""
	pool = category_pool(pool_category, exclude=doc.name)
	if not pool:
		return []
	followers = {**pool, doc.name: cint(doc.total_followers)}
	p = Pool(followers, s)
	accounts: dict[str, int] = {}
	for row in doc.platform_accounts:  # the document's accounts, as being saved
		accounts[row.platform] = accounts.get(row.platform, 0) + cint(row.followers)
	p.accounts[doc.name] = accounts
	rows = [{"kol": other, **p.pair(doc.name, other)} for other in pool]
	rows.sort(key=lambda r: (-r["coefficient"], r["kol"]))
	return rows


def overlap_warning(doc, pool_category: str, s, user: str | None = None) -> dict | None:
	"""The candidate's highest overlap above the threshold, with a translated message; else None.
	The other KOL is named (in ``kol`` and the message) only to a user who may read it."""
	rows = candidate_overlaps(doc, pool_category, s)
	threshold, _share = settings_values(s)
	if not rows or not exceeds_threshold(rows[0]["coefficient"], threshold):
		return None
	top = rows[0]
	readable = can_access_kol(top["kol"], user)
	other = top["kol"] if readable else _("another Active KOL")
	return {
		**top,
		"kol": top["kol"] if readable else None,  # the form's onload goes to the user
		"threshold": threshold,
		"category": pool_category,
		"message": _(
			"Audience overlap: {0} % of the smaller audience is shared with {1} in {2} ({3}); the warning threshold is {4} %. This KOL would add few new users to the pool."
		).format(
			f"{top['coefficient'] * 100:.1f}",
			frappe.bold(other),
			frappe.bold(pool_category),
			_(top["source"]),
			f"{threshold:g}",
		),
	}


def validate_record(doc) -> None:
	"""KOL Audience Overlap.validate: two different KOLs, shared followers no more than the smaller
	audience, measured no later than today."""
	if doc.kol and doc.kol == doc.other_kol:
		frappe.throw(_("An audience overlap needs two different KOLs."), title=_("Invalid value"))
	if cint(doc.shared_followers) < 0:
		frappe.throw(_("Shared Followers cannot be negative."), title=_("Invalid value"))
	followers = dict(
		frappe.get_all(
			"KOL",
			filters={"name": ("in", [doc.kol, doc.other_kol])},
			fields=["name", "total_followers"],
			as_list=True,
		)
	)
	smaller = min(cint(followers.get(doc.kol)), cint(followers.get(doc.other_kol)))
	if smaller and cint(doc.shared_followers) > smaller:
		frappe.throw(
			_("Shared Followers ({0}) cannot be more than the smaller KOL's followers ({1}).").format(
				frappe.format(cint(doc.shared_followers), "Int"), frappe.format(smaller, "Int")
			),
			title=_("Invalid value"),
		)
	if doc.measured_on and getdate(doc.measured_on) > getdate(today()):
		frappe.throw(
			_("Measured On ({0}) cannot be in the future.").format(frappe.format(doc.measured_on, "Date")),
			title=_("Invalid value"),
		)


def delete_kol_overlaps(kol) -> None:
	"""KOL.on_trash: the overlaps measured with a deleted KOL, on either side, go with it."""
	for fieldname in ("kol", "other_kol"):
		for name in frappe.get_all("KOL Audience Overlap", filters={fieldname: kol.name}, pluck="name"):
			frappe.delete_doc("KOL Audience Overlap", name, ignore_permissions=True, force=True)
