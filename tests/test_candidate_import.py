"""Candidate import: good rows import, duplicates are skipped or update, bad rows are reported."""

import frappe
import pytest

from kol_crm.intake.candidate_import import run, start_import
from tests import factories as f
from tests import ops_helpers as h

HIDDEN = "duplicate of an existing KOL you don't have access to."
NOT_YOURS = "You can import only a .csv file that you uploaded to this import"

HEADER = "kol_name,email,phone,wechat,category,intake_purpose,platform,handle,followers,platform_2,handle_2,followers_2"


def upload(csv_text: str):
	"""A private .csv uploaded by the session user (attached by the import that names it)."""
	return frappe.get_doc(
		{"doctype": "File", "file_name": f"{f.unique('cand')}.csv", "content": csv_text, "is_private": 1}
	).insert()


def make_import(csv_text: str, on_duplicate: str = "Skip", overwrite: str | None = None):
	return frappe.get_doc(
		{
			"doctype": "KOL Candidate Import",
			"import_file": upload(csv_text).file_url,
			"on_duplicate": on_duplicate,
			"overwrite_columns": overwrite,
		}
	).insert()


def results(doc) -> dict[int, tuple[str, str | None, str]]:
	return {r.row_number: (r.result, r.kol, r.message or "") for r in doc.results}


def test_good_rows_import_with_their_platform_accounts():
	t = f.unique("c")
	doc = make_import(
		f"{HEADER}\n"
		f"Lin {t},lin.{t}@cand.example,+86 13800000001,lin_{t},,Activation,Douyin,lin_{t},12000,Bilibili,@Lin_{t},3000\n"
		f"Zhou {t},zhou.{t}@cand.example,,,,,Xiaohongshu,zhou_{t},800,,,\n"
	)
	run(doc)
	assert (doc.status, doc.total_rows, doc.created_count, doc.failed_count) == ("Completed", 2, 2, 0), (
		results(doc)
	)
	lin = frappe.get_doc("KOL", {"email": f"lin.{t}@cand.example"})
	assert (
		lin.workflow_state == "Identified" and lin.source == "Import" and lin.intake_purpose == "Activation"
	)
	assert [(a.platform, a.handle, a.followers) for a in lin.platform_accounts] == [
		("Douyin", f"lin_{t}", 12000),
		("Bilibili", f"Lin_{t}", 3000),
	]
	assert lin.total_followers == 15000
	assert frappe.db.get_value("KOL", {"email": f"zhou.{t}@cand.example"}, "intake_purpose") == "Acquisition"


@pytest.mark.parametrize("key", ["email", "phone", "wechat", "handle"])
def test_a_duplicate_on_each_key_is_skipped_and_reported(key):
	existing = f.make_kol(phone=f.unique_phone(), wechat="wx_" + frappe.generate_hash(length=8))
	t = f.unique("d")
	values = {
		"email": f"new.{t}@cand.example",
		"phone": "",
		"wechat": "",
		"handle": f"new_{t}",
	}
	if key == "handle":
		values["handle"] = "@" + existing.platform_accounts[0].handle.upper()
		platform = existing.platform_accounts[0].platform
	else:
		values[key] = existing.get(key)
		platform = "Douyin"
	doc = make_import(
		f"{HEADER}\nDup {t},{values['email']},{values['phone']},{values['wechat']},,,{platform},{values['handle']},10,,,\n"
	)
	run(doc)
	result, kol, message = results(doc)[2]
	assert (result, kol) == ("Skipped", existing.name)
	assert existing.name in message and existing.kol_name in message
	assert doc.created_count == 0


def test_duplicates_update_the_existing_kol_when_asked():
	existing = f.make_kol(strengths="")
	t = f.unique("u")
	doc = make_import(
		"kol_name,email,strengths,platform,handle,followers\n"
		f"Renamed {t},{existing.email},Great at live streams,Weibo,wb_{t},5000\n",
		on_duplicate="Update",
	)
	run(doc)
	assert results(doc)[2][:2] == ("Updated", existing.name)
	kol = frappe.get_doc("KOL", existing.name)
	# the empty field is filled; the filled name is kept (no column is marked to overwrite)
	assert kol.kol_name == existing.kol_name and kol.strengths == "Great at live streams"
	assert {a.platform for a in kol.platform_accounts} == {"Bilibili", "Weibo"}


def test_duplicates_within_the_file_are_reported_against_the_first_row():
	t = f.unique("w")
	doc = make_import(
		f"{HEADER}\nA {t},a.{t}@cand.example,,,,,Douyin,a_{t},1,,,\nB {t},A.{t}@CAND.example,,,,,Douyin,b_{t},1,,,\n"
	)
	run(doc)
	assert doc.created_count == 1
	result, _kol, message = results(doc)[3]
	assert result == "Skipped" and "row 2" in message


def test_bad_rows_get_a_reason_and_good_rows_still_import():
	t = f.unique("b")
	doc = make_import(
		f"{HEADER}\n"
		f"Good {t},good.{t}@cand.example,,,,,Douyin,good_{t},1,,,\n"
		f"Bad email {t},not-an-email,,,,,Douyin,bad1_{t},1,,,\n"
		f"Unknown category {t},cat.{t}@cand.example,,,No Such Category,,Douyin,bad2_{t},1,,,\n"
		f"Short row {t},short.{t}@cand.example\n"
		f"Bad followers {t},neg.{t}@cand.example,,,,,Douyin,bad3_{t},-5,,,\n"
		f"Bad purpose {t},purpose.{t}@cand.example,,,,Fame,Douyin,bad4_{t},1,,,\n"
	)
	run(doc)
	assert (doc.status, doc.created_count, doc.failed_count) == ("Completed with Errors", 1, 5)
	by_row = results(doc)
	assert "not a valid email address" in by_row[3][2]
	assert "No Such Category" in by_row[4][2]
	assert "cells" in by_row[5][2]
	assert "cannot be negative" in by_row[6][2]
	assert "Fame" in by_row[7][2]
	assert frappe.db.exists("KOL", {"email": f"good.{t}@cand.example"})
	assert not frappe.db.exists("KOL", {"kol_name": ["like", f"Bad%{t}"]})


def test_wrong_column_names_refuse_the_file_before_anything_is_imported():
	t = f.unique("x")
	doc = make_import(f"kol_name,e_mail,followerz\nX {t},x.{t}@cand.example,10\n")
	before = frappe.db.count("KOL")
	run(doc)
	assert doc.status == "Failed"
	assert "e_mail" in doc.error and "followerz" in doc.error
	assert frappe.db.count("KOL") == before


def test_operator_imports_own_candidates_and_cannot_update_others():
	other = f.make_kol(operator=f.OPERATOR_B)
	t = f.unique("o")
	frappe.set_user(f.OPERATOR_A)
	doc = make_import(
		f"kol_name,email\nMine {t},mine.{t}@cand.example\nTheirs {t},{other.email}\n", on_duplicate="Update"
	)
	result = start_import(doc.name)
	doc.reload()
	assert result == {"status": "Completed with Errors", "queued": False}
	assert frappe.db.get_value("KOL", {"email": f"mine.{t}@cand.example"}, "operator") == f.OPERATOR_A
	assert results(doc)[3][0] == "Failed"


def test_analyst_cannot_import():
	frappe.set_user(f.ANALYST)
	with pytest.raises(frappe.PermissionError):
		make_import("kol_name\nX\n")


def test_a_larger_file_imports_in_one_go():
	t = f.unique("l")
	lines = [f"Bulk {t} {i},bulk{i}.{t}@cand.example,,,,,Douyin,bulk{i}_{t},{i},,," for i in range(300)]
	doc = make_import(HEADER + "\n" + "\n".join(lines) + "\n")
	run(doc)
	assert (doc.created_count, doc.failed_count) == (300, 0)
	assert frappe.db.count("KOL Platform Account", {"handle": ["like", f"bulk%_{t}"]}) == 300


def test_the_documented_data_import_template_imports_with_frappe_data_import():
	"""docs/kol_data_import_template.csv through Frappe's own Data Import (it commits per row)."""
	import os
	import shutil
	import tempfile

	from frappe.core.doctype.data_import.data_import import import_file

	import kol_crm

	template = os.path.join(
		os.path.dirname(os.path.dirname(kol_crm.__file__)), "docs", "kol_data_import_template.csv"
	)
	t = frappe.generate_hash(length=5)
	with open(template) as fh:
		content = (
			fh.read()
			.replace("li.na@example.com", f"li.na.{t}@cand.example")
			.replace("lina_", f"lina{t}_")
			.replace("+86 138 0000 0000", f.unique_phone())
		)
	folder = tempfile.mkdtemp()
	path = os.path.join(folder, "kols.csv")
	with open(path, "w") as fh:
		fh.write(content)
	try:
		import_file("KOL", path, "Insert", console=True)
		name = frappe.db.get_value("KOL", {"email": f"li.na.{t}@cand.example"})
		assert name
		kol = frappe.get_doc("KOL", name)
		assert [(a.platform, a.followers) for a in kol.platform_accounts] == [
			("Xiaohongshu", 52000),
			("Bilibili", 8000),
		]
		assert kol.workflow_state == "Identified" and kol.total_followers == 60000
	finally:
		shutil.rmtree(folder)
		frappe.db.rollback()
		for name in frappe.get_all("KOL", {"email": f"li.na.{t}@cand.example"}, pluck="name"):
			frappe.delete_doc("KOL", name, force=True)
		frappe.db.commit()


# ------------------------------------------------------------------ issue 9, hole 8: imports


def secret_import_of_operator_b(t: str):
	frappe.set_user(f.OPERATOR_B)
	theirs = make_import(f"kol_name,email\nSecret {t},secret.{t}@cand.example\n")
	frappe.set_user(f.OPERATOR_A)
	return theirs


def test_hole8_import_refuses_another_users_private_file():
	t = f.unique("p")
	theirs = secret_import_of_operator_b(t)
	with pytest.raises(frappe.PermissionError, match=NOT_YOURS):
		frappe.get_doc(
			{"doctype": "KOL Candidate Import", "import_file": theirs.import_file, "on_duplicate": "Skip"}
		).insert()
	# nor by editing an import of one's own
	mine = make_import(f"kol_name\nMine {t}\n")
	mine.import_file = theirs.import_file
	with pytest.raises(frappe.PermissionError, match=NOT_YOURS):
		mine.save()


def test_hole8_import_refuses_a_file_record_pointing_at_another_users_upload():
	"""Frappe lets any user create a File record with another file's URL: it proves nothing."""
	t = f.unique("q")
	theirs = secret_import_of_operator_b(t)
	mine = make_import(f"kol_name\nMine {t}\n")
	frappe.get_doc(
		{
			"doctype": "File",
			"file_url": theirs.import_file,
			"attached_to_doctype": "KOL Candidate Import",
			"attached_to_name": mine.name,
		}
	).insert()
	mine.import_file = theirs.import_file
	with pytest.raises(frappe.PermissionError, match=NOT_YOURS):
		mine.save()
	mine.db_set("import_file", theirs.import_file)  # as a record stored before this check would be
	with pytest.raises(frappe.PermissionError, match=NOT_YOURS):
		start_import(mine.name)
	assert not frappe.db.exists("KOL", {"kol_name": f"Secret {t}"})


def test_hole8_import_refuses_a_file_not_attached_to_the_import():
	t = f.unique("n")
	frappe.set_user(f.OPERATOR_A)
	first = make_import(f"kol_name,email\nFirst {t},first.{t}@cand.example\n")
	second = make_import(f"kol_name,email\nSecond {t},second.{t}@cand.example\n")
	second.db_set("import_file", first.import_file)  # the user's own file, attached to the other import
	with pytest.raises(frappe.PermissionError, match=NOT_YOURS):
		start_import(second.name)
	assert frappe.db.get_value("KOL Candidate Import", second.name, "status") == "Pending"
	assert not frappe.db.exists("KOL", {"kol_name": f"First {t}"})
	# a run that gets that far (a queued job) records the refusal on the import
	second.reload()
	run(second)
	assert second.status == "Failed" and NOT_YOURS in second.error


@pytest.mark.parametrize("on_duplicate,result", [("Skip", "Skipped"), ("Update", "Failed")])
def test_hole8_duplicate_message_names_no_kol_the_user_cannot_read(on_duplicate, result):
	theirs = f.make_kol(
		operator=f.OPERATOR_B, phone=f.unique_phone(), wechat="wx_" + frappe.generate_hash(length=8)
	)
	t = f.unique("h")
	frappe.set_user(f.OPERATOR_A)
	doc = make_import(
		f"kol_name,email,phone,wechat\nMine {t},{theirs.email.upper()},,\n", on_duplicate=on_duplicate
	)
	start_import(doc.name)
	doc.reload()
	assert results(doc)[2] == (result, None, f"Email {theirs.email.lower()}: {HIDDEN}")
	for secret in (theirs.name, theirs.kol_name, theirs.phone, theirs.wechat, f.OPERATOR_B):
		assert secret not in results(doc)[2][2]
	assert frappe.db.get_value("KOL", theirs.name, "kol_name") == theirs.kol_name


def test_hole8_saving_a_kol_duplicate_names_no_kol_the_user_cannot_read():
	theirs = f.make_kol(operator=f.OPERATOR_B)
	handle = theirs.platform_accounts[0].handle
	frappe.set_user(f.OPERATOR_A)
	with pytest.raises(frappe.DuplicateEntryError, match=HIDDEN) as err:
		f.make_kol(
			email=theirs.email,
			platform_accounts=[{"platform": "Bilibili", "handle": handle.upper(), "followers": 1}],
		)
	message = str(err.value)
	assert theirs.name not in message and theirs.kol_name not in message
	assert handle.upper() in message  # the handle as the user typed it, not as the KOL has it
	# a KOL the user may read is still named
	mine = f.make_kol(operator=f.OPERATOR_A)
	with pytest.raises(frappe.DuplicateEntryError, match=mine.name):
		f.make_kol(email=mine.email)


def test_hole8_update_fills_only_empty_fields_and_keeps_previous_values_in_the_result():
	phone = f.unique_phone()
	existing = f.make_kol(strengths="", phone=phone)
	t = f.unique("e")
	doc = make_import(
		"kol_name,email,phone,strengths,platform,handle,followers\n"
		f"Renamed {t},{existing.email},{f.unique_phone()},Great at live streams,Weibo,wb_{t},5000\n",
		on_duplicate="Update",
	)
	run(doc)
	result, kol_name, message = results(doc)[2]
	assert (result, kol_name) == ("Updated", existing.name)
	kol = frappe.get_doc("KOL", existing.name)
	assert (kol.kol_name, kol.phone, kol.strengths) == (existing.kol_name, phone, "Great at live streams")
	assert message == (
		f"Email {existing.email} already belongs to KOL {existing.name} ({existing.kol_name}). "
		f"Changed: strengths: (empty) → Great at live streams; added Weibo handle wb_{t}. "
		"Kept as they were (already filled and not in Columns To Overwrite): kol_name, phone."
	)


def test_hole8_update_overwrites_the_columns_marked_to_overwrite():
	existing = f.make_kol()
	account = existing.platform_accounts[0]
	t = f.unique("o")
	doc = make_import(
		"kol_name,email,category,platform,handle,followers,engagement_rate\n"
		f"Renamed {t},{existing.email},,{account.platform},@{account.handle},5000,\n",
		on_duplicate="Update",
		overwrite="kol_name\nfollowers",
	)
	run(doc)
	result, _kol, message = results(doc)[2]
	assert result == "Updated", message
	kol = frappe.get_doc("KOL", existing.name)
	assert (kol.kol_name, kol.platform_accounts[0].followers, kol.platform_accounts[0].engagement_rate) == (
		f"Renamed {t}",
		5000,
		4.5,
	)
	assert (
		f"Changed: kol_name: {existing.kol_name} → Renamed {t}; "
		f"{account.platform} {account.handle} followers: 12000 → 5000." in message
	)


def test_overwrite_columns_must_be_columns_that_can_be_overwritten():
	with pytest.raises(
		frappe.ValidationError,
		match="<strong>handle</strong>, <strong>nickname</strong> cannot be overwritten",
	):
		make_import("kol_name\nX\n", on_duplicate="Update", overwrite="kol_name, handle, nickname")


def test_hole8_update_refuses_a_row_whose_keys_match_two_kols():
	first = f.make_kol(strengths="")
	second = f.make_kol(strengths="", phone=f.unique_phone())
	t = f.unique("a")
	doc = make_import(
		f"kol_name,email,phone,strengths\nBoth {t},{first.email},{second.phone},New strengths\n",
		on_duplicate="Update",
	)
	run(doc)
	result, kol, message = results(doc)[2]
	assert (result, kol, doc.updated_count) == ("Failed", None, 0)
	named = ", ".join(f"{k.name} ({k.kol_name})" for k in sorted((first, second), key=lambda k: k.name))
	assert message == (
		f"The row's email, phone, WeChat ID and handles match 2 different KOLs: {named}. "
		"A row can update only one KOL; correct the row and import it again."
	)
	assert (frappe.db.get_value("KOL", first.name, "strengths") or "") == ""
	assert (frappe.db.get_value("KOL", second.name, "strengths") or "") == ""


def test_hole8_ambiguous_row_names_only_the_kols_the_user_can_read():
	mine = f.make_kol(operator=f.OPERATOR_A)
	theirs = f.make_kol(operator=f.OPERATOR_B, phone=f.unique_phone())
	t = f.unique("r")
	frappe.set_user(f.OPERATOR_A)
	doc = make_import(f"kol_name,email,phone\nBoth {t},{mine.email},{theirs.phone}\n", on_duplicate="Update")
	start_import(doc.name)
	doc.reload()
	result, kol, message = results(doc)[2]
	assert (result, kol) == ("Failed", None)
	assert f"match 2 different KOLs: {mine.name} ({mine.kol_name}), 1 you don't have access to." in message
	assert theirs.name not in message and theirs.kol_name not in message


def test_hole8_an_operator_cannot_reassign_a_kol_through_update():
	mine = f.make_kol(operator=f.OPERATOR_A, strengths="")
	frappe.set_user(f.OPERATOR_A)
	doc = make_import(
		f"kol_name,email,operator,strengths\nX,{mine.email},{f.OPERATOR_B},Filled\n",
		on_duplicate="Update",
		overwrite="operator",
	)
	start_import(doc.name)
	doc.reload()
	result, _kol, message = results(doc)[2]
	assert result == "Updated", message
	assert frappe.db.get_value("KOL", mine.name, ["operator", "strengths"]) == (f.OPERATOR_A, "Filled")
	assert message.endswith(
		"(already filled and not in Columns To Overwrite): kol_name. Not changed, you may not change them: operator."
	)


# ------------------------------------------------------------------ issue 10: one write path for KOLs

RULE = "KOL Operator Round Robin"
EFFECTS_HEADER = "kol_name,email,intake_purpose,program_type,platform,handle,followers,engagement_rate"


@pytest.fixture
def round_robin():
	"""The shipped round robin, enabled with one operator (so every assignment is predictable)."""
	from frappe.cache_manager import clear_doctype_map

	rule = frappe.get_doc("Assignment Rule", RULE)
	rule.disabled = 0
	rule.set("users", [{"user": f.OPERATOR_B}])
	rule.save()
	yield rule
	frappe.db.rollback()
	clear_doctype_map("Assignment Rule", "KOL")
	frappe.clear_document_cache("Assignment Rule", RULE)


def after_save_effects(kol: str) -> dict:
	"""What saving a new KOL leaves behind, beside the KOL's own row."""
	return {
		"tier_changes": [
			(c.from_tier, c.to_tier, c.changed_by)
			for c in frappe.get_all(
				"KOL Tier Change",
				filters={"kol": kol},
				fields=["from_tier", "to_tier", "changed_by"],
				order_by="creation",
			)
		],
		"tier_comments": len([c for c in h.comments(kol) if c.startswith("Tier changed from none to")]),
		"workflow_actions": frappe.db.count(
			"Workflow Action", {"reference_doctype": "KOL", "reference_name": kol, "status": "Open"}
		),
		"operator": frappe.db.get_value("KOL", kol, "operator"),
		"assignments": [
			tuple(a)
			for a in frappe.get_all(
				"ToDo",
				filters={"reference_type": "KOL", "reference_name": kol, "status": "Open"},
				fields=["allocated_to", "assignment_rule"],
				as_list=True,
			)
		],
	}


def versions(kol: str) -> list[dict]:
	return [
		frappe.parse_json(v)
		for v in frappe.get_all(
			"Version",
			filters={"ref_doctype": "KOL", "docname": kol},
			pluck="data",
			order_by="creation",
		)
	]


def test_issue10_an_imported_kol_gets_the_after_save_effects_of_a_desk_save(round_robin):
	"""Tier change log, workflow action, the round robin's assignment, a Version naming the
	import: as in the desk."""
	tiers = h.tiers()
	frappe.set_user(f.MANAGER)  # a manager's KOLs have no operator until the rule assigns one
	desk = f.make_kol(operator=None)
	t = f.unique("fx")
	doc = make_import(
		f"{EFFECTS_HEADER}\nEffects {t},fx.{t}@cand.example,Acquisition,Paid,Bilibili,fx_{t},12000,4.5\n"
	)
	run(doc)
	assert (doc.created_count, doc.failed_count) == (1, 0), results(doc)
	imported = frappe.db.get_value("KOL", {"email": f"fx.{t}@cand.example"})

	expected = {
		"tier_changes": [(None, tiers["Silver"], f.MANAGER)],
		"tier_comments": 1,
		"workflow_actions": 1,
		"operator": f.OPERATOR_B,
		"assignments": [(f.OPERATOR_B, RULE)],
	}
	assert after_save_effects(desk.name) == expected  # the desk, for reference
	assert after_save_effects(imported) == expected
	# Frappe records a creation in a Version only when it says where the record came from (as
	# its Data Import does): the imported KOL names its import
	[created] = versions(imported)
	assert created["updater_reference"] == {
		"doctype": "KOL Candidate Import",
		"docname": doc.name,
		"label": "via KOL Candidate Import",
	}
	assert created["created_by"] == f.MANAGER
	assert versions(desk.name) == []


def test_issue10_an_import_update_is_versioned_like_a_desk_save():
	"""Document.save() skips the Version only under frappe.flags.in_test; without it, an update
	through the import leaves one, naming the import."""
	existing = f.make_kol(strengths="")
	t = f.unique("v")
	doc = make_import(
		f"kol_name,email,strengths\nX {t},{existing.email},Live streams {t}\n", on_duplicate="Update"
	)
	run(doc)
	assert results(doc)[2][0] == "Updated"
	assert versions(existing.name) == []  # in_test: no Version, for the import as for the desk

	doc = make_import(
		f"kol_name,email,preferences\nX {t},{existing.email},Short videos {t}\n", on_duplicate="Update"
	)
	frappe.flags.in_test = False
	try:
		run(doc)
	finally:
		frappe.flags.in_test = True
	assert results(doc)[2][0] == "Updated", results(doc)
	[version] = versions(existing.name)
	# the save rescores the KOL: scored_on moves too when it falls in a later second than the insert
	changed = [change for change in version["changed"] if change[0] != "scored_on"]
	assert changed == [["preferences", None, f"Short videos {t}"]]
	assert version["updater_reference"] == {
		"doctype": "KOL Candidate Import",
		"docname": doc.name,
		"label": "via KOL Candidate Import",
	}


def test_an_operators_import_creates_kols_they_own_not_round_robined(round_robin):
	"""The import writes as the user: an operator's KOLs are theirs, so the rule leaves them alone."""
	frappe.set_user(f.OPERATOR_A)
	t = f.unique("op")
	doc = make_import(f"kol_name,email\nOwn {t},own.{t}@cand.example\n")
	start_import(doc.name)
	doc.reload()
	assert (doc.created_count, doc.failed_count) == (1, 0), results(doc)
	kol = frappe.db.get_value("KOL", {"email": f"own.{t}@cand.example"})
	frappe.set_user("Administrator")
	assert after_save_effects(kol)["operator"] == f.OPERATOR_A
	assert after_save_effects(kol)["assignments"] == []
	assert frappe.db.get_value("KOL", kol, "owner") == f.OPERATOR_A


def test_follower_quality_and_portability_import_and_are_checked():
	t = f.unique("q")
	doc = make_import(
		"kol_name,email,follower_quality,fans_would_follow_to_us,platform,handle,followers,engagement_rate\n"
		f"Loyal {t},loyal.{t}@cand.example,High,Likely,Douyin,loyal_{t},5000,4.5\n"
		f"Odd {t},odd.{t}@cand.example,Great,,Douyin,odd_{t},5000,4.5\n"
	)
	run(doc)
	assert (doc.created_count, doc.failed_count) == (1, 1), results(doc)
	loyal = frappe.get_doc("KOL", {"email": f"loyal.{t}@cand.example"})
	assert (loyal.follower_quality, loyal.audience_portability) == ("High", "Likely")
	assert loyal.score_engagement == pytest.approx(0.6 * 45 + 0.4 * 100)
	assert "Great" in results(doc)[3][2]
