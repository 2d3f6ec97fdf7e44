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

from vrp_contract.compat.normalize import normalize_legacy
from vrp_contract.compat.tree import InputError, MemoryTree, Tree, git
from vrp_contract.vendor import VENDOR_WRITTEN

__all__ = ["InputError", "SchemaSet", "load_document", "load_source", "read_tree"]

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
    _cache: dict[tuple[str, str], tuple[Any, str, str, str]] = field(
        default_factory=dict, repr=False
    )

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
            msg = f"{self.label}: cannot resolve $ref {ref!r} (from {base}): {exc}"
            raise InputError(msg) from None
        source = self._by_uri.get(doc_uri, doc_uri)
        pointer = fragment if fragment.startswith("/") or not fragment else "#" + fragment
        out = (resolved.contents, source, pointer, doc_uri)
        self._cache[key] = out
        return out

    @property
    def revision(self) -> str | None:
        """The revision number the manifest declares (e.g. `0.1`), if any."""
        value = (self.manifest or {}).get("revision")
        return str(value) if value is not None else None

    @property
    def released(self) -> bool:
        """True when the manifest marks this revision as released (hence immutable)."""
        return (self.manifest or {}).get("status") == "released"


class _NotJsonError(ValueError):
    """NaN and Infinity: Python's json accepts them, JSON (RFC 8259) does not."""


def _constant(name: str) -> Any:  # noqa: ANN401 - never returns
    raise _NotJsonError(name)


def _parse(label: str, data: bytes) -> Any:  # noqa: ANN401 - any JSON value
    try:
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
        raise InputError(f"{label}: fails {draft} at {where}: {first}") from None


def _refs(node: Any, base: str, out: list[tuple[str, str]]) -> None:  # noqa: ANN401
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
                elif key not in {"enum", "const", "examples", "default"}:
                    stack.append((value, here))


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


def load_source(spec: str, cwd: str | None = None) -> SchemaSet:
    """Load one side of a comparison from a file, a directory or `git:REF:PATH` (read in `cwd`)."""
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
        names = [n for n in raw if not n.startswith("examples/") and "/examples/" not in n]
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
    return _finish(spec, tree, docs, roots, manifest, raw, is_dir=entry is None)


def load_document(label: str, doc: Any, name: str = "schema.json") -> SchemaSet:  # noqa: ANN401
    """Load one in-memory schema document (its `$ref`s must stay inside it)."""
    tree = MemoryTree(label, git=("memory", label))
    return _finish(label, tree, {name: doc}, [name], None, {}, is_dir=False)


def _finish(  # noqa: PLR0913, PLR0917, C901 - the parts of one SchemaSet, then its registry
    spec: str,
    tree: Tree,
    docs: dict[str, JSON],
    roots: list[str],
    manifest: JSON | None,
    raw: dict[str, bytes],
    *,
    is_dir: bool,
) -> SchemaSet:
    base: dict[str, str] = {}
    by_uri: dict[str, str] = {}

    def add(rel: str) -> None:
        label = spec if not is_dir and rel == roots[0] else f"{spec}/{rel}"
        _check_metaschema(label, docs[rel])
        docs[rel] = normalize_legacy(docs[rel])
        file_uri = tree.uri(rel)
        doc = docs[rel]
        own = doc.get("$id") if isinstance(doc, dict) else None
        base[rel] = urljoin(file_uri, own) if isinstance(own, str) else file_uri
        by_uri[base[rel]] = rel
        by_uri.setdefault(file_uri, rel)

    for rel in list(docs):
        add(rel)
    # Follow $refs to sibling files of a single-file input (and check every $ref resolves).
    pending = list(docs)
    while pending:
        rel = pending.pop()
        found: list[tuple[str, str]] = []
        _refs(docs[rel], base[rel], found)
        for here, ref in found:
            doc_uri = urldefrag(urljoin(here, ref))[0]
            if doc_uri in by_uri or not doc_uri:
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
            pending.append(sibling)
    resources = []
    for rel, doc in docs.items():
        spec_ = specification_with(
            str(doc.get("$schema", DRAFT202012.id_of({}) or "")) if isinstance(doc, dict) else "",
            default=DRAFT202012,
        )
        resources.append((base[rel], spec_.create_resource(doc)))
        if tree.uri(rel) != base[rel]:
            resources.append((tree.uri(rel), spec_.create_resource(doc)))
    for uri, rel in by_uri.items():
        resources.append((uri, DRAFT202012.create_resource(docs[rel])))

    def retrieve(uri: str) -> referencing.Resource[Any]:
        msg = f"{uri} is not a file of {spec} (references are never fetched over the network)"
        raise InputError(msg)  # referencing reports it as Unretrievable

    registry: referencing.Registry[Any] = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
    registry = registry.with_resources(resources).crawl()
    out = SchemaSet(spec, docs, roots, manifest, raw, is_dir, registry, base, by_uri)
    for rel in list(docs):
        found = []
        _refs(docs[rel], base[rel], found)
        for here, ref in found:
            out.resolve(here, ref)
    return out


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
