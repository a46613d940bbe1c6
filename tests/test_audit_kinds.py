"""Every kind of audited change has a category («type endring») in the
Endringslogg: the source is read for every place that writes an audit row
(services, migrations, bulk inserts), each (entity, field) it can write is
worked out, and each must map to a kind. A field the scan cannot work out
must belong to an entity whose every field has one kind."""
from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import eksamen_tui
from eksamen_tui.services.audit_log import KINDS, AuditFilter, audit_lines, kind_of

PACKAGE = Path(eksamen_tui.__file__).parent
ANY = "*"  # a field the scan cannot work out


def _constants(tree: ast.Module) -> dict[str, str]:
    return {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _parents(tree):
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return parents


def _function_of(node, parents):
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node = parents.get(node)
    return node


def _values(expr, function, constants, depth=0) -> set[str]:
    """The strings `expr` can be, inside `function`."""
    if depth > 6:
        return {ANY}
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.JoinedStr):
        return {ANY}
    if isinstance(expr, ast.IfExp):
        return _values(expr.body, function, constants, depth + 1) | _values(expr.orelse, function, constants, depth + 1)
    if isinstance(expr, ast.Name):
        if function is not None:
            found = _assigned(expr.id, function, constants, depth)
            if found:
                return found
        if expr.id in constants:
            return {constants[expr.id]}
    return {ANY}


def _pick(target, value, name, function, constants, depth) -> set[str]:
    """What `name` gets when `value` is assigned to `target` (names and tuples)."""
    if isinstance(target, ast.Name):
        return _values(value, function, constants, depth + 1) if target.id == name else set()
    if isinstance(target, ast.Tuple):
        if isinstance(value, ast.IfExp):
            return (_pick(target, value.body, name, function, constants, depth)
                    | _pick(target, value.orelse, name, function, constants, depth))
        if isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts):
            found = set()
            for sub_target, sub_value in zip(target.elts, value.elts):
                found |= _pick(sub_target, sub_value, name, function, constants, depth)
            return found
        if any(isinstance(t, ast.Name) and t.id == name for t in target.elts):
            return {ANY}
    return set()


def _items(iterable, function, constants, depth):
    """The elements a `for` loop walks, when written out in the source."""
    if isinstance(iterable, (ast.Tuple, ast.List)):
        return list(iterable.elts)
    if isinstance(iterable, ast.Name):
        items = []
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == iterable.id
                                                     for t in node.targets):
                items += _items(node.value, function, constants, depth) or [None]
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) \
                    and node.target.id == iterable.id:
                items += _items(node.value, function, constants, depth) or [None]
        return items
    return []


def _assigned(name, function, constants, depth) -> set[str]:
    if any(arg.arg == name for arg in function.args.args + function.args.kwonlyargs):
        return {ANY}
    found: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                found |= _pick(target, node.value, name, function, constants, depth)
        elif isinstance(node, ast.For):
            if isinstance(node.target, ast.Name) and node.target.id != name:
                continue
            if isinstance(node.target, ast.Tuple) and not any(
                    isinstance(t, ast.Name) and t.id == name for t in node.target.elts):
                continue
            items = _items(node.iter, function, constants, depth)
            if not items or None in items:
                found.add(ANY)
            for item in items:
                if item is not None:
                    found |= _pick(node.target, item, name, function, constants, depth)
    return found


def _writers(trees) -> dict[str, tuple[int, int]]:
    """Functions that write an audit row: name -> (position of entity, of field)."""
    writers = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                names = [arg.arg for arg in node.args.args]
                if "entity" in names and "field" in names and ("session" in names or "conn" in names):
                    writers[node.name] = (names.index("entity"), names.index("field"))
    return writers


def written_actions() -> dict[tuple[str, str], list[str]]:
    """(entity, field) -> where it is written, for every audit write in the package."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}
    writers = _writers(trees)
    assert {"record", "record_core"} <= set(writers), writers
    found: dict[tuple[str, str], list[str]] = {}
    for path, tree in trees.items():
        constants, parents = _constants(tree), _parents(tree)
        for node in ast.walk(tree):
            pairs = []
            if isinstance(node, ast.Call):
                callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                keywords = {k.arg: k.value for k in node.keywords}
                if callee in writers:
                    at_entity, at_field = writers[callee]
                    args = node.args
                    pairs.append((keywords.get("entity", args[at_entity] if len(args) > at_entity else None),
                                  keywords.get("field", args[at_field] if len(args) > at_field else None)))
                elif "entity" in keywords and "field" in keywords:  # table.insert().values(entity=..., field=...)
                    pairs.append((keywords["entity"], keywords["field"]))
            elif isinstance(node, ast.Dict):
                keys = {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)}
                if "entity" in keys and "field" in keys and "entity_id" in keys:
                    pairs.append((keys["entity"], keys["field"]))
            function = _function_of(node, parents)
            if function is not None and function.name in writers:
                continue  # the writer itself, forwarding its arguments
            for entity_expr, field_expr in pairs:
                where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                entities = _values(entity_expr, function, constants) if entity_expr is not None else {ANY}
                fields = _values(field_expr, function, constants) if field_expr is not None else {ANY}
                for entity in entities:
                    for field in fields:
                        found.setdefault((entity, field), []).append(where)
    return found


def _has_kind(entity: str, field: str) -> bool:
    if field == ANY:  # every field of the entity must share one kind
        return any(part == (entity, None) for _, parts in KINDS.values() for part in parts)
    return kind_of(entity, field) != ""


def test_the_scan_finds_the_audit_writes_it_must():
    actions = written_actions()
    for pair in [("registration", "attendance_state"), ("registration", "imported"), ("grade", "value"),
                 ("script_movement", "out"), ("script_movement", "back"), ("script_resolution", "missing"),
                 ("fee_form", "sent_on"), ("fee_form", "confirmed_on"), ("exam", "grading_deadline"),
                 ("exam", "guidelines_published_on"), ("case", "decision_sent_on"), ("examiner", "is_external"),
                 ("examiner", "merged_into"), ("setting", ANY), ("commission", ANY)]:
        assert pair in actions, pair
    assert all(ANY not in entity for entity, _ in actions), [where for (e, _), where in actions.items() if e == ANY]


def test_every_audited_action_has_a_kind_of_change():
    missing = {pair: where for pair, where in written_actions().items() if not _has_kind(*pair)}
    assert missing == {}, f"audit actions without a kind in services/audit_log.py KINDS: {missing}"


def test_kind_of_is_not_a_catch_all():
    assert kind_of("script_movement", "out") == "custody"
    assert kind_of("exam", "grading_deadline") == "extension"
    assert kind_of("exam", "guidelines_published_on") == "guidelines"
    assert kind_of("exam", "published_on") == "publication"
    assert kind_of("fee_form", "sent_on") == "fee"
    assert kind_of("exam", "no_such_field") == ""
    assert not _has_kind("no_such_entity", "x") and not _has_kind("exam", ANY)


def test_after_exam_changes_are_filtered_by_kind_and_tied_to_their_exam(ctx):
    """Custody, extension, guidelines and fee rows, written by the services,
    each found under its kind and tied to its exam (so the exam filter finds them)."""
    from eksamen_tui.services import custody, extensions, fees, guidelines
    from tests.factories import add_exam
    from tests.test_after_exam_service import EXAM_DAY, attend, commission

    exam = add_exam(ctx, code="TDT4100", exam_date=EXAM_DAY, candidates=4)
    other = add_exam(ctx, code="TMA4100", exam_date=EXAM_DAY, candidates=2)
    attend(ctx, exam.id)
    (external,) = commission(ctx, exam.id, ("Eva Ekstern", True, False))
    custody.hand_out(ctx, exam.id, external, 4)
    custody.return_scripts(ctx, exam.id, external, 3)
    custody.resolve_shortfall(ctx, exam.id, external, "original", "ett blankt ark kassert")
    extensions.record_extension(ctx, exam.id, "07.12.2026", decision_reference="PR-1", approved_by="prorektor")
    attend(ctx, exam.id, grade="C", published=date(2026, 11, 16))
    guidelines.mark_published(ctx, exam.id)
    fees.mark_sent(ctx, exam.id, external)
    expected = {"custody": ["manglende besvarelser avklart", "besvarelser tilbake (i alt)",
                            "besvarelser utlevert (i alt)"],
                "extension": ["sensurfrist"], "guidelines": ["sensorveiledning publisert"],
                "fee": ["honorarskjema sendt"]}
    for kind, whats in expected.items():
        lines = audit_lines(ctx, AuditFilter(kind=kind))
        assert [line.what for line in lines] == whats, kind
        assert {line.kind for line in lines} == {kind}
        assert {line.exam_id for line in lines} == {exam.id}
        assert {line.exam_label for line in lines} == {f"TDT4100 {EXAM_DAY:%d.%m.%Y}"}
        assert audit_lines(ctx, AuditFilter(kind=kind, exam_id=other.id)) == []
    assert [line.change for line in audit_lines(ctx, AuditFilter(kind="extension"))] == ["16.11.2026 → 07.12.2026"]
    assert all(line.kind for line in audit_lines(ctx, AuditFilter(), limit=None))
