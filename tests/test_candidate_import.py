"""Candidate import: good rows import, duplicates are skipped or update, bad rows are reported."""

import frappe
import pytest

from kol_crm.kol_crm.candidate_import import run, start_import
from tests import factories as f

HEADER = "kol_name,email,phone,wechat,category,intake_purpose,platform,handle,followers,platform_2,handle_2,followers_2"


def make_import(csv_text: str, on_duplicate: str = "Skip"):
	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"{f.unique('cand')}.csv", "content": csv_text, "is_private": 1}
	).insert()
	return frappe.get_doc(
		{"doctype": "KOL Candidate Import", "import_file": file.file_url, "on_duplicate": on_duplicate}
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
	assert kol.kol_name == f"Renamed {t}" and kol.strengths == "Great at live streams"
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
