"""Java: `mvn test` in each generated Maven project (shared vectors), and the docs example."""

from __future__ import annotations

import pytest

from tests.generated._toolchain import GENERATED, docs_example, need, run

PROJECTS = sorted(p for p in (GENERATED / "java").iterdir() if (p / "pom.xml").is_file())
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
pytestmark = pytest.mark.toolchain


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_vectors(project):
    mvn = need("mvn", "Maven 3.8+ with Java 17")
    out = run([mvn, "-B", "test"], cwd=project, timeout=3600)
    assert "Tests run:" in out
    assert "BUILD SUCCESS" in out


def test_docs_example_runs(tmp_path):
    mvn = need("mvn", "Maven 3.8+ with Java 17")
    javac, java = need("javac", "a JDK 17"), need("java", "a JDK 17")
    project = PROJECTS[-1]
    cp_file = tmp_path / "classpath.txt"
    run(
        [
            *(mvn, "-q", "-B", "test-compile", f"{DEPENDENCY_PLUGIN}:build-classpath"),
            f"-Dmdep.outputFile={cp_file}",
            "-Dmdep.includeScope=test",
        ],
        cwd=project,
        timeout=3600,
    )
    classpath = f"{project / 'target' / 'classes'}:{cp_file.read_text().strip()}"
    (tmp_path / "Example.java").write_text(docs_example("java"))
    run([javac, "-cp", classpath, "-d", str(tmp_path), "Example.java"], cwd=tmp_path)
    out = run([java, "-cp", f"{tmp_path}:{classpath}", "Example"], cwd=tmp_path)
    lines = out.splitlines()
    assert lines[0] == "VOLATILE 9223372036854775807"
    assert lines[2:] == ["schema.required /details/path_id", "skipped /event_type"]
