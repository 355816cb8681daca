"""Operator B's world for the security matrix and the fuzz suite.

B owns one KOL with a marker in every field that takes text, including the personal ones
(email, phone, WeChat, address, agent contact), its child tables and every record that
hangs off it: the rules acknowledgement B recorded (with evidence), a proposal with
deliverables, benefits and negotiation rounds, the partnership made from it (with an
acknowledged rule), content under review for its deliverable (with its version, submitted as if
by B's portal login, whose name is B's email), interactions, a reminder (with its ToDo), a
violation, a tier change, a sequence enrolment and send, a self-nomination application and a
candidate import with a result row, a completed partnership with the case study B drafted of
it, a timeline comment and an email on the KOL, and a
privilege row. Everything is committed (the HTTP requests read it on their own connection)
and deleted again by ``destroy``.

Every marker contains ``world.token`` (``mkB`` and random hex), so a search for the token
finds B's records; ``world.markers`` are all of B's values (names of B's records included),
``world.personal`` only the values an analyst must never see.

``fingerprint`` reads B's rows (and the records that hang off them: ToDos, comments, shares,
tags, files, emails, new records on B's KOL) in one query, so a test can tell whether a
request changed anything of B's; ``restore`` puts B's rows back after a request that did.
"""

import dataclasses
import json
import random
import re
from collections.abc import Callable

import frappe
from frappe.utils import add_days, nowdate

from tests import factories as f

# permlevel 1 on KOL: only managers and the owning operator read them
PERSONAL_FIELDS = (
	"email",
	"other_emails",
	"phone",
	"wechat",
	"address",
	"agent_email",
	"agent_phone",
	"email_invalid_reason",
)
TEXT_TYPES = ("Data", "Small Text", "Text", "Long Text", "Text Editor", "Attach", "Code", "Select")
# what a request may change on a row without changing B's data
VOLATILE_COLUMNS = {"_seen"}
# a reader's marks on a record: who liked it, the cache of its latest comments
READER_COLUMNS = {"_liked_by", "_comments"}
READER_COMMENTS = {"Like", "Comment"}
# records of other DocTypes that hang off B's records: (doctype, its columns naming B's record)
SIDE_TABLES = (
	("ToDo", "reference_type", "reference_name"),
	("Comment", "reference_doctype", "reference_name"),
	("Communication", "reference_doctype", "reference_name"),
	("DocShare", "share_doctype", "share_name"),
	("Document Follow", "ref_doctype", "ref_docname"),
	("Tag Link", "document_type", "document_name"),
	("File", "attached_to_doctype", "attached_to_name"),
	("Email Queue", "reference_doctype", "reference_name"),
	("Version", "ref_doctype", "docname"),
	("Energy Point Log", "reference_doctype", "reference_name"),
)
RENAMED = "mkArenamed"  # new names the matrix asks for: destroy removes any row that got one


@dataclasses.dataclass(repr=False)
class World:
	token: str
	kol: str
	a_kol: str  # operator A's own KOL (no marker): where A would re-link B's records to
	records: dict[str, list[str]]  # doctype -> names of B's records (child rows included)
	markers: set[str]  # every value of B's (lower case); operator A must see none of them
	personal: set[str]  # B's personal values (lower case); an analyst must see none of them
	extra: dict[str, list[str]]  # other records made here: doctype -> names
	baseline: dict = dataclasses.field(default_factory=dict)  # table -> {name: full row}
	fingerprint_sql: str = ""  # one query: a hash per row of ``baseline``'s tables
	fingerprint: tuple = ()

	def __repr__(self) -> str:  # short, for Hypothesis's and pytest's reports
		return f"World(B's KOL {self.kol}, token {self.token})"

	def _repr_pretty_(self, printer, cycle) -> None:
		printer.text(repr(self))

	def first(self, doctype: str) -> str | None:
		names = self.records.get(doctype) or []
		return names[0] if names else None

	def leaked(self, text: str, personal_only: bool = False, sent: str = "") -> list[str]:
		"""B's values found in ``text`` that the request itself did not send (an error message
		that repeats the name a caller asked for reveals nothing)."""
		text, sent = text.lower(), sent.lower()
		pool = self.personal if personal_only else self.markers
		return sorted(m for m in pool if m in text and m not in sent)


def _phone() -> str:
	return "+86 139" + "".join(random.choices("0123456789", k=8))


def _digits(value: str) -> str:
	return re.sub(r"\D", "", value)


def build() -> World:
	"""Create and commit B's world (as OPERATOR_B where a user would, as the system otherwise)."""
	from frappe.model.workflow import apply_workflow

	from kol_crm.casestudies import build as case_studies
	from kol_crm.intelligence import reminders
	from kol_crm.kol_crm.doctype.kol_proposal.kol_proposal import make_partnership
	from kol_crm.outreach import sequences
	from kol_crm.platform import events as platform_events
	from kol_crm.platform import referral_codes
	from kol_crm.settlements import statements

	frappe.set_user("Administrator")
	tok = "mkB" + frappe.generate_hash(length=10)
	m = lambda label: f"{tok}{label}"  # noqa: E731
	extra: dict[str, list] = {}
	old_personal = {"email": f"{tok}oldmail@b-creators.example", "phone": _phone(), "wechat": m("oldwx")}

	# shared masters the records need (not B's: neutral names, no marker)
	hash_ = frappe.generate_hash(length=8)
	rule = frappe.get_doc(
		{
			"doctype": "KOL Rule",
			"rule_title": f"Matrix rule {hash_}",
			"description": "A rule for the security matrix.",
			"default_severity": "Minor",
		}
	).insert()
	sequence = frappe.get_doc(
		{
			"doctype": "KOL Outreach Sequence",
			"sequence_name": f"Matrix sequence {hash_}",
			"enabled": 1,
			"steps": [{"email_template": "KOL First Outreach", "wait_days": 0}],
		}
	).insert()
	extra["KOL Rule"] = [rule.name]
	extra["KOL Outreach Sequence"] = [sequence.name]

	frappe.set_user(f.OPERATOR_A)
	a_kol = f.make_kol(operator=f.OPERATOR_A, kol_name=f"Matrix A {hash_}")

	frappe.set_user(f.OPERATOR_B)
	kol = f.make_kol(
		acknowledge_rules=False,  # B records it below, with a marker in the evidence
		operator=f.OPERATOR_B,
		kol_name=m(" Creator"),
		display_name=m("display"),
		**old_personal,
		address=m(" Road 1, Shanghai"),
		agent_name=m("agentname"),
		agent_company=m("agentco"),
		agent_email=f"{tok}agent@b-agency.example",
		other_emails=f"{tok}studio@b-creators.example",
		agent_phone=_phone(),
		strengths=m("strengths"),
		fit_notes=m("fitnotes"),
		preferences=m("preferences"),
		personality=m("personality"),
		influence_domains=m("domains"),
		declared_business=m("business"),
		platform_accounts=[
			{
				"platform": "Bilibili",
				"handle": m("handle"),
				"profile_url": f"https://space.example/{tok}url",
				"followers": 12000,
				"engagement_rate": 4.5,
			}
		],
		occasions=[{"occasion_date": "2000-05-17", "occasion": m("occasion"), "note": m("occasionnote")}],
	)
	# change the personal fields once: the Version history then holds old and new values
	kol.update({"email": f"{tok}mail@b-creators.example", "phone": _phone(), "wechat": m("wx")})
	kol.save()
	kol.add_comment("Comment", m("comment"))
	frappe.get_doc(
		{"doctype": "KOL Rule Acknowledgement", "kol": kol.name, "evidence": m("ackevidence")}
	).insert()

	proposal = f.make_proposal(
		kol.name,
		title=m("proposal"),
		outcome_reason=m("outcomereason"),
		deliverables=[{"deliverable_type": "Video", "description": m("deliverable"), "quantity": 1}],
		benefits=[{"benefit_type": "Cash", "amount": 3000, "description": m("benefit")}],
		negotiation_rounds=[{"round_date": nowdate(), "party": "Us", "offer": m("offer"), "budget": 5000}],
	)
	f.accept_proposal(proposal)
	partnership = make_partnership(proposal.name)
	partnership.append("acknowledged_rules", {"rule": rule.name, "acknowledged_on": nowdate()})
	partnership.insert()
	frappe.get_doc(
		{
			"doctype": "KOL Interaction",
			"kol": kol.name,
			"interaction_type": "Call",
			"summary": m("summary"),
			"outcome": m("interactionoutcome"),
			"proposal": proposal.name,
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "KOL Violation",
			"kol": kol.name,
			"rule": rule.name,
			"severity": "Minor",
			"violation_date": nowdate(),
			"evidence": m("evidence"),
			"penalty_note": m("penaltynote"),
		}
	).insert()
	enrollment = sequences.enroll(kol, sequence.name)
	# content under review for the partnership's deliverable (content review): one version kept
	content = frappe.get_doc(
		{
			"doctype": "KOL Content",
			"kol": kol.name,
			"partnership": partnership.name,
			"deliverable": partnership.deliverables[0].name,
			"title": m("contenttitle"),
			"body": m("contentbody"),
			"link": f"https://drafts.example/{tok}contentlink",
		}
	).insert()
	apply_workflow(content.as_json(), "Submit for Review")

	frappe.set_user("Administrator")
	# the platform's data on B's KOL: its account's activity, a referral code and a conversion
	frappe.db.set_value("KOL", kol.name, "platform_account_id", m("uid"))
	code = referral_codes.make_code(partnership.name).name
	answer = platform_events.ingest(
		[
			{
				"event_id": m("activity"),
				"type": "activity",
				"occurred_at": nowdate(),
				"platform_user_id": m("uid"),
				"user_name": m("pfname"),
				"posts": 12,
			},
			{
				"event_id": m("conversion"),
				"type": "conversion",
				"conversion": "paid",
				"amount": 99,
				"occurred_at": nowdate(),
				"referral_code": code,
				"customer_ref": m("customer"),
			},
		]
	)
	assert answer["accepted"] == 2, answer
	# B's KOL's settlement statement of this month (its cash benefit and the paid conversion),
	# paid: the state a KOL's portal login reads, with the payment's reference and a line's text
	statement, _created = statements.make_statement(kol.name, nowdate())
	frappe.db.set_value(
		"KOL Settlement Statement",
		statement,
		{"workflow_state": "Paid", "payment_reference": m("payref"), "payment_date": nowdate()},
	)
	frappe.db.set_value("KOL Settlement Line", {"parent": statement}, "description", m("stmtline"))
	# as if B's KOL had submitted it on the portal: its login is the KOL's email (personal)
	frappe.db.set_value(
		"KOL Content", content.name, {"submitted_by": kol.email, "reviewer_comment": m("reviewcomment")}
	)
	frappe.db.set_value("KOL Content Version", {"parent": content.name}, "submitted_by", kol.email)
	kol.reload()
	reminders.create_reminder(
		kol.as_dict(), "Follow-up", add_days(nowdate(), 3), m("todo"), reference_row=m("refrow")
	)
	frappe.get_doc(
		{
			"doctype": "KOL Tier Change",
			"kol": kol.name,
			"kol_name": kol.kol_name,
			"changed_by": f.OPERATOR_B,
			"reason": m("tierreason"),
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{"doctype": "KOL Sequence Send", "enrollment": enrollment.name, "step": 1, "kol": kol.name}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"KOL Sequence Enrollment", enrollment.name, "stopped_reason", m("stopped"), update_modified=False
	)
	# an email on the timeline (sender and recipients are B's contact data)
	comm = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Email",
			"sent_or_received": "Received",
			"subject": m("mailsubject"),
			"content": m("mailcontent"),
			"sender": kol.email,
			"recipients": kol.agent_email,
			"reference_doctype": "KOL",
			"reference_name": kol.name,
		}
	).insert(ignore_permissions=True)
	extra["Communication"] = [comm.name]
	# privileges follow the tier; B's KOL has none, so write one row as the tier logic would
	frappe.get_doc(
		{
			"doctype": "KOL Privilege",
			"parent": kol.name,
			"parenttype": "KOL",
			"parentfield": "privileges",
			"idx": 1,
			"privilege_type": m("privtype"),
			"privilege": m("privilege"),
			"status": "Active",
		}
	).db_insert()

	# the applicant applied again with B's email: matched to B's KOL
	application = frappe.get_doc(
		{
			"doctype": "KOL Application",
			"applicant_name": m("applicant"),
			"email": kol.email,
			"about": m("about"),
			"wants": m("wants"),
			"platforms": [{"platform": "Douyin", "handle": m("apphandle"), "followers": 10}],
		}
	).insert(ignore_permissions=True)
	request_ip = f"10.{random.randint(10, 250)}.{random.randint(10, 250)}.{random.randint(10, 250)}"
	frappe.db.set_value("KOL Application", application.name, "request_ip", request_ip, update_modified=False)

	frappe.set_user(f.OPERATOR_B)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{tok}candidates.csv",
			"content": f"kol_name,email\n{tok} Import,{kol.email}\n",
			"is_private": 1,
		}
	).insert()
	candidate_import = frappe.get_doc(
		{
			"doctype": "KOL Candidate Import",
			"import_file": file.file_url,
			"on_duplicate": "Skip",
			"error": m("importerror"),
			"results": [
				{
					"row_number": 1,
					"result": "Skipped",
					"kol": kol.name,
					# as the importer reports a duplicate: with the matched contact data
					"message": f"{m('importmsg')} duplicate of {kol.name} (phone {kol.phone})",
				}
			],
		}
	).insert()
	extra["File"] = [file.name]
	# a bulk action B ran in the background (the code writes runs: nobody creates one in the desk)
	bulk_run = frappe.get_doc(
		{
			"doctype": "KOL Bulk Run",
			"action": "set_field",
			"parameters": '{"fieldname": "intake_purpose", "value": "Conversion"}',
			"started_by": f.OPERATOR_B,
			"status": "Completed",
			"progress": "1 of 1 KOLs",
			"total": 1,
			"processed": 1,
			"done_count": 1,
			"results": [
				{"kol": kol.name, "kol_name": kol.kol_name, "result": "Done", "message": m("bulkmsg")}
			],
		}
	).insert(ignore_permissions=True)
	frappe.set_user("Administrator")
	# last, as a bounce does it: an address of B's bounced, and the server's reason repeats it
	bounce = f"5.1.1 failed: smtp; 550 <{tok}bounced@b-creators.example>"
	frappe.db.set_value(
		"KOL", kol.name, {"email_invalid": 1, "email_invalid_on": nowdate(), "email_invalid_reason": bounce}
	)

	# discovery: B's observation of their KOL (its link is permlevel 1) and a manager's camp with
	# a participant row of B's KOL next to A's (the event is shared, the rows follow their KOLs)
	frappe.set_user(f.OPERATOR_B)
	observation_link = f"https://b-projects.example/{tok}obslink"
	frappe.get_doc(
		{
			"doctype": "KOL Observation",
			"kol": kol.name,
			"source": "Project",
			"evidence": m("obsevidence"),
			"link": observation_link,
		}
	).insert()
	frappe.set_user(f.MANAGER)
	camp = frappe.get_doc(
		{
			"doctype": "KOL Event",
			"event_name": f"Matrix Camp {hash_}",
			"event_type": "Camp",
			"starts_on": nowdate(),
			"participants": [
				{"kol": a_kol.name, "role": "Speaker"},
				{"kol": kol.name, "role": "Participant", "note": m("participantnote")},
			],
		}
	).insert()
	extra["KOL Event"] = [camp.name]
	# community: a manager's group (shared, its invite link permlevel 1) that B's KOL joined through
	# B, and a measured audience overlap between B's KOL and A's (a restricted user sees an overlap
	# only when both KOLs are theirs: neither operator sees this one)
	group = frappe.get_doc(
		{
			"doctype": "KOL Community Group",
			"group_name": f"Matrix Group {hash_}",
			"channel": "Discord",
			"invite_link": f"https://discord.gg/{hash_}",
		}
	).insert()
	extra["KOL Community Group"] = [group.name]
	frappe.get_doc(
		{
			"doctype": "KOL Audience Overlap",
			"kol": kol.name,
			"other_kol": a_kol.name,
			"shared_followers": 10,
			"source": "Audience Survey",
			"note": m("overlapnote"),
		}
	).insert()
	frappe.set_user(f.OPERATOR_B)
	frappe.get_doc(
		{"doctype": "KOL Community Membership", "kol": kol.name, "community_group": group.name}
	).insert()
	frappe.set_user("Administrator")
	# results told back: a completed partnership of B's (a manager's, without a proposal) and the
	# case study B drafts of it, with the KOL's consent recorded (a draft: not on the website)
	finished = frappe.get_doc(
		{
			"doctype": "KOL Partnership",
			"kol": kol.name,
			"purpose": "Acquisition",
			"status": "Completed",
			"start_date": add_days(nowdate(), -60),
			"end_date": add_days(nowdate(), -5),
			"no_proposal_reason": m("noproposal"),
			"acknowledged_rules": [{"rule": rule.name, "acknowledged_on": nowdate()}],
		}
	).insert()
	frappe.set_user(f.OPERATOR_B)
	case_study = case_studies.new_case_study(finished.name)
	case_study.update(
		{
			"title": m("casestudy"),
			"summary": m("casesummary"),
			"what_worked": m("caseworked"),
			"lessons": m("caselessons"),
			"public_name": m("casepublic"),
			"kol_consented": 1,
			"consent_evidence": m("caseconsent"),
		}
	)
	case_study.save()
	frappe.set_user("Administrator")

	records = _collect(kol.name, application.name, candidate_import.name)
	records["KOL Bulk Run"] = [bulk_run.name]
	records["KOL Bulk Run Row"] = [row.name for row in bulk_run.results]
	records["KOL Event Participant"] = [row.name for row in camp.participants if row.kol == kol.name]
	world = World(tok, kol.name, a_kol.name, records, set(), set(), extra)
	# the converted user's reference is personal (permlevel 1, with the raw payload that repeats it);
	# so is the observation's link (it leads to the KOL's own channels)
	_collect_markers(world, old_personal, request_ip, m("customer"), observation_link)
	frappe.db.commit()
	world.fingerprint_sql = _fingerprint_sql(world)
	rebase(world)
	return world


def rebase(world: World) -> None:
	"""Take B's rows as they are now as the state nothing may change."""
	world.baseline = _rows(world)
	world.fingerprint = tuple(frappe.db.sql(world.fingerprint_sql))


def _collect(kol: str, application: str, candidate_import: str) -> dict[str, list[str]]:
	records: dict[str, list[str]] = {"KOL": [kol]}
	for doctype in frappe.get_all("DocType", filters={"module": "KOL CRM", "istable": 0}, pluck="name"):
		if doctype not in ("KOL", "KOL Application") and frappe.get_meta(doctype).has_field("kol"):
			records[doctype] = frappe.get_all(
				doctype, filters={"kol": kol}, pluck="name", order_by="creation"
			)
	records["KOL Application"] = [application]
	records["KOL Candidate Import"] = [candidate_import]
	parents = [name for names in records.values() for name in names]
	for child in frappe.get_all("DocType", filters={"module": "KOL CRM", "istable": 1}, pluck="name"):
		rows = frappe.get_all(child, filters={"parent": ["in", parents]}, pluck="name", order_by="creation")
		if rows:
			records[child] = rows
	return {doctype: names for doctype, names in records.items() if names}


def _collect_markers(world: World, old_personal: dict, request_ip: str, *others: str) -> None:
	"""Every stored text value of B's records that carries the token or is personal."""
	kol = frappe.db.get_value("KOL", world.kol, PERSONAL_FIELDS, as_dict=True)
	personal = {v for v in (*kol.values(), *old_personal.values(), request_ip, *others) if v}
	personal |= {_digits(v) for v in personal if v.startswith("+")}  # a phone without its spaces
	markers = set(personal)
	for doctype, names in world.records.items():
		meta = frappe.get_meta(doctype)
		fields = [df.fieldname for df in meta.fields if df.fieldtype in TEXT_TYPES]
		for row in frappe.get_all(doctype, filters={"name": ["in", names]}, fields=["name", *fields]):
			if not str(row.name).isdigit():  # an autoincrement name ("42") is no marker
				markers.add(str(row.name))
			for field in fields:
				value = row.get(field)
				if isinstance(value, str) and world.token.lower() in value.lower():
					markers.add(value)
	world.markers = {v.lower() for v in markers}
	world.personal = {v.lower() for v in personal}


# ------------------------------------------------------------------ did anything of B's change?


ON_KOL, COPIES = " on B's KOL", " copies of B's"  # tables whose rows are only counted by name


def _watched(world: World) -> list[tuple[str, str, str, bool]]:
	"""(label, doctype, where clause, full rows?) for every table a request might touch:
	B's records; the ToDos, comments, shares... on them; records filed on B's KOL afterwards;
	and records carrying B's token that are not B's (a copy an endpoint made of B's data)."""
	esc = frappe.db.escape
	names = {doctype: ", ".join(esc(str(n)) for n in own) for doctype, own in world.records.items()}
	pairs = ", ".join(
		f"({esc(doctype)}, {esc(str(name))})" for doctype, own in world.records.items() for name in own
	)
	watched = [(doctype, doctype, f"name in ({names[doctype]})", True) for doctype in world.records]
	watched += [
		(doctype, doctype, f"(`{dt_column}`, `{name_column}`) in ({pairs})", True)
		for doctype, dt_column, name_column in SIDE_TABLES
	]
	for doctype in world.records:
		meta = frappe.get_meta(doctype)
		if meta.istable:
			continue
		if doctype != "KOL" and meta.has_field("kol"):
			watched.append((doctype + ON_KOL, doctype, f"kol = {esc(world.kol)}", False))
		text = [df.fieldname for df in meta.fields if df.fieldtype in TEXT_TYPES and not df.permlevel]
		if text:
			like = esc(f"%{world.token}%")
			columns = ", ".join(f"`{c}`" for c in text)
			watched.append(
				(
					doctype + COPIES,
					doctype,
					f"concat_ws(' ', {columns}) like {like} and name not in ({names[doctype]})",
					False,
				)
			)
	return watched


def _rows(world: World) -> dict[str, dict[str, dict]]:
	"""B's rows and the rows around them (``_watched``), as Administrator reads them."""
	out: dict[str, dict[str, dict]] = {}
	for label, doctype, where, full in _watched(world):
		rows = frappe.db.sql(
			f"select {'*' if full else 'name'} from `tab{doctype}` where {where}", as_dict=True
		)
		out[label] = {str(r["name"]): (r if full else {}) for r in rows}
	return out


def _fingerprint_sql(world: World) -> str:
	"""The same tables in one query, a hash per row: cheap enough to run after every call."""
	parts = []
	for label, doctype, where, full in _watched(world):
		columns = [c for c in frappe.db.get_table_columns(doctype) if c not in VOLATILE_COLUMNS]
		digest = f"md5(concat_ws(0x1f, {', '.join(f'`{c}`' for c in columns)}))" if full else "''"
		parts.append(f"select {frappe.db.escape(label)}, name, {digest} from `tab{doctype}` where {where}")
	return " union all ".join(parts) + " order by 1, 2"


def changes(world: World, reader_marks: bool = False) -> list[str]:
	"""What differs from the baseline, one line per table (empty: nothing of B's changed).

	``reader_marks``: likes and comments (Frappe lets anyone who reads a record like it and
	comment on it) are not a change of B's data when the caller may read the record."""
	frappe.db.rollback()  # a fresh read: see what the request committed
	if tuple(frappe.db.sql(world.fingerprint_sql)) == world.fingerprint:
		return []
	now = _rows(world)
	found = []
	for table in sorted(set(now) | set(world.baseline)):
		if table.endswith(COPIES):
			continue  # the caller's own record with what the caller sent (a server-made copy
			# shows in the response instead); restore() removes it
		before, after = world.baseline.get(table, {}), now.get(table, {})
		added = sorted(set(after) - set(before))
		if reader_marks and table == "Comment":
			added = [n for n in added if after[n].get("comment_type") not in READER_COMMENTS]
		removed = sorted(set(before) - set(after))
		changed = []
		for name in sorted(set(before) & set(after)):
			ignore = VOLATILE_COLUMNS | (READER_COLUMNS if reader_marks else set())
			cols = sorted(
				c
				for c in set(before[name]) | set(after[name])
				if c not in ignore and before[name].get(c) != after[name].get(c)
			)
			if cols:
				changed.append(f"{name}: {', '.join(cols)}")
		if added or removed or changed:
			parts = [f"added {_who(after, added)}"] * bool(added) + [f"removed {removed}"] * bool(removed)
			parts += changed
			found.append(f"{table}: {'; '.join(parts)}")
	if not found:
		# only allowed marks: take them as the new state so the next call compares cleanly
		restore(world)
		rebase(world)
	return found


def _who(rows: dict[str, dict], names: list[str]) -> list[str]:
	"""Added rows with who made them and when (full rows only), to tell which process did."""
	return [
		f"{n} (owner {rows[n]['owner']}, created {rows[n]['creation']})" if rows[n].get("owner") else n
		for n in names
	]


def only_added_by(world: World, strangers: Callable[[str], bool], created_before) -> bool:
	"""Whether everything that differs from the baseline is rows added on B's records (ToDos,
	comments...) before ``created_before`` by users ``strangers`` accepts, and the ``_assign``
	their ToDos put on the record they name; False when anything else changed or was removed, or
	an added row's owner or creation is unknown (tables compared by name only)."""
	frappe.db.rollback()
	now = _rows(world)
	todos = now.get("ToDo", {})
	assigned: dict[tuple, set] = {}  # (doctype, name) -> users the added ToDos assign it to
	for name in set(todos) - set(world.baseline.get("ToDo", {})):
		todo = todos[name]
		assigned.setdefault((todo["reference_type"], todo["reference_name"]), set()).add(todo["allocated_to"])
	for table in set(now) | set(world.baseline):
		before, after = world.baseline.get(table, {}), now.get(table, {})
		if set(before) - set(after):
			return False
		for name in set(before) & set(after):
			old, new = before[name], after[name]
			differ = {c for c in set(old) - VOLATILE_COLUMNS if old.get(c) != new.get(c)}
			if differ - {"_assign"}:
				return False
			if differ:  # the added ToDos' users joined the record's assignees, nobody else
				was, now_ = (set(json.loads(row.get("_assign") or "[]")) for row in (old, new))
				if not was <= now_ or now_ - was - assigned.get((table, name), set()):
					return False
		for name in set(after) - set(before):
			row = after[name]
			if not (
				strangers(row.get("owner") or "") and row.get("creation") and row["creation"] < created_before
			):
				return False
	return True


def restore(world: World) -> None:
	"""Put B's rows back as they were (a request changed them) and drop what was added."""
	frappe.db.rollback()
	now = _rows(world)
	for table, after in now.items():
		before = world.baseline.get(table, {})
		if table.endswith((ON_KOL, COPIES)):
			doctype = table.removesuffix(ON_KOL).removesuffix(COPIES)
			for name in set(after) - set(before):
				if frappe.db.exists(doctype, name):
					frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
			continue
		for name, row in before.items():
			if name not in after:
				columns = list(row)
				frappe.db.sql(
					f"insert into `tab{table}` ({', '.join(f'`{c}`' for c in columns)}) values %(v)s",
					{"v": tuple(row[c] for c in columns)},
				)
			elif row != after[name]:
				diff = {
					c: row.get(c)
					for c in row
					if c not in VOLATILE_COLUMNS and row.get(c) != after[name].get(c)
				}
				if diff:
					frappe.db.sql(
						f"update `tab{table}` set {', '.join(f'`{c}` = %({c})s' for c in diff)} where name = %(__name)s",
						{**diff, "__name": row["name"]},
					)
		for name in set(after) - set(before):
			frappe.db.sql(f"delete from `tab{table}` where name = %(n)s", {"n": after[name]["name"]})
	_drop_renamed(world)
	frappe.db.commit()
	for doctype, names in world.records.items():
		for name in names:
			frappe.clear_document_cache(doctype, name)


def _drop_renamed(world: World) -> None:
	for doctype in world.records:
		frappe.db.sql(f"delete from `tab{doctype}` where name like %(p)s", {"p": f"%{RENAMED}%"})


def destroy(world: World) -> None:
	frappe.db.rollback()
	frappe.set_user("Administrator")
	if world.baseline:
		restore(world)  # whatever a request left changed, so that every record deletes cleanly
	for name in world.extra.get("KOL Event", []):
		if frappe.db.exists("KOL Event", name):
			frappe.delete_doc("KOL Event", name, force=True, ignore_permissions=True)
	order = [
		"KOL Community Membership",
		"KOL Audience Overlap",
		"KOL Settlement Statement",
		"KOL Case Study",
		"KOL Observation",
		"KOL Platform Event",
		"KOL Referral Code",
		"KOL Sequence Send",
		"KOL Sequence Enrollment",
		"KOL Reminder",
		"KOL Tier Change",
		"KOL Violation",
		"KOL Interaction",
		"KOL Content",
		"KOL Partnership",
		"KOL Proposal",
		"KOL Application",
		"KOL Candidate Import",
		"KOL Bulk Run",
	]
	kols = [world.kol, world.a_kol]
	for doctype in order:
		# B's records, and whatever a request filed on B's or A's KOL
		names = set(world.records.get(doctype, []))
		if frappe.get_meta(doctype).has_field("kol"):
			names |= set(frappe.get_all(doctype, filters={"kol": ["in", kols]}, pluck="name"))
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for name in frappe.get_all("File", filters={"file_name": ["like", f"{world.token}%"]}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)
	for kol in kols:
		for name in frappe.get_all(
			"ToDo", filters={"reference_type": "KOL", "reference_name": kol}, pluck="name"
		):
			frappe.delete_doc("ToDo", name, force=True, ignore_permissions=True)
		for name in frappe.get_all(
			"Communication", filters={"reference_doctype": "KOL", "reference_name": kol}, pluck="name"
		):
			frappe.delete_doc("Communication", name, force=True, ignore_permissions=True)
	for doctype in ("Communication", "File"):
		for name in world.extra.get(doctype, []):
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	application = world.first("KOL Application")
	frappe.db.delete("Email Queue", {"reference_doctype": "KOL Application", "reference_name": application})
	for kol in (world.kol, world.a_kol):
		if frappe.db.exists("KOL", kol):
			frappe.delete_doc("KOL", kol, force=True, ignore_permissions=True)
	for name in world.extra.get("KOL Community Group", []):
		if frappe.db.exists("KOL Community Group", name):
			frappe.delete_doc("KOL Community Group", name, force=True, ignore_permissions=True)
	for doctype in ("KOL Outreach Sequence", "KOL Rule"):
		for name in world.extra.get(doctype, []):
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	frappe.db.commit()


def as_json(value) -> str:
	return json.dumps(value, default=str)
