__version__ = "0.1.0"


def _apply_overrides() -> None:
	# kol_crm's hooks are loaded in every web request, job and command: the fixes are in place
	# before any query runs. See kol_crm/overrides/db_query.py and child_permissions.py.
	try:
		from kol_crm.overrides import child_permissions, db_query
	except ImportError:  # frappe not importable (e.g. building the package)
		return
	db_query.apply()
	child_permissions.apply()


_apply_overrides()
