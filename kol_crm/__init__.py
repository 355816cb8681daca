__version__ = "0.1.0"


def _apply_overrides() -> None:
	# kol_crm's hooks are loaded in every web request, job and command: the fix is in place
	# before any list query runs. See kol_crm/overrides/db_query.py.
	try:
		from kol_crm.overrides import db_query
	except ImportError:  # frappe not importable (e.g. building the package)
		return
	db_query.apply()


_apply_overrides()
