"""Loading OLD and NEW: a schema file, a revision directory, or `git:REF:PATH`.

Every `$ref` is resolved from the input's own files through a local `referencing` registry;
a URI that is not one of those files is an input error, never a network fetch.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import referencing
import referencing.exceptions
from jsonschema import validators
from jsonschema.exceptions import SchemaError
from referencing.jsonschema import DRAFT202012, specification_with

from vrp_contract.compat.model import escape
from vrp_contract.compat.normalize import normalize_legacy
from vrp_contract.compat.tree import InputError, MemoryTree, Tree, git
from vrp_contract.revision_data import located, ref_cycle
from vrp_contract.stream.parse import big_int_digits
from vrp_contract.vendor import VENDOR_WRITTEN

__all__ = [
    "DIALECTS",
    "InputError",
    "SchemaSet",
    "dialect_uri",
    "load_document",
    "load_source",
    "read_tree",
]

JSON = dict[str, Any]
MANIFEST = "revision.json"


@dataclass
class SchemaSet:
    """One side of a comparison: its schema documents, entry points and `$ref` resolver."""

    label: str
    docs: dict[str, JSON]
    """Relative path -> parsed schema document (legacy drafts normalised to 2020-12 keywords)."""
    roots: list[str]
    """The documents to compare, entry first."""
    manifest: JSON | None
    raw: dict[str, bytes]
    """Relative path -> bytes of every file of a directory input (for the in-place check)."""
    is_dir: bool
    registry: referencing.Registry[Any] = field(repr=False)

    base: dict[str, str] = field(repr=False)
    """Relative path -> base URI of the document."""
    _by_uri: dict[str, str] = field(default_factory=dict, repr=False)
    extra: dict[str, bytes] = field(default_factory=dict, repr=False)
    """Files beside a folder that belong to it, relative to it: the released supplement
    (`../supplements/v<revision>/behaviour.json`) of a revision that does not carry its own."""
    _cache: dict[tuple[str, str], tuple[Any, str, str, str]] = field(
        default_factory=dict, repr=False
    )
    _paths: dict[str, dict[int, str]] = field(default_factory=dict, repr=False)

    def pointer_of(self, rel: str, node: Any, fallback: str) -> str:  # noqa: ANN401 - a schema
        """The JSON Pointer of `node` inside document `rel` (found by identity), or `fallback`.

        A `$ref` to an anchor or to an embedded resource names no pointer of the file; findings
        and line numbers need one.
        """
        if not isinstance(node, dict | list) or rel not in self.docs:
            return fallback
        paths = self._paths.get(rel)
        if paths is None:
            paths = self._paths[rel] = _node_paths(self.docs[rel])
        return paths.get(id(node), fallback)

    def resolve(self, base: str, ref: str) -> tuple[Any, str, str, str]:
        """Resolve `ref` against `base`: return (node, source, pointer, new base URI)."""
        key = (base, ref)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        target = urljoin(base, ref)
        doc_uri, fragment = urldefrag(target)
        try:
            resolved = self.registry.resolver().lookup(target)
        except referencing.exceptions.Unresolvable as exc:
            raise InputError(self._unresolvable(base, ref, doc_uri, exc)) from None
        source = self._by_uri.get(doc_uri, doc_uri)
        pointer = fragment if fragment.startswith("/") or not fragment else "#" + fragment
        pointer = self.pointer_of(source, resolved.contents, pointer)
        out = (resolved.contents, source, pointer, doc_uri)
        self._cache[key] = out
        return out

    def _unresolvable(
        self, base: str, ref: str, doc_uri: str, exc: referencing.exceptions.Unresolvable
    ) -> str:
        """One line on a `$ref` that resolves to nothing: the file it is in, and why."""
        here = self._by_uri.get(urldefrag(base)[0], base)
        where = f"{self.label}/{here}" if self.is_dir else self.label
        target = self._by_uri.get(doc_uri, doc_uri)
        if isinstance(exc, referencing.exceptions.PointerToNowhere):
            why = f"{exc.ref!r} does not exist in {target}"
        elif isinstance(exc, referencing.exceptions.NoSuchAnchor):
            why = f"{target} has no anchor {exc.anchor!r}"
        elif isinstance(exc, referencing.exceptions.NoSuchResource):
            why = f"no file of the input has the URI {doc_uri} (nothing is fetched)"
        else:
            why = f"{type(exc).__name__}"
        return f"{where}: cannot resolve $ref {ref!r}: {why}"

    @property
    def revision(self) -> str | None:
        """The revision number the manifest declares (e.g. `0.1`), if any."""
        value = (self.manifest or {}).get("revision")
        return str(value) if value is not None else None

    @property
    def released(self) -> bool:
        """True when the manifest marks this revision as released (hence immutable)."""
        return (self.manifest or {}).get("status") == "released"


def _node_paths(doc: Any) -> dict[int, str]:  # noqa: ANN401 - any JSON value
    """Map the id of every object and array of `doc` to its JSON Pointer (iteratively)."""
    out: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        node, here = stack.pop()
        if isinstance(node, dict):
            out.setdefault(id(node), here)
            stack.extend((v, f"{here}/{escape(k)}") for k, v in node.items())
        elif isinstance(node, list):
            out.setdefault(id(node), here)
            stack.extend((v, f"{here}/{i}") for i, v in enumerate(node))
    return out


class _NotJsonError(ValueError):
    """NaN and Infinity: Python's json accepts them, JSON (RFC 8259) does not."""


def _constant(name: str) -> Any:  # noqa: ANN401 - never returns
    raise _NotJsonError(name)


def _parse(label: str, data: bytes) -> Any:  # noqa: ANN401 - any JSON value
    try:
        with big_int_digits():  # JSON bounds no integer; Python's text conversion stops at 4,300
            return json.loads(data.decode("utf-8"), parse_constant=_constant)
    except _NotJsonError as exc:
        raise InputError(f"{label}: invalid JSON: {exc} is not a JSON value") from None
    except UnicodeDecodeError:
        raise InputError(f"{label}: not UTF-8 text") from None
    except RecursionError:
        raise InputError(f"{label}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{label}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None


def _depth(doc: Any) -> int:  # noqa: ANN401 - any JSON value
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node)
    return deepest


def _fast_valid(doc: Any) -> bool:  # noqa: ANN401 - any schema
    """True when the optional Rust validator (jsonschema-rs) accepts `doc`.

    `jsonschema` explains errors, and decides whenever jsonschema-rs is missing or unsure.
    """
    if _depth(doc) > 256:  # the Rust validator recurses on the native stack
        return False
    try:
        import jsonschema_rs  # type: ignore[import-not-found,unused-ignore] # noqa: PLC0415
    except ImportError:
        return False
    try:
        return bool(jsonschema_rs.meta.is_valid(doc))
    except Exception:  # noqa: BLE001 - unknown dialect, odd input: let jsonschema decide
        return False


def _check_metaschema(label: str, doc: Any) -> None:  # noqa: ANN401 - any JSON value
    if not isinstance(doc, dict | bool):
        raise InputError(
            f"{label}: not a JSON Schema (an object or a boolean), got {type(doc).__name__}"
        )
    if _fast_valid(doc):
        return
    cls = validators.validator_for(doc, default=validators.Draft202012Validator)
    try:
        cls.check_schema(doc)  # type: ignore[arg-type] # a boolean is a schema too
    except RecursionError:
        raise InputError(f"{label}: nested too deeply to check against its metaschema") from None
    except SchemaError as exc:
        where = "/" + "/".join(str(p) for p in exc.absolute_path)
        draft = cls.META_SCHEMA.get("$id", cls.META_SCHEMA.get("id", "its metaschema"))
        first = exc.message.splitlines()[0][:200]
        hint = ""
        if isinstance(doc, dict) and "$schema" not in doc:
            hint = (
                " (it declares no $schema, so it is read as 2020-12; "
                "--default-dialect names another)"
            )
        raise InputError(f"{label}: fails {draft} at {where}: {first}{hint}") from None


def _refs(
    node: Any,  # noqa: ANN401 - any JSON value
    base: str,
    out: list[tuple[str, str]],
    holders: list[JSON] | None = None,
) -> None:
    """Collect (base URI, `$ref`) of every reference under `node` (and the objects holding them)."""
    stack: list[tuple[Any, str]] = [(node, base)]
    while stack:
        item, here = stack.pop()
        if isinstance(item, list):
            stack.extend((x, here) for x in item)
        elif isinstance(item, dict):
            if isinstance(item.get("$id"), str):
                here = urljoin(here, item["$id"])
            for key, value in item.items():
                if key in {"$ref", "$dynamicRef"} and isinstance(value, str):
                    out.append((here, value))
                    if holders is not None:
                        holders.append(item)
                elif key not in {"enum", "const", "examples", "default"}:
                    stack.append((value, here))


def _registry(
    spec: str, docs: dict[str, JSON], by_uri: dict[str, str], dialects: dict[str, str]
) -> referencing.Registry[Any]:
    """A registry of each document under every URI it is known by, read in its own dialect.

    Crawling adds the resources embedded in them (a nested `$id`) and their anchors.
    """
    resources = []
    for uri, rel in by_uri.items():
        dialect = dialects[rel]
        spec_ = specification_with(dialect, default=DRAFT202012) if dialect else DRAFT202012
        resources.append((uri, spec_.create_resource(docs[rel])))

    def retrieve(uri: str) -> referencing.Resource[Any]:
        msg = f"{uri} is not a file of {spec} (references are never fetched over the network)"
        raise InputError(msg)  # referencing reports it as Unretrievable

    registry: referencing.Registry[Any] = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
    return registry.with_resources(resources).crawl()


def _embedded(doc: Any, base: str, rel: str, out: dict[str, str]) -> None:  # noqa: ANN401
    """Record the URI of every resource nested in `doc` (a `$id` below its root) as `rel`.

    A `$id` that is only a fragment (draft-07 `"#name"`) is an anchor, not a resource.
    """
    stack: list[tuple[Any, str, bool]] = [(doc, base, True)]
    while stack:
        item, here, top = stack.pop()
        if isinstance(item, list):
            stack.extend((x, here, False) for x in item)
        elif isinstance(item, dict):
            own = item.get("$id")
            if isinstance(own, str) and not top:
                here = urljoin(here, own)
                uri = urldefrag(here)[0]
                if uri and not own.startswith("#"):
                    out.setdefault(uri, rel)
            for key, value in item.items():
                if key not in {"enum", "const", "examples", "default"}:
                    stack.append((value, here, False))


def _split(spec: str, cwd: str | None = None) -> tuple[Tree, str | None]:
    """Return the tree holding the input and the entry file (None for a directory).

    `cwd` is the git work tree a `git:REF:PATH` input is read from (default: the current one).
    """
    if spec.startswith("git:"):
        ref, sep, path = spec[4:].partition(":")
        if not sep or not ref:
            raise InputError(
                f"{spec}: expected git:REF:PATH, for example git:origin/main:schema/v0.1"
            )
        path = path.strip("/")
        obj = f"{ref}:{path}" if path else f"{ref}:"
        kind = git("cat-file", "-t", obj, cwd=cwd).decode().strip()
        if kind == "tree":
            return Tree(spec, git=(ref, path), cwd=cwd), None
        parent, name = str(PurePosixPath(path).parent), PurePosixPath(path).name
        return Tree(spec, git=(ref, "" if parent == "." else parent), cwd=cwd), name
    local = Path(spec)
    if local.is_dir():
        return Tree(spec, root=local), None
    if local.is_file():
        return Tree(spec, root=local.parent), local.name
    raise InputError(f"{spec}: no such file or directory")


DIALECTS = {
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "draft-07": "http://json-schema.org/draft-07/schema#",
    "draft-06": "http://json-schema.org/draft-06/schema#",
    "draft-04": "http://json-schema.org/draft-04/schema#",
}
"""The dialects `--default-dialect` names, with the `$schema` URI each stands for."""


def dialect_uri(name: str) -> str:
    """The `$schema` URI of a dialect named `2020-12`, `draft-07`, ... (or given as its URI)."""
    if name in DIALECTS:
        return DIALECTS[name]
    known = {uri.rstrip("#"): uri for uri in DIALECTS.values()}
    if name.rstrip("#") in known:
        return known[name.rstrip("#")]
    msg = f"unknown JSON Schema dialect {name!r}; use one of {', '.join(DIALECTS)}"
    raise InputError(msg)


def load_source(
    spec: str, cwd: str | None = None, *, default_dialect: str | None = None
) -> SchemaSet:
    """Load one side of a comparison from a file, a directory or `git:REF:PATH` (read in `cwd`).

    `default_dialect` (`draft-07`, ...): how to read a document that declares no `$schema`
    (default 2020-12).
    """
    tree, entry = _split(spec, cwd)
    docs: dict[str, JSON] = {}
    raw: dict[str, bytes] = {}
    manifest: JSON | None = None
    if entry is None:
        for name in tree.list():
            if name in VENDOR_WRITTEN:  # `vrp-contract vendor`'s lock and bundle: not the contract
                continue
            data = tree.read(name)
            if data is not None:
                raw[name] = data
        names = [
            n
            for n in raw
            if not any(n.startswith(f"{v}/") or f"/{v}/" in n for v in ("examples", "streams"))
        ]
        schemas = [n for n in names if n.endswith(".schema.json")] or [
            n for n in names if n.endswith(".json") and n != MANIFEST
        ]
        if not schemas:
            raise InputError(f"{spec}: no schema files (*.schema.json) in this directory")
        if MANIFEST in raw:
            loaded = _parse(f"{spec}/{MANIFEST}", raw[MANIFEST])
            manifest = loaded if isinstance(loaded, dict) else None
        for name in schemas:
            docs[name] = _parse(f"{spec}/{name}", raw[name])
        extra = _supplement(tree, raw, manifest)
        first = str((manifest or {}).get("entry", "event.schema.json"))
        roots = ([first] if first in docs else []) + [n for n in sorted(docs) if n != first]
    else:
        data = tree.read(entry)
        if data is None:
            raise InputError(f"{spec}: cannot read")
        label = spec
        docs[entry] = _parse(label, data)
        raw[entry] = data
        roots = [entry]
        extra = {}
    out = _finish(
        spec, tree, docs, roots, manifest, raw, is_dir=entry is None, dialect=default_dialect
    )
    out.extra = extra
    return out


def _supplement(tree: Tree, raw: dict[str, bytes], manifest: JSON | None) -> dict[str, bytes]:
    """The released supplement of a revision folder that has no behaviour.json of its own."""
    revision = (manifest or {}).get("revision")
    if "behaviour.json" in raw or not isinstance(revision, str):
        return {}
    rel = f"../supplements/v{revision}/behaviour.json"
    data = tree.read(rel)
    return {rel: data} if data is not None else {}


def load_document(
    label: str,
    doc: Any,  # noqa: ANN401 - any schema
    name: str = "schema.json",
    *,
    default_dialect: str | None = None,
) -> SchemaSet:
    """Load one in-memory schema document (its `$ref`s must stay inside it)."""
    tree = MemoryTree(label, git=("memory", label))
    return _finish(
        label, tree, {name: doc}, [name], None, {}, is_dir=False, dialect=default_dialect
    )


def _finish(  # noqa: PLR0913, PLR0917 - the parts of one SchemaSet, then its registry
    spec: str,
    tree: Tree,
    docs: dict[str, JSON],
    roots: list[str],
    manifest: JSON | None,
    raw: dict[str, bytes],
    *,
    is_dir: bool,
    dialect: str | None = None,
) -> SchemaSet:
    base: dict[str, str] = {}
    by_uri: dict[str, str] = {}
    dialects: dict[str, str] = {}  # the $schema each document declared (normalising drops it)
    default = dialect_uri(dialect) if dialect is not None else None

    def add(rel: str) -> None:
        label = spec if not is_dir and rel == roots[0] else f"{spec}/{rel}"
        if default is not None and isinstance(docs[rel], dict) and "$schema" not in docs[rel]:
            docs[rel] = {"$schema": default, **docs[rel]}  # read as the dialect the user named
        _check_metaschema(label, docs[rel])
        doc = docs[rel]
        dialects[rel] = str(doc.get("$schema", "")) if isinstance(doc, dict) else ""
        docs[rel] = normalize_legacy(docs[rel])
        file_uri = tree.uri(rel)
        doc = docs[rel]
        own = doc.get("$id") if isinstance(doc, dict) else None
        base[rel] = urljoin(file_uri, own) if isinstance(own, str) else file_uri
        by_uri[base[rel]] = rel
        by_uri.setdefault(file_uri, rel)

    embedded: dict[str, str] = {}  # URI of a resource nested in a document -> its file

    for rel in list(docs):
        add(rel)
    for rel in list(docs):
        _embedded(docs[rel], base[rel], rel, embedded)
    # Follow $refs to sibling files of a single-file input (and check every $ref resolves).
    pending = list(docs)
    while pending:
        rel = pending.pop()
        found: list[tuple[str, str]] = []
        _refs(docs[rel], base[rel], found)
        for here, ref in found:
            doc_uri = urldefrag(urljoin(here, ref))[0]
            if doc_uri in by_uri or doc_uri in embedded or not doc_uri:
                continue
            if urlsplit(ref).scheme:
                sibling = _local_name(doc_uri, base, tree)
            else:  # a relative reference names a file relative to the referring file
                sibling = tree.rel_of(urldefrag(urljoin(tree.uri(rel), ref))[0])
            data = tree.read(sibling) if sibling is not None else None
            if sibling is None or data is None:
                msg = f"{spec}: $ref {ref!r} points to {doc_uri}, which is not a file of this input"
                raise InputError(msg + " (references are never fetched over the network)")
            docs[sibling] = _parse(f"{spec}: {sibling}", data)
            raw.setdefault(sibling, data)
            add(sibling)
            by_uri[doc_uri] = sibling
            _embedded(docs[sibling], base[sibling], sibling, embedded)
            pending.append(sibling)
    registry = _registry(spec, docs, by_uri, dialects)
    by_uri.update({uri: rel for uri, rel in embedded.items() if uri not in by_uri})
    out = SchemaSet(spec, docs, roots, manifest, raw, is_dir, registry, base, by_uri)
    _check_refs(out)
    return out


def _check_refs(side: SchemaSet) -> None:
    """Resolve every `$ref` (InputError when one cannot be); refuse a chain that comes back."""
    starts: list[tuple[str, str, str]] = []
    for rel in list(side.docs):
        found: list[tuple[str, str]] = []
        holders: list[JSON] = []
        _refs(side.docs[rel], side.base[rel], found, holders)
        for (here, ref), holder in zip(found, holders, strict=True):
            side.resolve(here, ref)
            if holder.get("$ref") == ref:
                starts.append((f"{rel}#{side.pointer_of(rel, holder, '')}", ref, here))

    def follow(ref: str, here: str) -> tuple[Any, str, str]:
        node, source, pointer, doc_base = side.resolve(here, ref)
        return node, f"{source}#{pointer}", doc_base

    cycle = ref_cycle(starts, follow)
    if cycle is None:
        return
    rel, pointer = cycle[0].split("#", 1)
    label = side.label if not side.is_dir and rel == side.roots[0] else f"{side.label}/{rel}"
    data = side.raw.get(rel)
    message = (
        f"The $ref chain {' -> '.join(cycle)} comes back to itself without reaching a schema; "
        "end it in a schema (validators would recurse forever)."
    )
    text = data.decode("utf-8", "replace") if data is not None else None
    raise InputError(located(label, text, pointer, message))


def _local_name(doc_uri: str, base: dict[str, str], tree: Tree) -> str | None:
    """Map a referenced document URI onto a file of the input, relative to a known document."""
    direct = tree.rel_of(doc_uri)
    if direct is not None:
        return direct
    for rel, uri in base.items():
        folder = uri.rsplit("/", 1)[0] + "/"
        if doc_uri.startswith(folder):
            return posixpath.normpath(
                posixpath.join(posixpath.dirname(rel), doc_uri[len(folder) :])
            )
    return None


def read_tree(spec: str, cwd: str | None = None) -> dict[str, bytes]:
    """Return every file under a directory input (`DIR` or `git:REF:DIR`) as bytes."""
    tree, entry = _split(spec, cwd)
    if entry is not None:
        raise InputError(f"{spec}: expected a directory")
    out: dict[str, bytes] = {}
    for name in tree.list():
        data = tree.read(name)
        if data is not None:
            out[name] = data
    return out
