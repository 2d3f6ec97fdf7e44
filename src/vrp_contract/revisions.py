"""Schema revisions: listing, loading, the local `referencing` registry and bundling.

This is the only module that opens schema files. Every `$ref` resolves from the files of the
revision itself; nothing is ever fetched over the network.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urljoin

import referencing
import referencing.exceptions
from referencing.jsonschema import DRAFT202012

from vrp_contract.revision_data import (
    DATA_SCHEMAS,
    PACKAGE_SCHEMAS,
    RevisionDataError,
    behaviour_problems,
    located,
    package_schema,
    ref_cycle,
    schema_problem,
    session_states,
    vector_problem,
)
from vrp_contract.vocabulary import ANNOTATIONS, escape, version_of

if TYPE_CHECKING:
    from importlib.abc import Traversable

    from referencing._core import Resolver

__all__ = [
    "Revision",
    "RevisionDataError",
    "UnknownRevisionError",
    "latest_revision",
    "list_revisions",
    "load_revision",
    "schema_root",
    "shipped_folder",
]

JSON = dict[str, Any]


class UnknownRevisionError(LookupError):
    """Raised when a revision name matches no schema directory."""


def shipped_folder(checkout: str, packaged: str) -> Traversable:
    """Return a folder the package ships, from the checkout or from the package data.

    In a source checkout (editable install) that is `checkout`, relative to the checkout, so
    edits show at once; in an installed wheel the package data `packaged` copied from it at build
    time (pyproject.toml `force-include`).
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / checkout).is_dir():
        return root / checkout
    data = resources.files("vrp_contract").joinpath(packaged)
    if data.is_dir():
        return data
    msg = f"the vrp-contract files {packaged!r} are missing from this installation"
    raise FileNotFoundError(msg)


def schema_root() -> Traversable:
    """Return the folder holding one sub-folder per revision (`schema/`)."""
    return shipped_folder("schema", "_schema")


def _version_key(name: str) -> tuple[int, int, int]:
    version = version_of(name)
    if version is None:  # pragma: no cover - callers filter first
        raise ValueError(name)
    return version


def _read_json(node: Traversable) -> JSON:
    """The JSON document in `node`; `RevisionDataError` (file:line:column) when it is not JSON."""
    text = node.read_text("utf-8")
    try:
        data: JSON = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{node}:{exc.lineno}:{exc.colno}: the file is not valid JSON: {exc.msg}."
        raise RevisionDataError(msg) from None
    return data


@dataclass(frozen=True)
class Revision:
    """One immutable revision of the contract, e.g. `0.1` in `schema/v0.1/`."""

    name: str
    root: Traversable
    supplement: Traversable | None = None
    """`schema/supplements/v<name>/`: data a released revision states only in prose."""

    @property
    def version(self) -> tuple[int, int, int]:
        """The revision as a comparable (major, minor, patch) tuple."""
        return _version_key("v" + self.name)

    @functools.cached_property
    def manifest(self) -> JSON:
        """The revision manifest (`revision.json`): label, status, release date."""
        return _read_json(self.root / "revision.json")

    @property
    def released(self) -> bool:
        """True when the manifest marks the revision released (immutable, its data checked)."""
        return bool(self.manifest.get("status") == "released")

    @functools.cached_property
    def base_uri(self) -> str:
        """The URI every `$id` of this revision starts with."""
        return str(self.schema_file("event.schema.json")["$id"]).rsplit("/", 1)[0] + "/"

    def files(self) -> list[str]:
        """Relative paths of every schema file (`*.schema.json`) of the revision, sorted."""
        out: list[str] = []
        stack: list[tuple[str, Traversable]] = [("", self.root)]
        while stack:
            prefix, node = stack.pop()
            for child in node.iterdir():
                rel = prefix + child.name
                if child.is_dir() and child.name != "examples":
                    stack.append((rel + "/", child))
                elif child.name.endswith(".schema.json"):
                    out.append(rel)
        return sorted(out)

    @functools.cache  # noqa: B019 - revisions are few and live for the process
    def schema_file(self, rel: str) -> JSON:
        """Load one schema file of the revision by its relative path."""
        return _read_json(self.root.joinpath(*rel.split("/")))

    def data_file(self, rel: str) -> JSON:
        """Load one data file (state machine, invariants, default policy) of the revision.

        A data file with a schema in the revision (`DATA_SCHEMAS`) is checked against it:
        `RevisionDataError` names the file, the line and the field that break it. A released
        revision's files were checked when it was released and never change (`compat
        --all`, and `tests/schema/test_revision_data.py` for every revision the package ships),
        so they are not checked again: the check imports python-jsonschema, which would add
        about 0.1 s to every `validate` (`strict=True` checks them anyway).
        """
        return self._data_file(rel, strict=not self.released)

    def _data_file(self, rel: str, *, strict: bool) -> JSON:
        node = self.resource(rel)
        data = _read_json(node)
        if not strict:
            return data
        problem = None
        if rel in DATA_SCHEMAS:
            schema = self.schema_file(DATA_SCHEMAS[rel])
            problem = schema_problem(rel, data, schema, self.registry)
        elif rel in PACKAGE_SCHEMAS:
            problem = schema_problem(rel, data, package_schema(rel))
        if problem is not None:
            raise RevisionDataError(located(str(node), node.read_text("utf-8"), *problem))
        return data

    def check_data(self) -> None:
        """Read every data file the session fold uses; `RevisionDataError` on the first problem.

        The files are read lazily; a command calls this first so that a broken data file is a
        one-line input error before any work starts.
        """
        self.check_refs()
        _ = self.default_policy, self.invariants, self.state_machine, self.behaviour

    def check_data_files(self) -> None:
        """Check every data file with a schema against it, released or not (`RevisionDataError`)."""
        for rel in DATA_SCHEMAS:
            self._data_file(rel, strict=True)
        for rel in PACKAGE_SCHEMAS:
            if self.resource(rel).is_file():
                self._data_file(rel, strict=True)

    def check_refs(self) -> None:
        """`RevisionDataError` when a chain of `$ref`s comes back to itself (`ref_cycle`)."""
        _ = self._refs_checked

    @functools.cached_property
    def _refs_checked(self) -> bool:
        places: dict[int, str] = {}
        starts: list[tuple[str, str, Resolver[Any]]] = []
        for rel in self.files():
            doc = self.schema_file(rel)
            resolver = self.registry.resolver(base_uri=str(doc.get("$id", "")))
            for pointer, node in _schema_nodes(doc, ""):
                places[id(node)] = f"{rel}#{pointer}"
                if isinstance(node.get("$ref"), str):
                    starts.append((f"{rel}#{pointer}", node["$ref"], resolver))

        def follow(ref: str, resolver: Resolver[Any]) -> tuple[Any, str, Resolver[Any]]:
            resolved = resolver.lookup(ref)
            return resolved.contents, places.get(id(resolved.contents), ref), resolved.resolver

        cycle = ref_cycle(starts, follow)
        if cycle is not None:
            rel, pointer = cycle[0].split("#", 1)
            file = self.root.joinpath(*rel.split("/"))
            message = (
                f"The $ref chain {' -> '.join(cycle)} comes back to itself without reaching a "
                "schema; end it in a schema (validators would recurse forever)."
            )
            raise RevisionDataError(located(str(file), file.read_text("utf-8"), pointer, message))
        return True

    @functools.cached_property
    def _consistent(self) -> tuple[JSON, JSON]:
        """The state machine and behaviour data, checked as one whole (`behaviour_problems`)."""
        machine = self.data_file("state-machine.json")
        has_behaviour = self.resource("behaviour.json").is_file()
        behaviour = self.data_file("behaviour.json") if has_behaviour else None
        base = str(self.schema_file("state-machine.schema.json").get("$id", ""))
        resolver = self.registry.resolver(base_uri=base)

        def resolve(ref: str) -> object:
            return resolver.lookup(ref).contents

        try:
            enum = session_states(self.schema_file("state-machine.schema.json"), resolve)
        except (OSError, referencing.exceptions.Unresolvable):
            enum = None
        for rel, pointer, message in behaviour_problems(machine, behaviour, self.event_types, enum):
            node = self.resource(rel)
            raise RevisionDataError(located(str(node), node.read_text("utf-8"), pointer, message))
        return machine, behaviour if behaviour is not None else {}

    def resource(self, rel: str) -> Traversable:
        """The file or folder `rel` of the revision, or of its supplement.

        A released revision never changes; data it states only in prose (its behaviour, its
        stream cases) ships beside it in `schema/supplements/v<name>/`, read as if it were part
        of the revision. A revision's own folder wins.
        """
        own = self.root.joinpath(*rel.split("/"))
        if own.is_file() or own.is_dir() or self.supplement is None:
            return own
        return self.supplement.joinpath(*rel.split("/"))

    @functools.cached_property
    def registry(self) -> referencing.Registry[Any]:
        """A `referencing` registry of every schema file, keyed by `$id`; never retrieves."""
        resources_ = [
            referencing.Resource.from_contents(self.schema_file(rel), DRAFT202012)
            for rel in self.files()
        ]
        pairs = [(str(r.id()), r) for r in resources_ if r.id() is not None]
        return referencing.Registry().with_resources(pairs).crawl()

    @property
    def event_schema(self) -> JSON:
        """The entry schema: the discriminated union of all event types."""
        return self.schema_file("event.schema.json")

    @property
    def envelope_schema(self) -> JSON:
        """The generic envelope schema (any known event type, open details)."""
        return self.schema_file("envelope.schema.json")

    @functools.cached_property
    def variants(self) -> dict[str, JSON]:
        """Event type name -> the schema of that event type, in the order of the union."""
        out: dict[str, JSON] = {}
        base = self.event_schema["$id"]
        for branch in self.event_schema["oneOf"]:
            resolved = self.registry.resolver().lookup(urljoin(base, branch["$ref"]))
            contents: JSON = dict(resolved.contents)
            out[contents["properties"]["event_type"]["const"]] = contents
        return out

    @property
    def event_types(self) -> list[str]:
        """The event type names, in the order of the union."""
        return list(self.variants)

    @functools.cached_property
    def state_machine(self) -> JSON:
        """The state model: states, initial and terminal states, allowed transitions."""
        return self._consistent[0]

    @functools.cached_property
    def invariants(self) -> list[JSON]:
        """The invariant catalog entries."""
        entries: list[JSON] = self.data_file("invariants.json")["invariants"]
        return entries

    @functools.cached_property
    def behaviour(self) -> JSON:
        """The behaviour data (`behaviour.json`): event roles, transition fields, attempt states."""
        if not self.resource("behaviour.json").is_file():
            return self.data_file("behaviour.json")  # the missing file's own error
        return self._consistent[1]

    def stream_cases(self) -> list[Traversable]:
        """The folders of the revision's behaviour suite (`streams/<case>/`), sorted by name."""
        folder = self.resource("streams")
        if not folder.is_dir():
            return []
        return sorted((c for c in folder.iterdir() if c.is_dir()), key=lambda c: c.name)

    @functools.cached_property
    def default_policy(self) -> JSON:
        """The default recovery policy of this revision."""
        data = self.data_file("policy.default.json")
        return {k: v for k, v in data.items() if not k.startswith("$")}

    def examples(self, kind: str) -> list[tuple[str, JSON]]:
        """Return the `valid` or `invalid` example vectors as (name, vector) pairs, sorted.

        `RevisionDataError` names a file that is not a vector (`revision_data.VECTOR_FORMAT`).
        """
        folder = self.root / "examples" / kind
        if not folder.is_dir():
            return []
        out: list[tuple[str, JSON]] = []
        for child in folder.iterdir():
            if not child.name.endswith(".json"):
                continue
            try:
                vector = _read_json(child)
            except (ValueError, UnicodeDecodeError) as exc:
                msg = f"{child}: an example vector is not valid JSON: {exc}"
                raise RevisionDataError(msg) from None
            problem = vector_problem(kind, vector)
            if problem is not None:
                raise RevisionDataError(located(str(child), child.read_text("utf-8"), "", problem))
            out.append((child.name.removesuffix(".json"), vector))
        return sorted(out, key=lambda pair: pair[0])

    def inlined(self, schema: JSON) -> JSON:
        """Return `schema` with every (non-recursive) `$ref` replaced by its target.

        Validation is the same, minus the cost of resolving references at run time; the stream
        validator checks events against inlined variants. A recursive reference stays a `$ref`.
        """
        resolver = self.registry.resolver(base_uri=schema.get("$id", ""))
        result: JSON = _inline(schema, resolver, ())
        return result

    def bundle(self) -> JSON:
        """Return the event schema as one self-contained document.

        Every referenced resource or `$defs` entry becomes a `$defs` entry of the bundle, named by
        its `title` (whole resources) or its `$defs` key, and every `$ref` is rewritten to a local
        `#/$defs/...` pointer, which code generators in every language understand.
        """
        self.check_refs()
        return _Bundler(self).bundle("event.schema.json")


class _Bundler:
    def __init__(self, revision: Revision) -> None:
        self.revision = revision
        self.by_uri = {r.schema_file(rel)["$id"]: rel for r in (revision,) for rel in r.files()}
        self.defs: dict[str, JSON] = {}
        self.owner: dict[str, str] = {}

    def bundle(self, entry: str) -> JSON:
        doc = self.revision.schema_file(entry)
        root: JSON = self._rewrite(doc, doc["$id"], top=True)
        root["$id"] = self.revision.base_uri + "bundle/" + entry
        root["$defs"] = dict(sorted(self.defs.items()))
        return root

    def _def_name(self, target: str) -> str:
        uri, fragment = urldefrag(target)
        if uri not in self.by_uri:
            msg = f"$ref {target!r} points outside the revision"
            raise referencing.exceptions.Unresolvable(msg)
        schema = self.revision.schema_file(self.by_uri[uri])
        if fragment == "":
            name, sub = str(schema["title"]), schema
        elif fragment.startswith("/$defs/") and fragment.count("/") == 2:
            name, sub = fragment.removeprefix("/$defs/"), schema["$defs"][fragment[7:]]
        else:
            msg = f"cannot bundle $ref {target!r}: only whole files and $defs entries are supported"
            raise ValueError(msg)
        if self.owner.setdefault(name, target) != target:
            msg = f"bundle name clash: {name!r} is both {self.owner[name]} and {target}"
            raise ValueError(msg)
        if name not in self.defs:
            self.defs[name] = {}
            self.defs[name] = self._rewrite(sub, uri)
        return name

    def _rewrite(self, node: Any, base: str, *, top: bool = False) -> Any:  # noqa: ANN401
        if isinstance(node, list):
            return [self._rewrite(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        out: JSON = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = "#/$defs/" + self._def_name(urljoin(base, value))
            elif key in {"$id", "$schema"} and not top:
                continue
            elif key in {"$defs", "examples", "const", "enum", "default"}:
                out[key] = value if key != "$defs" else {}
            else:
                out[key] = self._rewrite(value, base)
        if not top:
            out.pop("$defs", None)
        return out


def _schema_nodes(node: Any, pointer: str) -> list[tuple[str, JSON]]:  # noqa: ANN401 - JSON
    """Every object of a schema document with its JSON Pointer (values of `enum` etc. skipped)."""
    out: list[tuple[str, JSON]] = []
    if isinstance(node, dict):
        out.append((pointer, node))
        for key, value in node.items():
            if key not in {"examples", "const", "enum", "default"}:
                out += _schema_nodes(value, f"{pointer}/{escape(key)}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            out += _schema_nodes(item, f"{pointer}/{i}")
    return out


def _inline(node: Any, resolver: Resolver[Any], seen: tuple[int, ...]) -> Any:  # noqa: ANN401
    if isinstance(node, list):
        return [_inline(item, resolver, seen) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: value
        if key in {"examples", "const", "enum", "default"}
        else _inline(value, resolver, seen)
        for key, value in node.items()
        if key != "$ref"
    }
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return out
    resolved = resolver.lookup(ref)
    target_id = id(resolved.contents)  # the same subschema object: a recursive reference
    if target_id in seen:
        out["$ref"] = ref  # recursion: keep the reference
        return out
    target = _inline(resolved.contents, resolved.resolver, (*seen, target_id))
    target = {k: v for k, v in target.items() if k not in {"$id", "$schema", "$defs"}}
    if set(out) & set(target) - ANNOTATIONS:
        return {**out, "allOf": [target]}
    return {**target, **out}


def list_revisions(root: Traversable | None = None) -> list[Revision]:
    """Return every revision shipped with the package (or in folder `root`), oldest first."""
    root = schema_root() if root is None else root
    names = [
        c.name for c in root.iterdir() if c.is_dir() and c.name[:1] == "v" and version_of(c.name)
    ]
    return [
        Revision(n[1:], root / n, root / "supplements" / n) for n in sorted(names, key=_version_key)
    ]


def latest_revision() -> Revision:
    """Return the newest revision."""
    return list_revisions()[-1]


def load_revision(name: str | None = None) -> Revision:
    """Return revision `name` (`0.1`, `v0.1` or its label `v0.1-preview`); None is the latest."""
    revisions = list_revisions()
    if name is None:
        return revisions[-1]
    for rev in revisions:
        if name in {rev.name, "v" + rev.name, rev.manifest.get("label")}:
            return rev
    known = ", ".join(r.name for r in revisions)
    msg = f"unknown revision {name!r}; known revisions: {known}"
    raise UnknownRevisionError(msg)
