__version__ = "0.1.0"


def _apply_overrides() -> None:
	# kol_crm's hooks are loaded in every web request, job and command: the fix is in place
	# before any list query runs. See kol_crm/overrides/fieldlevel_permissions.py.
	try:
		from kol_crm.overrides import fieldlevel_permissions
	except ImportError:  # frappe not importable (e.g. building the package)
		return
	fieldlevel_permissions.apply()


_apply_overrides()
