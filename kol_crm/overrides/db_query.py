"""Fail-closed list queries on kol_crm's DocTypes.

Frappe 15's ``DatabaseQuery`` (behind ``frappe.get_list``, ``/api/resource``, report view, export,
counts, group-by sidebars, number cards and charts) takes fields, filters, sort and group-by as
SQL fragments from the client. Its own checks remove a forbidden field only when it is named
plainly, and never look at filters, sorting or grouping. On kol_crm's DocTypes we therefore accept
only this grammar, and refuse anything else with a clear error:

- a field is ``*``, a column (``name``, ```name```, ```tabKOL`.`name```; of the DocType or one of
  its child tables) with an optional alias, or ``count|sum|avg|min|max([distinct] column)`` /
  ``count(*)`` with an optional alias (and the relevance column that link search builds);
- a filter is a list or dict condition on such a column: no raw SQL string filters;
- sort and group-by are such columns (or an alias defined in the fields), with ``asc``/``desc``.

Fields above the user's permission level are dropped when named plainly (as Frappe intends, which
its 15.x loop only half does: it skipped the field after each removed one) and refused anywhere
else: aliased, aggregated, filtered, sorted or grouped.
"""

import re

import frappe
from frappe import _
from frappe.model import default_fields, get_permitted_fields, optional_fields
from frappe.model.db_query import DatabaseQuery
from frappe.utils.data import get_filter

from kol_crm.permissions import MODULE, refuses_kol_row_child

_original = DatabaseQuery.apply_fieldlevel_read_permissions

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_TABLE = r"(?:`tab(?P<qtable>[^`]+)`|tab(?P<table>[A-Za-z0-9_]+))"
_COLUMN = rf"(?:{_TABLE}\.)?(?:`(?P<qfield>{_IDENT})`|(?P<field>{_IDENT}))"
_ALIAS = rf"(?:\s+as\s+(?:`(?P<qalias>[^`]+)`|'(?P<salias>[^']+)'|(?P<alias>{_IDENT})))?"
PLAIN_FIELD = re.compile(rf"^\s*{_COLUMN}{_ALIAS}\s*$", re.I)
AGGREGATE = re.compile(
	rf"^\s*(?P<fn>count|sum|avg|min|max)\s*\(\s*(?:distinct\s+)?(?:(?P<star>\*)|{_COLUMN})\s*\){_ALIAS}\s*$",
	re.I,
)
ORDER_ITEM = re.compile(rf"^\s*{_COLUMN}(?:\s+(?:asc|desc))?\s*$", re.I)
# the relevance column and its sort that frappe.desk.search.search_widget adds
RELEVANCE_FIELD = re.compile(
	r"^\(1 / nullif\(locate\('(?:[^'\\]|\\.)*', `tab(?P<qtable>[^`]+)`\.`name`\), 0\)\) as `_relevance`$"
)
RELEVANCE_ORDER = "ifnull(_relevance, -9999) desc"
STANDARD_COLUMNS = frozenset((*default_fields, *optional_fields, "parent", "parenttype", "parentfield"))


class QueryRefused(frappe.PermissionError):
	pass


def apply_fieldlevel_read_permissions(self: DatabaseQuery) -> None:
	"""Patched over ``DatabaseQuery.apply_fieldlevel_read_permissions`` (runs in every list query)."""
	if not self.flags.ignore_permissions and is_guarded(self.doctype):
		QueryGuard(self).check()
	if self.as_list:
		return _original(self)
	while True:  # Frappe 15 skips the field after each one it removes: repeat until stable
		before = list(self.fields)
		_original(self)
		if self.fields == before:
			return


def is_guarded(doctype: str) -> bool:
	return bool(doctype) and frappe.get_meta(doctype).module == MODULE


def protected_fields(doctype: str, parenttype: str | None = None) -> set[str]:
	"""Fields of ``doctype`` above the permission levels the session user has."""
	meta = frappe.get_meta(doctype)
	leveled = {df.fieldname for df in meta.fields if df.permlevel}
	if not leveled:
		return set()
	permitted = set(get_permitted_fields(doctype, parenttype=parenttype, ignore_virtual=True))
	return leveled - permitted


def refuse(message: str) -> None:
	frappe.throw(message, QueryRefused, title=_("Not permitted"))


class QueryGuard:
	def __init__(self, query: DatabaseQuery):
		self.query = query
		self.doctype = query.doctype
		meta = frappe.get_meta(self.doctype)
		self.tables = {self.doctype, *(df.options for df in meta.get_table_fields())}
		self.aliases: set[str] = set()
		self._protected: dict[str, set[str]] = {}

	def check(self) -> None:
		self.query.fields = [f for f in self.query.fields if self.check_field(f)]
		for f in [*(self.query.filters or []), *(self.query.or_filters or [])]:
			self.check_filter(f)
		self.check_clause(self.query.order_by)
		self.check_clause(self.query.group_by)

	def protected(self, doctype: str) -> set[str]:
		if doctype not in self._protected:
			parent = self.doctype if doctype != self.doctype else None
			self._protected[doctype] = protected_fields(doctype, parenttype=parent)
		return self._protected[doctype]

	def column(self, match: re.Match, expression: str) -> tuple[str, str]:
		"""The (doctype, fieldname) a matched column names, refused unless it is a real column here."""
		doctype = match.group("qtable") or match.group("table") or self.doctype
		fieldname = match.group("qfield") or match.group("field")
		if doctype not in self.tables:
			if linked := self.link_title(doctype, fieldname):
				return linked
			refuse(_("{0} can't be queried together with {1}.").format(_(doctype), _(self.doctype)))
		self.refuse_kol_rows(doctype)
		if fieldname not in STANDARD_COLUMNS and not frappe.get_meta(doctype).has_field(fieldname):
			self.refuse_expression(expression)
		return doctype, fieldname

	def refuse_kol_rows(self, doctype: str) -> None:
		"""Participant rows name KOLs: a restricted user lists them on their own (each row follows its
		KOL's row rule there), never through the parent's list."""
		if refuses_kol_row_child(doctype, self.doctype):
			refuse(_("{0} can't be queried together with {1}.").format(_(doctype), _(self.doctype)))

	def link_title(self, alias: str, fieldname: str) -> tuple[str, str] | None:
		"""(linked DocType, its title field) for the link title the desk's list views ask for
		(``kol.kol_name as kol_kol_name``, which Frappe joins as ```tabKOL_1```): only the title
		field of a DocType that shows titles in links, through a Link field the user may read."""
		for table in self.query.link_tables:
			if table.table_alias.strip("`") != f"tab{alias}":
				continue
			target = frappe.get_meta(table.doctype)
			link = frappe.get_meta(self.doctype).get_field(table.fieldname)
			if (
				link
				and link.fieldtype == "Link"
				and link.options == table.doctype
				and table.fieldname not in self.protected(self.doctype)
				and target.show_title_field_in_link
				and target.title_field == fieldname
				and fieldname not in protected_fields(table.doctype)
			):
				return table.doctype, fieldname
		return None

	def refuse_expression(self, expression) -> None:
		refuse(
			_("{0} is not allowed in a query on {1}: use plain field names.").format(
				frappe.bold(frappe.utils.escape_html(str(expression)[:80])), _(self.doctype)
			)
		)

	def refuse_field(self, doctype: str, fieldname: str, read: bool = False) -> None:
		label = frappe.bold(_(frappe.get_meta(doctype).get_label(fieldname)))
		if read:
			refuse(_("You are not permitted to read {0} of {1}.").format(label, _(doctype)))
		refuse(_("You are not permitted to filter, sort or group {0} by {1}.").format(_(doctype), label))

	def note_alias(self, match: re.Match) -> None:
		alias = match.group("qalias") or match.group("salias") or match.group("alias")
		if alias:
			self.aliases.add(alias)

	def check_field(self, field) -> bool:
		"""True to keep ``field``; False to drop a plainly named protected field; refuses the rest."""
		if not isinstance(field, str):
			self.refuse_expression(field)
		text = field.strip()
		if text == "*":
			return True
		if m := RELEVANCE_FIELD.match(text):
			if m.group("qtable") != self.doctype:
				self.refuse_expression(field)
			self.aliases.add("_relevance")
			return True
		if m := PLAIN_FIELD.match(text):
			doctype, fieldname = self.column(m, field)
			self.note_alias(m)
			if fieldname in self.protected(doctype):
				if m.group("qalias") or m.group("salias") or m.group("alias"):
					self.refuse_field(doctype, fieldname, read=True)
				return False
			return True
		if m := AGGREGATE.match(text):
			self.note_alias(m)
			if not m.group("star"):
				doctype, fieldname = self.column(m, field)
				if fieldname in self.protected(doctype):
					self.refuse_field(doctype, fieldname, read=True)
			return True
		self.refuse_expression(field)

	def check_filter(self, f) -> None:
		if isinstance(f, str):
			refuse(_("Filters on {0} must be conditions on fields, not SQL.").format(_(self.doctype)))
		condition = get_filter(self.doctype, f)
		doctype, fieldname = condition.doctype, condition.fieldname
		if doctype not in self.tables:
			refuse(_("{0} can't be queried together with {1}.").format(_(doctype), _(self.doctype)))
		self.refuse_kol_rows(doctype)
		if not isinstance(fieldname, str) or not re.fullmatch(_IDENT, fieldname):
			self.refuse_expression(fieldname)
		if fieldname not in STANDARD_COLUMNS and not frappe.get_meta(doctype).has_field(fieldname):
			self.refuse_expression(fieldname)
		if fieldname in self.protected(doctype):
			self.refuse_field(doctype, fieldname)

	def check_clause(self, clause) -> None:
		if not clause or clause == "KEEP_DEFAULT_ORDERING":
			return
		if not isinstance(clause, str):
			self.refuse_expression(clause)
		if "_relevance" in self.aliases and clause.startswith(RELEVANCE_ORDER):
			clause = clause[len(RELEVANCE_ORDER) :].lstrip(", ")
		for item in clause.split(",") if clause else []:
			text = item.strip()
			bare = re.sub(r"\s+(asc|desc)$", "", text, flags=re.I).strip().strip("`")
			if bare in self.aliases:
				continue
			m = ORDER_ITEM.match(text)
			if not m:
				self.refuse_expression(text)
			doctype, fieldname = self.column(m, text)
			if fieldname in self.protected(doctype):
				self.refuse_field(doctype, fieldname)


def apply() -> None:
	if getattr(DatabaseQuery.apply_fieldlevel_read_permissions, "_kol_crm_fixed", False):
		return
	apply_fieldlevel_read_permissions._kol_crm_fixed = True
	DatabaseQuery.apply_fieldlevel_read_permissions = apply_fieldlevel_read_permissions
