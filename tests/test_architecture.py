"""Where things live (docs/architecture.md), checked on the source: pure file checks.

- kol_crm's own DocTypes handle their events in their controllers; hooks.py's doc_events are for
  other apps' DocTypes only.
- kol_crm/kol_crm/ holds only Frappe's own folders.
- No import loop (imports inside functions count, and so does a package's __init__ importing its
  submodules while they import from it), no import inside a function without a comment saying
  why, no import of another module's private name.
- Every whitelisted method is typed.
"""

import ast
import json
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "kol_crm"
FRAPPE_FOLDERS = {
	"doctype",
	"report",
	"workspace",
	"number_card",
	"dashboard_chart",
	"dashboard_chart_source",
	"web_form",
	"print_format",
}


def app_modules() -> dict[str, Path]:
	modules = {}
	for path in sorted(APP.rglob("*.py")):
		if "__pycache__" in path.parts:
			continue
		parts = path.relative_to(APP.parent).with_suffix("").parts
		name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
		modules[name] = path
	return modules


def own_doctypes() -> set[str]:
	names = set()
	for path in (APP / "kol_crm" / "doctype").glob("*/*.json"):
		data = json.loads(path.read_text(encoding="utf-8"))
		if data.get("doctype") == "DocType":
			names.add(data["name"])
	return names


def imports_of(path: Path, modules: dict[str, Path], module: str):
	"""(imported module, line, inside a function, private name) for each kol_crm import."""
	tree = ast.parse(path.read_text(encoding="utf-8"))
	is_package = path.name == "__init__.py"
	found = []

	def visit(node, in_function: bool, type_checking: bool):
		for child in ast.iter_child_nodes(node):
			if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
				continue  # annotations only: never run
			function = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
			if isinstance(child, ast.ImportFrom):
				base = child.module or ""
				if child.level:
					package = module if is_package else module.rsplit(".", 1)[0]
					for _ in range(child.level - 1):
						package = package.rsplit(".", 1)[0]
					base = f"{package}.{base}" if base else package
				if base.split(".")[0] == "kol_crm":
					for alias in child.names:
						target = f"{base}.{alias.name}"
						name = target if target in modules else base
						found.append((name, child.lineno, in_function, alias.name.startswith("_")))
			elif isinstance(child, ast.Import):
				for alias in child.names:
					if alias.name.split(".")[0] == "kol_crm":
						found.append((alias.name, child.lineno, in_function, False))
			visit(child, function, type_checking)

	visit(tree, False, False)
	return found


def import_graph():
	modules = app_modules()
	graph = {name: set() for name in modules}
	details = {}
	for name, path in modules.items():
		for target, line, in_function, private in imports_of(path, modules, name):
			if target in modules and target != name:
				graph[name].add(target)
			details.setdefault(name, []).append((target, line, in_function, private))
	return graph, details


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
	"""Strongly connected components with more than one module (Tarjan)."""
	index, low, stack, on_stack, result = {}, {}, [], set(), []
	counter = [0]

	def strong(v):
		index[v] = low[v] = counter[0]
		counter[0] += 1
		stack.append(v)
		on_stack.add(v)
		for w in graph[v]:
			if w not in index:
				strong(w)
				low[v] = min(low[v], low[w])
			elif w in on_stack:
				low[v] = min(low[v], index[w])
		if low[v] == index[v]:
			component = []
			while True:
				w = stack.pop()
				on_stack.discard(w)
				component.append(w)
				if w == v:
					break
			if len(component) > 1:
				result.append(sorted(component))

	for v in graph:
		if v not in index:
			strong(v)
	return result


def test_no_import_loop():
	graph, _details = import_graph()
	assert cycles(graph) == []


def test_the_loop_checker_finds_a_loop():
	assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_undocumented_import_inside_a_function():
	_graph, details = import_graph()
	modules = app_modules()
	undocumented = []
	for module, found in details.items():
		lines = modules[module].read_text(encoding="utf-8").splitlines()
		for target, line, in_function, _private in found:
			if not in_function:
				continue
			context = " ".join(lines[max(line - 3, 0) : line])
			if "#" not in context:
				undocumented.append(f"{module}:{line} imports {target}")
	assert undocumented == []


def test_no_import_of_another_modules_private_name():
	_graph, details = import_graph()
	private = [
		f"{module}:{line} imports a private name from {target}"
		for module, found in details.items()
		for target, line, _in_function, is_private in found
		if is_private
	]
	assert private == []


def test_doc_events_only_for_other_apps_doctypes():
	tree = ast.parse((APP / "hooks.py").read_text(encoding="utf-8"))
	doc_events = next(
		node.value
		for node in tree.body
		if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "doc_events" for t in node.targets)
	)
	hooked = {ast.literal_eval(key) for key in doc_events.keys}
	assert hooked & own_doctypes() == set()
	assert hooked == {"Communication", "Email Unsubscribe", "ToDo"}


def test_module_folder_holds_only_frappes_folders():
	folder = APP / "kol_crm"
	strays = [
		str(path.relative_to(folder))
		for path in folder.iterdir()
		if not path.name.startswith(("__", ".")) and not (path.is_dir() and path.name in FRAPPE_FOLDERS)
	]
	assert strays == []


def test_every_whitelisted_method_is_typed():
	untyped = []
	for module, path in app_modules().items():
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if not isinstance(node, ast.FunctionDef):
				continue
			if not any("whitelist" in ast.unparse(d) for d in node.decorator_list):
				continue
			args = [a for a in node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
			missing = [a.arg for a in args if a.annotation is None]
			if missing or node.returns is None:
				untyped.append(f"{module}.{node.name}: {missing or 'return'}")
	assert untyped == []
