"""kol_crm/translations/zh.csv covers the app's _() strings and keeps their placeholders.

Pure file checks: no site data is read (the conftest still connects to the test site).
"""

import ast
import csv
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "kol_crm"
ZH_CSV = APP / "translations" / "zh.csv"
PLACEHOLDER = re.compile(r"\{\d*\}")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def zh_rows() -> list[list[str]]:
	with open(ZH_CSV, newline="", encoding="utf-8") as f:
		return [row for row in csv.reader(f) if row]


def translatable_literals() -> dict[str, set[str]]:
	"""Every string literal passed as first argument to ``_()`` / ``frappe._()`` -> files using it."""
	found: dict[str, set[str]] = {}
	for path in sorted(APP.rglob("*.py")):
		if "__pycache__" in path.parts:
			continue
		tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
		for node in ast.walk(tree):
			if not isinstance(node, ast.Call) or not node.args:
				continue
			func = node.func
			name = (
				func.id
				if isinstance(func, ast.Name)
				else func.attr
				if isinstance(func, ast.Attribute)
				else None
			)
			arg = node.args[0]
			if name == "_" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
				found.setdefault(arg.value, set()).add(str(path.relative_to(APP.parent)))
	return found


def test_rows_are_well_formed():
	rows = zh_rows()
	assert rows, f"{ZH_CSV} is empty"
	bad = [row for row in rows if len(row) not in (2, 3)]
	assert not bad, f"rows must have 2 or 3 columns: {bad}"


def test_every_python_string_has_a_translation():
	literals = translatable_literals()
	assert literals, "no _() strings found; is the app path right?"
	sources = {row[0] for row in zh_rows()}
	missing = {s: sorted(files) for s, files in literals.items() if s not in sources}
	assert not missing, "strings without a zh translation (run /tmp/extract_strings.py):\n" + "\n".join(
		f"  {s!r} <- {', '.join(files)}" for s, files in sorted(missing.items())
	)


def test_translations_are_not_empty():
	empty = [row[0] for row in zh_rows() if len(row) < 2 or not row[1].strip()]
	assert not empty, f"empty translations: {empty}"


def test_placeholders_are_kept():
	wrong = [
		(row[0], row[1])
		for row in zh_rows()
		if len(row) >= 2 and sorted(PLACEHOLDER.findall(row[0])) != sorted(PLACEHOLDER.findall(row[1]))
	]
	assert not wrong, "translations that change the {n} placeholders:\n" + "\n".join(
		f"  {s!r} -> {t!r}" for s, t in wrong
	)


def test_jinja_and_html_tags_are_kept():
	wrong = [
		(row[0], row[1])
		for row in zh_rows()
		if len(row) >= 2
		and (
			sorted(JINJA.findall(row[0])) != sorted(JINJA.findall(row[1]))
			or sorted(TAG.findall(row[0])) != sorted(TAG.findall(row[1]))
		)
	]
	assert not wrong, "translations that change Jinja expressions or HTML tags:\n" + "\n".join(
		f"  {s!r} -> {t!r}" for s, t in wrong
	)
