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
    codegen_view,
    dump_json,
    header_lines,
    module_suffix,
    run_tool,
    write,
)
from scripts.codegen.gaps import copy_gaps

if TYPE_CHECKING:
    from vrp_contract.revisions import Revision

__all__ = ["NAME", "ROOTS", "generate", "tool_status"]

NAME = "java"
ROOTS = ("generated/java",)
TEMPLATES = Path(__file__).parent / "templates" / "java"
GENERATOR_POM = REPO / "scripts" / "codegen" / "java" / "pom.xml"
HOLDER = "VrpEventTypes"


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
    subtypes = ",\n".join(
        f'    @JsonSubTypes.Type(value = {schema["title"]}.class, name = "{tag}")'
        for tag, schema in revision.variants.items()
    )
    return (
        f"{slash}\npackage {package};\n\n"
        "import com.fasterxml.jackson.annotation.JsonSubTypes;\n"
        "import com.fasterxml.jackson.annotation.JsonTypeInfo;\n\n"
        f"/** One event of contract revision {revision.name}: Jackson picks the class from "
        "{@code event_type}. */\n"
        "@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY,\n"
        '        property = "event_type", visible = true)\n'
        f"@JsonSubTypes({{\n{subtypes}\n}})\n"
        "public interface VrpEvent {\n"
        "    /** The {@code event_type} discriminator. */\n"
        "    String getEventType();\n"
        "}\n"
    )


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
        for path in sorted((work / "java").rglob("*.java")):
            if path.stem == HOLDER:
                continue
            write(out, f"{src}/{path.name}", f"{slash}\n{path.read_text('utf-8')}")
    write(out, f"{src}/VrpEvent.java", _interface(revision, package, slash))

    def fill(text: str) -> str:
        return (
            text.replace("// @@HEADER@@", slash)
            .replace("@@HEADER@@", " ".join(header_lines(revision)).replace("--", "- -"))
            .replace("@@PACKAGE@@", package)
            .replace("@@REV_ID@@", rev_id)
            .replace("@@REV@@", revision.name)
        )

    write(out, f"{src}/VrpEvents.java", fill((TEMPLATES / "VrpEvents.java").read_text("utf-8")))
    write(out, f"{test_dir}/VectorsTest.java", fill((TEMPLATES / "VectorsTest.java").read_text()))
    write(out, f"{base}/pom.xml", fill((TEMPLATES / "pom.xml.in").read_text("utf-8")))
    copy_gaps("java", out, f"{base}/known-gaps.json")
