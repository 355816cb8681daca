"""ToDo (Frappe): assignments of kol_crm's records.

- ``validate``: assigning widens ``_assign`` and so access to a KOL; it needs write access
  (``kol_crm.permissions.validate_todo``).
- ``after_insert``: a KOL without an operator takes the user its Assignment Rule assigned it to.
"""

from kol_crm import permissions
from kol_crm.intake import assignment


def validate(todo, method=None) -> None:
	permissions.validate_todo(todo)


def after_insert(todo, method=None) -> None:
	assignment.set_operator_from_assignment_rule(todo)
