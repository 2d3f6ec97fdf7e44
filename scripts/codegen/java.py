"""Java: a Maven project per revision, Jackson POJOs from jsonschema2pojo.

The jsonschema2pojo Maven plugin is pinned in scripts/codegen/java/pom.xml; the classes carry
Bean Validation annotations for the constraints.

`generated/java/v0_1/` (artifact `dev.vrp.contract:vrp-event-v0_1`, package
`dev.vrp.contract.v0_1`): one class per event type and per `details` object, the enums, the
`VrpEvent` interface (Jackson dispatches on `event_type` through `@JsonSubTypes`), `VrpEvents`
(a strict mapper, `decode` with validation, `encode`), the vector test, `known-gaps.json`.

Java view of the schema (same instances valid): `javaType` names each `$defs` entry and each
`details` object (`PathSelectedDetails`...), `javaInterfaces` makes each event type implement
`VrpEvent`; jsonschema2pojo reads a root object that references every `$defs` entry, and that
holder class is not kept.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scripts.codegen.common import (
    REPO,
    GeneratorError,
    codegen_view,
    dump_json,
    header_lines,
    module_suffix,
    run_tool,
    write,
)
from scripts.codegen.gaps import copy_gaps
from scripts.codegen.plan import plan_json, vectors_text
from scripts.codegen.release import REPOSITORY, artifact_name, package_version

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "tool_status"]

NAME = "java"
ROOTS = ("generated/java",)
TEMPLATES = Path(__file__).parent / "templates" / "java"
GENERATOR_POM = REPO / "scripts" / "codegen" / "java" / "pom.xml"
HOLDER = "VrpEventTypes"
RUNTIME = (
    "VrpEvents.java",
    "Strict.java",
    "DecodeException.java",
    "UnknownEventTypeException.java",
    "EncodeException.java",
)


def tool_status() -> str | None:
    """Maven (with Java 17) runs the pinned jsonschema2pojo plugin."""
    if shutil.which("mvn") is None:
        return "mvn is not installed (Maven 3.8+ with Java 17)"
    return None


def _java_view(revision: Revision, package: str) -> dict[str, Any]:
    view = codegen_view(revision)
    defs: dict[str, Any] = view["$defs"]
    for name, schema in defs.items():
        schema["javaType"] = f"{package}.{name}"
        props = schema.get("properties", {})
        if "event_type" in props:
            schema["javaInterfaces"] = [f"{package}.VrpEvent"]
            if "details" in props:
                props["details"]["javaType"] = f"{package}.{name}Details"
    return {
        "$schema": view.get("$schema"),
        "title": HOLDER,
        "type": "object",
        "javaType": f"{package}.{HOLDER}",
        "properties": {name[0].lower() + name[1:]: {"$ref": f"#/$defs/{name}"} for name in defs},
        "$defs": defs,
    }


def _interface(revision: Revision, package: str, slash: str) -> str:
    permits = ", ".join(schema["title"] for schema in revision.variants.values())
    return (
        f"{slash}\npackage {package};\n\n"
        "import com.fasterxml.jackson.databind.annotation.JsonDeserialize;\n\n"
        f"/**\n * One event of contract revision {revision.name}: a sealed interface over the\n"
        " * event type classes. Reading it with any ObjectMapper runs the strict decoder\n"
        " * ({@link VrpEvents#decode(String)}).\n */\n"
        "@JsonDeserialize(using = VrpEvents.Deserializer.class)\n"
        f"public sealed interface VrpEvent permits {permits} {{\n"
        "    /** The {@code event_type} discriminator. */\n"
        "    String getEventType();\n"
        "}\n"
    )


def _seal(text: str, title: str, tag: str) -> str:
    """Seal one event class: final, with `event_type` preset from its type, read strictly.

    Its `@JsonDeserialize` names its strict reader in `VrpEvents` (the check plan, then Jackson's
    bean deserializer, which `VrpEvents`' own mapper restores with a mix-in).
    """
    head = f"public class {title} implements VrpEvent"
    field = "    private String eventType;"
    if head not in text or field not in text:
        msg = f"java: jsonschema2pojo output of {title} changed ({head!r} or {field!r} missing)"
        raise GeneratorError(msg)
    return text.replace(
        head,
        "@com.fasterxml.jackson.databind.annotation.JsonDeserialize(\n"
        f"    using = VrpEvents.{title}Reader.class)\n"
        f"public final class {title} implements VrpEvent",
    ).replace(field, f'    private String eventType = "{tag}";')


def generate(revision: Revision, out: Path) -> None:
    """Write the Maven project of one revision."""
    rev_id = module_suffix(revision)
    package = f"dev.vrp.contract.{rev_id}"
    base = f"generated/java/{rev_id}"
    src = f"{base}/src/main/java/{package.replace('.', '/')}"
    test_dir = f"{base}/src/test/java/{package.replace('.', '/')}"
    slash = "\n".join("// " + line for line in header_lines(revision))
    with tempfile.TemporaryDirectory(prefix="vrp-codegen-java-") as tmp:
        work = Path(tmp)
        (work / "schema").mkdir()
        (work / "schema" / "vrp-event.json").write_text(
            dump_json(_java_view(revision, package)), "utf-8"
        )
        run_tool(
            [
                "mvn",
                *("-q", "-B", "-f", str(GENERATOR_POM), "generate-sources"),
                f"-Dvrp.schemaDir={work / 'schema'}",
                f"-Dvrp.outDir={work / 'java'}",
                f"-Dvrp.package={package}",
                f"-Dproject.build.directory={work / 'build'}",
            ],
            cwd=work,
        )
        by_title = {schema["title"]: tag for tag, schema in revision.variants.items()}
        for path in sorted((work / "java").rglob("*.java")):
            if path.stem == HOLDER:
                continue
            text = path.read_text("utf-8")
            if path.stem in by_title:
                text = _seal(text, path.stem, by_title[path.stem])
            write(out, f"{src}/{path.name}", f"{slash}\n{text}")
    write(out, f"{src}/VrpEvent.java", _interface(revision, package, slash))

    classes = ",\n".join(
        f'            Map.entry("{tag}", {schema["title"]}.class)'
        for tag, schema in revision.variants.items()
    )
    tags = ",\n".join(
        f'            Map.entry({schema["title"]}.class, "{tag}")'
        for tag, schema in revision.variants.items()
    )

    mixins = "\n".join(
        f"            .addMixIn({schema['title']}.class, Unchecked.class)"
        for schema in revision.variants.values()
    )
    readers = "\n".join(
        f"\n    /** The strict reader of {{@link {t}}}. */\n"
        f"    public static final class {t}Reader extends Typed<{t}> {{\n"
        "        private static final long serialVersionUID = 1L;\n\n"
        "        /** Jackson instantiates it through {@code @JsonDeserialize}. */\n"
        f"        public {t}Reader() {{\n            super({t}.class);\n        }}\n    }}"
        for t in (schema["title"] for schema in revision.variants.values())
    )

    def fill(text: str) -> str:
        return (
            text.replace("// @@HEADER@@", slash)
            .replace("@@HEADER@@", " ".join(header_lines(revision)).replace("--", "- -"))
            .replace("@@PACKAGE@@", package)
            .replace("@@REV_ID@@", rev_id)
            .replace("@@REV@@", revision.name)
            .replace("@@VERSION@@", package_version(revision))
            .replace("@@ARTIFACT@@", artifact_name(revision))
            .replace("@@REPOSITORY@@", REPOSITORY)
            .replace("@@CLASSES@@", classes)
            .replace("@@TAGS@@", tags)
            .replace("@@MIXINS@@", mixins)
            .replace("@@DESERIALIZERS@@", readers)
        )

    for name in RUNTIME:
        write(out, f"{src}/{name}", fill((TEMPLATES / name).read_text("utf-8")))
    write(out, f"{test_dir}/VectorsTest.java", fill((TEMPLATES / "VectorsTest.java").read_text()))
    write(out, f"{base}/pom.xml", fill((TEMPLATES / "pom.xml.in").read_text("utf-8")))
    resources = f"{base}/src/main/resources/{package.replace('.', '/')}"
    write(out, f"{resources}/plan.json", plan_json(revision))
    write(out, f"{resources}/vectors.json", vectors_text(revision))
    write(out, f"{base}/LICENSE", (REPO / "LICENSE").read_text("utf-8"))
    copy_gaps("java", out, f"{base}/known-gaps.json")
