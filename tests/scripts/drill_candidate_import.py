"""The steps of tests/scripts/drill_candidate_import.sh, run with the bench's Python from its sites folder:

	python drill_candidate_import.py SITE STEP

setup    a KOL Candidate Import of a drill file (committed): ROWS rows, of which some can't be
         imported (followers not a number) and some repeat an earlier row's email
start    the import started as its form's button starts a file of more than INLINE_LIMIT rows
         (the file is smaller, to keep the drill short): its first job queued
state    the import's state, as JSON
stall    the import's heartbeat put 11 minutes back (as if its worker had died 11 minutes ago)
resume   the scheduler's task that resumes stalled runs
verify   how many KOLs each row's email has, and the rows reported; JSON
cleanup  the drill's KOLs, import and file deleted
"""

import drill_steps
import frappe

ROWS = 240
TAG = "drill-import"
HEADER = "kol_name,email,platform,handle,followers"


def bad(i: int) -> bool:
	return i % 20 == 7  # followers not a number: Failed


def repeated(i: int) -> bool:
	return i % 25 == 11  # the previous row's email: Skipped


def email(i: int) -> str:
	return f"{TAG}-{i - 1 if repeated(i) else i}@drill.example"


def content() -> str:
	lines = [HEADER]
	for i in range(ROWS):
		followers = "many" if bad(i) else str(100 + i)
		lines.append(f"Drill Import KOL {i:03d},{email(i)},Douyin,drillimport{i},{followers}")
	return "\n".join(lines) + "\n"


def current_import() -> str | None:
	files = frappe.get_all("File", filters={"file_name": f"{TAG}.csv"}, pluck="file_url")
	names = frappe.get_all(
		"KOL Candidate Import",
		filters={"import_file": ("in", files or [""])},
		pluck="name",
		order_by="creation desc",
		limit=1,
	)
	return names[0] if names else None


def drill_kols() -> list[str]:
	return frappe.get_all("KOL", filters={"email": ("like", f"{TAG}-%@drill.example")}, pluck="name")


def setup() -> dict:
	cleanup()
	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"{TAG}.csv", "content": content(), "is_private": 1}
	).insert()
	doc = frappe.get_doc(
		{"doctype": "KOL Candidate Import", "import_file": file.file_url, "on_duplicate": "Skip"}
	).insert()
	frappe.db.commit()
	return {"import": doc.name, "rows": ROWS}


def start() -> dict:
	from kol_crm.intake import candidate_import

	candidate_import.begin(frappe.get_doc("KOL Candidate Import", current_import()), enqueue=True)
	frappe.db.commit()
	return state()


def state() -> dict:
	return frappe.db.get_value(
		"KOL Candidate Import",
		current_import(),
		[
			"name",
			"status",
			"checkpoint",
			"processed_rows",
			"total_rows",
			"created_count",
			"skipped_count",
			"failed_count",
		],
		as_dict=True,
	)


def stall() -> dict:
	drill_steps.stall_run("KOL Candidate Import", current_import())
	return state()


def resume() -> dict:
	return {"resumed": drill_steps.resume_runs("import"), **state()}


def verify() -> dict:
	kols = frappe.get_all(
		"KOL",
		filters={"email": ("like", f"{TAG}-%@drill.example")},
		fields=["email", "count(name) as n"],
		group_by="email",
	)
	per_email = {k.email: k.n for k in kols}
	expected = {email(i) for i in range(ROWS) if not bad(i) and not repeated(i)}
	rows = frappe.get_all(
		"KOL Candidate Import Row",
		filters={"parent": current_import()},
		fields=["row_number", "result", "message"],
	)
	numbers = [r.row_number for r in rows]
	failed = sorted(r.row_number for r in rows if r.result == "Failed" and r.message)
	skipped = sorted(r.row_number for r in rows if r.result == "Skipped" and r.message)
	return {
		"emails_expected": len(expected),
		"emails_with_one_kol": sum(1 for e in expected if per_email.get(e) == 1),
		"most_kols_of_one_email": max(per_email.values(), default=0),
		"unexpected_emails": len(set(per_email) - expected),
		"rows_reported": len(numbers),
		"rows_reported_twice": len(numbers) - len(set(numbers)),
		"failed_as_expected": failed == [i + 2 for i in range(ROWS) if bad(i)],
		"skipped_as_expected": skipped == [i + 2 for i in range(ROWS) if repeated(i) and not bad(i)],
		"state": state(),
	}


def cleanup() -> dict:
	names = drill_kols()
	for name in names:
		frappe.delete_doc("KOL", name, ignore_permissions=True, force=True)
	files = frappe.get_all("File", filters={"file_name": f"{TAG}.csv"}, fields=["name", "file_url"])
	for doc in frappe.get_all(
		"KOL Candidate Import",
		filters={"import_file": ("in", [f.file_url for f in files] or [""])},
		pluck="name",
	):
		frappe.delete_doc("KOL Candidate Import", doc, ignore_permissions=True, force=True)
	for file in files:
		if frappe.db.exists("File", file.name):
			frappe.delete_doc("File", file.name, ignore_permissions=True, force=True)
	frappe.db.commit()
	return {"deleted": len(names)}


STEPS = {f.__name__: f for f in (setup, start, state, stall, resume, verify, cleanup)}

if __name__ == "__main__":
	drill_steps.main(STEPS)
