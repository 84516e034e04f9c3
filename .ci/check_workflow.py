"""The release workflow builds with the flags .ci/run builds with, and publishes only as intended.

actionlint checks that .github/workflows/release.yml is a valid workflow; this checks what it
cannot know: every maturin build step passes exactly the flags `.ci/build-wheels --print-flags`
gives for its platform (beside --out and the interpreters), the wheels are tested through
.ci/test-wheel, and publishing happens on version tags only, through trusted publishing.

    python .ci/check_workflow.py [WORKFLOW]
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PLATFORMS = ("linux", "macos", "windows")


def ci_flags(platform: str) -> list[str]:
    script = REPO / ".ci" / "build-wheels"
    printed = subprocess.run(
        ["bash", str(script), "--print-flags", platform], check=True, capture_output=True, text=True
    ).stdout
    return shlex.split(printed)


def build_flags(args: str) -> list[str]:
    """The flags of a maturin build command line, without --out and the interpreter list."""
    words = shlex.split(args)
    kept: list[str] = []
    skipping_values = False
    i = 0
    while i < len(words):
        word = words[i]
        if word in ("--out", "-o"):
            i += 2
            continue
        if word in ("--interpreter", "-i"):
            skipping_values = True
        elif word.startswith("-"):
            skipping_values = False
            kept.append(word)
        elif not skipping_values:
            kept.append(word)
        i += 1
    return kept


def check(workflow: Path) -> list[str]:
    problems: list[str] = []
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    built = set()
    for name, job in jobs.items():
        for step in job.get("steps", []):
            if not str(step.get("uses", "")).startswith("PyO3/maturin-action@"):
                continue
            settings = step.get("with", {})
            command = settings.get("command", "build")
            args = str(settings.get("args", ""))
            if command == "sdist":
                if build_flags(args):
                    problems.append(f"job {name}: sdist takes no flags but --out, got {args!r}")
                continue
            if name not in PLATFORMS:
                problems.append(f"job {name}: a wheel build outside the jobs {PLATFORMS}")
                continue
            if "manylinux" in settings or "container" in settings:
                problems.append(f"job {name}: the platform tag comes from the flags, not inputs")
            expected = ci_flags(name)
            if build_flags(args) != expected:
                problems.append(
                    f"job {name}: maturin {command} {build_flags(args)}, but .ci/run builds with "
                    f"{expected}"
                )
            built.add(name)
    problems += [f"no wheel build for {p}" for p in PLATFORMS if p not in built]

    test_runs = " ".join(str(s.get("run", "")) for s in jobs.get("test", {}).get("steps", []))
    if ".ci/test-wheel" not in test_runs:
        problems.append("job test: the wheels are not tested through .ci/test-wheel")

    publish = jobs.get("publish", {})
    if not str(publish.get("if", "")).startswith("startsWith(github.ref, 'refs/tags/v')"):
        problems.append("job publish: must run on version tags only")
    if publish.get("permissions", {}).get("id-token") != "write":
        problems.append("job publish: trusted publishing needs permissions id-token: write")
    uses = [str(s.get("uses", "")) for s in publish.get("steps", [])]
    if not any(u.startswith("pypa/gh-action-pypi-publish@") for u in uses):
        problems.append("job publish: does not use pypa/gh-action-pypi-publish")
    if set(publish.get("needs", [])) != {"test", "check"}:
        problems.append("job publish: must wait for the tests and the checks")
    return problems


def main() -> int:
    workflow = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / ".github/workflows/release.yml"
    problems = check(workflow)
    for problem in problems:
        print(f"{workflow}: {problem}", file=sys.stderr)
    if not problems:
        print(f"{workflow}: maturin flags agree with .ci/build-wheels; publishing on tags only")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
