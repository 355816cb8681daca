"""Small helpers about documents being saved."""


def field_changed(doc, *fields) -> bool:
	"""Whether any of ``fields`` differs from the stored document (a new one: whether any is set).

	Empty values (None, "", 0) count as the same.
	"""
	before = doc.get_doc_before_save()
	if not before:
		return any(doc.get(f) for f in fields)
	return any((before.get(f) or None) != (doc.get(f) or None) for f in fields)
