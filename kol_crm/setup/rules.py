"""The rules kol_crm ships (the seeds' interaction code): created on install and migrate when
missing, never overwritten. An administrator edits or disables them; a deleted one comes back on
the next migrate, so disable a shipped rule instead of deleting it. Their zh translations are in
zh.csv (a rule's text is shown translated while it is the shipped text)."""

import frappe

# (title, default severity, text): the seeds' interaction code, kept short
DEFAULT_RULES = (
	(
		"No false claims",
		"Major",
		"Only say what is true about our product and your own results. Don't invent features, "
		"numbers or testimonials.",
	),
	(
		"Disclose paid content",
		"Major",
		"Mark every sponsored or paid post clearly as an advertisement or partnership, as the "
		"platform and the law require.",
	),
	(
		"No poaching of users",
		"Severe",
		"Don't move our community's users to other communities, groups or paid channels of your own "
		"or of others.",
	),
	(
		"Respect user privacy",
		"Severe",
		"Never collect, share or publish users' personal data or private messages.",
	),
	(
		"No competitor promotion during a partnership",
		"Major",
		"While a partnership with us runs, don't promote products that compete with it.",
	),
	(
		"Report problems to your operator",
		"Minor",
		"Bring problems and conflicts with users to your operator; don't settle them in public or "
		"make statements that harm the product.",
	),
)


def ensure_default_rules() -> None:
	"""Install and migrate: create the shipped rules that are missing; never change a stored one
	(an administrator's edits stay; to drop a shipped rule, disable it: a deleted one comes back)."""
	for title, severity, text in DEFAULT_RULES:
		if frappe.db.exists("KOL Rule", title):
			continue
		frappe.get_doc(
			{"doctype": "KOL Rule", "rule_title": title, "default_severity": severity, "description": text}
		).insert(ignore_permissions=True)  # the app ships its rules
